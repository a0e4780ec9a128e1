// WipeVault: overwrite, flush and remove every file of a vault.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "caseboard/file_lock.h"
#include "caseboard/store/vault.h"

namespace caseboard::store {
namespace {

// The files a vault is made of: the database, SQLite's journal files beside
// it, and the lock. Nothing else in the folder is touched.
constexpr const char* kDataFiles[] = {"vault.db", "vault.db-wal", "vault.db-shm", "vault.db-journal"};
constexpr char kLockFile[] = "vault.lock";

Status Shred(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::IOError("cannot open " + path + " to wipe it: " + std::strerror(errno));
  }
  struct stat st {};
  Status s = Status::Ok();
  if (fstat(fd, &st) != 0) s = Status::IOError("cannot wipe " + path + ": " + std::strerror(errno));
  std::vector<char> zeros(1 << 20, 0);
  for (off_t done = 0; s.ok() && done < st.st_size;) {
    size_t want = static_cast<size_t>(std::min<off_t>(st.st_size - done, static_cast<off_t>(zeros.size())));
    ssize_t n = ::pwrite(fd, zeros.data(), want, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      s = Status::IOError("cannot overwrite " + path + ": " + std::strerror(errno));
    else
      done += n;
  }
  if (s.ok() && ::fsync(fd) != 0) s = Status::IOError("cannot flush " + path + ": " + std::strerror(errno));
  ::close(fd);
  if (s.ok() && ::unlink(path.c_str()) != 0 && errno != ENOENT)
    s = Status::IOError("cannot remove " + path + ": " + std::strerror(errno));
  return s;
}

}  // namespace

Status WipeVault(const std::string& dir) {
  if (!Vault::Exists(dir)) return Status::NotFound("there is no vault in " + dir);
  namespace fs = std::filesystem;
  std::string lock_path = (fs::path(dir) / kLockFile).string();
  // Held while wiping, so no program opens the vault half-way through.
  CB_ASSIGN_OR_RETURN(auto lock, FileLock::Acquire(lock_path,
                                                   "the vault is open in another program (the app, a sync or "
                                                   "another command); close it first, then wipe"));
  for (const char* name : kDataFiles) CB_RETURN_IF_ERROR(Shred((fs::path(dir) / name).string()));
  ::unlink(lock_path.c_str());
  lock.reset();
  // The folder goes too when it held only the vault.
  std::error_code ec;
  if (fs::is_empty(dir, ec) && !ec) fs::remove(dir, ec);
  return Status::Ok();
}

}  // namespace caseboard::store
