// Private to core/store: an exclusive advisory lock on a file, held for the
// life of the object. The vault uses it so that one process at a time writes a
// vault: SQLite alone would let two writers interleave their sessions and
// each keep its own in-memory view of the document.
//
// flock(2) is POSIX and available on Linux, Android, macOS and iOS; a Windows
// port would use LockFileEx behind this same class.
#pragma once

#include <memory>
#include <string>

#include "caseboard/status.h"

namespace caseboard::store::internal {

class FileLock {
 public:
  // Fails with kBusy at once (no waiting) if another process holds the lock.
  static Result<std::unique_ptr<FileLock>> Acquire(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace caseboard::store::internal
