// FileLock with flock(2): the lock belongs to the open file description, so
// it is released when the process exits or dies, and a second open of the
// same file conflicts even within one process (fcntl locks would not).
#include "caseboard/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace caseboard {
namespace {

// The holder writes its process id into the file so that a refusal can say
// who has it; the contents are only a hint, never trusted for the locking.
std::string HolderOf(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return "";
  return pid;
}

}  // namespace

Result<std::unique_ptr<FileLock>> FileLock::Acquire(const std::string& path,
                                                    const std::string& busy_message) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot open the lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string holder = err == EWOULDBLOCK ? HolderOf(fd) : "";
    ::close(fd);
    if (err == EWOULDBLOCK)
      return Status::Busy(
          (busy_message.empty() ? path + " is already in use by another Caseboard process" : busy_message) +
          (holder.empty() ? std::string() : " (process " + holder + ")") + "; close it and try again");
    return Status::IOError("cannot lock " + path + ": " + std::strerror(err));
  }
  // Best effort: a failure here leaves the lock held and only the hint missing.
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] ssize_t written = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
  return std::unique_ptr<FileLock>(new FileLock(fd, path));
}

FileLock::~FileLock() {
  // Clear the hint before unlocking, so a later reader never names a process
  // that no longer holds the lock.
  [[maybe_unused]] int truncated = ::ftruncate(fd_, 0);
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace caseboard
