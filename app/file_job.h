// FileJob: adds a file from this computer to the open review on a worker
// thread, so that a long recording or a large report does not freeze the
// window while it is read, hashed, sealed and stored.
//
// While a job runs the worker has the vault and the open review to itself
// (Replica::AttachFile writes both): the App draws only the job's progress
// and touches neither until Collect() (see App::Frame). What crosses between
// the threads is the byte count and the cancel flag (atomics), and the
// outcome, read only after the thread is joined.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "caseboard/review/replica.h"
#include "caseboard/status.h"

namespace caseboard::app {

class FileJob {
 public:
  FileJob() = default;
  ~FileJob();  // cancels a job still running and waits for it
  FileJob(const FileJob&) = delete;
  FileJob& operator=(const FileJob&) = delete;

  // Reads `fd` (an open regular file of `size` bytes, closed by the job)
  // into `replica` as the attachment `name`. None may be running.
  void Start(review::Replica& replica, int fd, std::string name, std::string media_type,
             std::optional<std::string> compartment, uint64_t size);

  bool busy() const { return worker_.joinable(); }
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  // Stops reading at the next piece: nothing of the file stays in the vault.
  void Cancel() { cancel_.store(true); }
  bool cancelling() const { return cancel_.load(); }
  const std::string& name() const { return name_; }
  uint64_t done() const { return done_.load(); }
  uint64_t total() const { return total_; }

  // Waits for the worker (at once if finished()): the new attachment's
  // entity id, or why there is none.
  Result<std::string> Collect();

 private:
  std::thread worker_;
  std::string name_;
  uint64_t total_ = 0;
  std::atomic<uint64_t> done_{0};
  std::atomic<bool> cancel_{false};
  std::atomic<bool> finished_{false};
  Result<std::string> outcome_ = Status::Internal("no file was added");
};

}  // namespace caseboard::app
