#include "private_temp.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace caseboard::app {
namespace {

// The directory name says who made it, so a later start can tell copies a
// crashed app left from those of an app still running.
const char kPrefix[] = "caseboard-open-";

std::vector<PrivateCopy> copies;

std::string Errno(int err) { return std::strerror(err); }

// tmpfs or ramfs: the bytes live in memory (or swap, which an encrypted
// swap setup covers) and vanish at power-off; nothing reaches a disk.
bool MemoryBacked(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  struct statfs fs;
  if (statfs(dir.c_str(), &fs) != 0) return false;
  return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;
}

std::vector<std::string> Bases() {
  std::vector<std::string> out;
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && x[0]) out.push_back(x);
  out.push_back("/dev/shm");
  return out;
}

Result<std::string> Base() {
  for (const auto& b : Bases())
    if (MemoryBacked(b)) return b;
  return Status::Unsupported(
      "There is nowhere private in memory to put a decrypted copy (neither $XDG_RUNTIME_DIR nor /dev/shm "
      "is a memory file system), and Caseboard never writes one to disk. Use \"View here\" instead.");
}

Status WriteAll(int fd, const uint8_t* data, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Status::IOError("cannot write the copy: " + Errno(errno));
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

// Overwrites a file's bytes with zeros before unlinking it, so the pages
// that held the plaintext are cleared rather than just released.
Status WipeFile(int dirfd, const char* name) {
  int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  Status s;
  if (fd >= 0) {
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      static const uint8_t kZeros[64 * 1024] = {};
      for (off_t left = st.st_size; left > 0 && s.ok();) {
        size_t n = static_cast<size_t>(std::min<off_t>(left, sizeof kZeros));
        s = WriteAll(fd, kZeros, n);
        left -= static_cast<off_t>(n);
      }
      fsync(fd);
    }
    close(fd);
  }
  if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT)
    return Status::IOError(std::string("cannot remove ") + name + ": " + Errno(errno));
  return s;
}

// Wipes everything in `path` (the other program may have added lock or
// backup files beside the copy), then removes it. Symbolic links are
// removed, never followed.
Status WipeDir(const std::string& path, int depth = 0) {
  int dirfd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd < 0) return errno == ENOENT ? Status::Ok() : Status::IOError("cannot open " + path);
  Status result;
  DIR* d = fdopendir(dirfd);
  if (!d) {
    close(dirfd);
    return Status::IOError("cannot list " + path);
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.push_back(e->d_name);
  for (const auto& name : names) {
    struct stat st;
    if (fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    Status s;
    if (S_ISDIR(st.st_mode) && depth < 8)
      s = WipeDir(path + "/" + name, depth + 1);
    else if (S_ISREG(st.st_mode))
      s = WipeFile(dirfd, name.c_str());
    else if (unlinkat(dirfd, name.c_str(), 0) != 0)
      s = Status::IOError("cannot remove " + path + "/" + name);
    if (result.ok() && !s.ok()) result = s;
  }
  closedir(d);
  if (rmdir(path.c_str()) != 0 && errno != ENOENT && result.ok())
    result = Status::IOError("cannot remove " + path + ": " + Errno(errno));
  return result;
}

}  // namespace

Result<PrivateCopy> MakePrivateCopy(const std::string& entity, const std::string& label,
                                    const std::string& file_name,
                                    const std::function<Status(const store::WriteFn&)>& fill) {
  if (file_name.empty() || file_name.find('/') != std::string::npos || file_name == "." || file_name == "..")
    return Status::InvalidArgument("the copy needs a plain file name");
  CB_ASSIGN_OR_RETURN(std::string base, Base());
  std::string templ = base + "/" + kPrefix + std::to_string(getpid()) + "-XXXXXX";
  if (!mkdtemp(templ.data()))  // mode 0700
    return Status::IOError("cannot make a private folder in " + base + ": " + Errno(errno));
  PrivateCopy copy{entity, label, templ, templ + "/" + file_name};
  int fd = open(copy.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    WipeDir(copy.dir).ok();
    return Status::IOError("cannot create the copy: " + Errno(err));
  }
  Status s = fill([fd](ByteView data) { return WriteAll(fd, data.data(), data.size()); });
  if (close(fd) != 0 && s.ok()) s = Status::IOError("cannot finish the copy: " + Errno(errno));
  if (!s.ok()) {
    WipeDir(copy.dir).ok();
    return s;
  }
  copies.push_back(copy);
  return copy;
}

Status OpenInDefaultProgram(const std::string& path) {
  // Everything the children need is made before fork: after it, only
  // async-signal-safe calls.
  const char* argv[] = {"xdg-open", path.c_str(), nullptr};
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return Status::IOError("cannot start xdg-open: " + Errno(errno));
  pid_t child = fork();
  if (child < 0) {
    int err = errno;
    close(report[0]);
    close(report[1]);
    return Status::IOError("cannot start xdg-open: " + Errno(err));
  }
  if (child == 0) {
    // The child starts the program in a grandchild and leaves at once, so
    // the program belongs to init (no zombie in the app, and it lives on
    // if the app quits) and never shares the app's terminal session.
    close(report[0]);
    if (fork() != 0) _exit(0);
    setsid();
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
    }
    execvp(argv[0], const_cast<char* const*>(argv));
    int err = errno;
    (void)!write(report[1], &err, sizeof err);
    _exit(127);
  }
  close(report[1]);
  while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
  // The pipe closes on a successful exec (O_CLOEXEC) with nothing written.
  int err = 0;
  ssize_t n;
  do {
    n = read(report[0], &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof err)) {
    if (err == ENOENT)
      return Status::NotFound(
          "xdg-open is not installed, so there is no default program to hand the file to. Install "
          "xdg-utils, or use \"View here\".");
    return Status::IOError("cannot start xdg-open: " + Errno(err));
  }
  return Status::Ok();
}

const std::vector<PrivateCopy>& PrivateCopies() { return copies; }

Status WipePrivateCopy(const std::string& path) {
  for (auto it = copies.begin(); it != copies.end(); ++it) {
    if (it->path != path) continue;
    Status s = WipeDir(it->dir);
    copies.erase(it);
    return s;
  }
  return Status::NotFound("no such copy");
}

void WipeAllPrivateCopies() {
  for (const auto& c : copies) WipeDir(c.dir).ok();
  copies.clear();
}

void WipeStalePrivateCopies() {
  for (const auto& base : Bases()) {
    DIR* d = opendir(base.c_str());
    if (!d) continue;
    std::vector<std::string> stale;
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.rfind(kPrefix, 0) != 0) continue;
      pid_t pid = static_cast<pid_t>(std::atol(name.c_str() + sizeof kPrefix - 1));
      if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) continue;
      // Only our own directories: /dev/shm is shared by every user.
      struct stat st;
      std::string path = base + "/" + name;
      if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid())
        stale.push_back(path);
    }
    closedir(d);
    for (const auto& path : stale) WipeDir(path).ok();
  }
}

}  // namespace caseboard::app
