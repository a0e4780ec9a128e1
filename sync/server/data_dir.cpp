#include "data_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace caseboard::server {

namespace fs = std::filesystem;
using nlohmann::json;

Status DataDir::Create() const {
  std::error_code ec;
  if (fs::exists(path_, ec)) {
    if (!fs::is_directory(path_, ec)) return Status::AlreadyExists(path_ + " exists and is not a folder");
    if (fs::exists(config(), ec) || fs::exists(sqlite_db(), ec))
      return Status::AlreadyExists(path_ + " already holds a board; choose another folder");
    if (!fs::is_empty(path_, ec))
      return Status::AlreadyExists(path_ + " is not empty; give init a new or empty folder");
  } else {
    fs::create_directories(
        fs::path(path_).parent_path().empty() ? fs::path(".") : fs::path(path_).parent_path(), ec);
    if (::mkdir(path_.c_str(), 0700) != 0)
      return Status::IOError("cannot create " + path_ + ": " + std::strerror(errno));
  }
  // The folder holds the server's private key: nobody else may list or read it.
  if (::chmod(path_.c_str(), 0700) != 0)
    return Status::IOError("cannot make " + path_ + " private: " + std::strerror(errno));
  return Status::Ok();
}

Result<BoardConfig> DataDir::ReadConfig() const {
  auto text = ReadTextFile(config());
  if (!text.ok()) {
    if (text.status().IsNotFound())
      return Status::NotFound(path_ +
                              " is not a board data folder (no board.json; run 'caseboard-server init')");
    return text.status();
  }
  json j = json::parse(*text, nullptr, false);
  BoardConfig c;
  if (!j.is_object() || !j.contains("url") || !j["url"].is_string())
    return Status::Corruption(config() + " is damaged (it needs a \"url\")");
  c.url = j["url"].get<std::string>();
  if (j.contains("database") && j["database"].is_string()) c.database = j["database"].get<std::string>();
  return c;
}

Status DataDir::WriteConfig(const BoardConfig& c) const {
  json j = {{"url", c.url}};
  if (!c.database.empty()) j["database"] = c.database;
  return WriteFileAtomically(config(), j.dump(2) + "\n", 0600);
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Status::NotFound("no file " + path);
    return Status::IOError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read " + path);
  return ss.str();
}

Status WriteFileAtomically(const std::string& path, const std::string& data, unsigned mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::IOError("cannot create " + tmp + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      return Status::IOError("cannot write " + tmp + ": " + std::strerror(e));
    }
    off += static_cast<size_t>(n);
  }
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return Status::IOError("cannot write " + tmp + ": " + std::strerror(e));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::IOError("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace caseboard::server
