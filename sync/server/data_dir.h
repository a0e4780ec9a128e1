// The board's data folder, made by `caseboard-server init` (mode 0700):
//   board.json   the board's URL (what invites name) and database, if not the default
//   ca.pem       the board's own CA certificate (its private key is discarded at init)
//   server.pem   the server certificate, signed by that CA
//   server.key   the server's private key (0600)
//   board.db     the SQLite store (with -wal and -shm beside it while in use)
#pragma once

#include <string>

#include "caseboard/status.h"

namespace caseboard::server {

struct BoardConfig {
  std::string url;       // https://host:port, as clients reach the board
  std::string database;  // empty: board.db in the data folder
};

class DataDir {
 public:
  explicit DataDir(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  std::string config() const { return path_ + "/board.json"; }
  std::string ca_pem() const { return path_ + "/ca.pem"; }
  std::string server_pem() const { return path_ + "/server.pem"; }
  std::string server_key() const { return path_ + "/server.key"; }
  std::string sqlite_db() const { return path_ + "/board.db"; }

  // Creates the folder (0700), or takes an existing empty one; refuses one
  // that already holds a board.
  Status Create() const;
  Result<BoardConfig> ReadConfig() const;
  Status WriteConfig(const BoardConfig& config) const;

 private:
  std::string path_;
};

// Reads a whole (small) file; writes one atomically with the given mode.
Result<std::string> ReadTextFile(const std::string& path);
Status WriteFileAtomically(const std::string& path, const std::string& data, unsigned mode);

}  // namespace caseboard::server
