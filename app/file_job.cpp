#include "file_job.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace caseboard::app {

FileJob::~FileJob() {
  if (!busy()) return;
  Cancel();
  worker_.join();
}

void FileJob::Start(review::Replica& replica, int fd, std::string name, std::string media_type,
                    std::optional<std::string> compartment, uint64_t size) {
  if (busy()) {  // the App never starts a second job; a stray call is ignored
    close(fd);
    return;
  }
  name_ = name;
  total_ = size;
  done_.store(0);
  cancel_.store(false);
  finished_.store(false);
  outcome_ = Status::Internal("no file was added");
  worker_ = std::thread([this, &replica, fd, name = std::move(name), media_type = std::move(media_type),
                         compartment = std::move(compartment)]() mutable {
    outcome_ = replica.AttachFile(
        name, media_type,
        [this, fd](std::span<uint8_t> buf) -> Result<size_t> {
          // The vault drops the pieces already stored when reading fails.
          if (cancel_.load()) return Status::IOError("adding it was cancelled; nothing was added");
          for (;;) {
            ssize_t n = read(fd, buf.data(), buf.size());
            if (n >= 0) {
              done_.fetch_add(static_cast<uint64_t>(n));
              return static_cast<size_t>(n);
            }
            if (errno != EINTR)
              return Status::IOError(std::string("reading it stopped part-way (") + std::strerror(errno) +
                                     "); nothing was added");
          }
        },
        std::move(compartment));
    close(fd);
    finished_.store(true, std::memory_order_release);
  });
}

Result<std::string> FileJob::Collect() {
  if (!busy()) return Status::Internal("no file is being added");
  worker_.join();
  finished_.store(false);
  return std::move(outcome_);
}

}  // namespace caseboard::app
