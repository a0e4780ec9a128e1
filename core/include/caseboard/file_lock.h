// FileLock: an exclusive lock on a file between processes, held for the life
// of the object and released by the destructor, or by the kernel if the
// process dies, so a crash never leaves a stale lock behind.
//
// The vault takes one so that one process at a time writes it (SQLite alone
// would let two writers interleave their sessions, each with its own
// in-memory view of the document); the platform layer offers the same class
// to the app and the CLI. It uses flock(2), which every system Caseboard
// targets has (Linux, Android, macOS, iOS); a Windows port would put
// LockFileEx behind this same class.
#pragma once

#include <memory>
#include <string>

#include "caseboard/status.h"

namespace caseboard {

class FileLock {
 public:
  // Creates `path` if missing and locks it. Never waits: if another process
  // holds the lock (or another FileLock in this process: flock belongs to
  // the open file, not the process), fails at once with kBusy, saying
  // `busy_message` (default: "<path> is already in use by another Caseboard
  // process") and naming the holder's process id when it is known.
  static Result<std::unique_ptr<FileLock>> Acquire(const std::string& path,
                                                   const std::string& busy_message = "");

  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  FileLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace caseboard
