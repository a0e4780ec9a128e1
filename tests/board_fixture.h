// A real caseboard-server process on loopback TLS, for the sync integration
// tests: initialised in a temporary data folder, started, stopped, killed
// and restarted as a test needs.
//
// With CASEBOARD_TEST_POSTGRES set to a server URL without a database
// (postgresql://postgres@127.0.0.1:PORT, as scripts/with_test_postgres.sh
// sets it), each board gets a database of its own on that server instead of
// the SQLite default, so the same suites run against PostgreSQL.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "test_support.h"

namespace caseboard::test {

class BoardServer {
 public:
  // `init_args` and `run_args` are appended to `init` and `run` (for example
  // --database URL).
  explicit BoardServer(std::vector<std::string> run_args = {}, std::vector<std::string> init_args = {});
  ~BoardServer();

  const std::string& data_dir() const { return data_; }
  int port() const { return port_; }
  std::string url() const { return "https://localhost:" + std::to_string(port_); }
  const std::string& admin_invite() const { return admin_invite_; }

  // caseboard-server COMMAND --data DIR ARGS...
  CliRun Admin(const std::string& command, const std::vector<std::string>& args = {}) const;
  std::string Invite(const std::string& name) const;  // one-time invite text

  void Start();  // returns once the server says it is listening
  void Stop();   // SIGTERM, waits
  void Kill();   // SIGKILL, waits: the crash case
  bool running() const { return pid_ > 0; }
  std::string Log() const;  // what the server wrote to stderr

  // The PostgreSQL database URL, or empty for the SQLite default.
  const std::string& database() const { return database_; }
  // Everything the board has stored: the bytes of every file in its data
  // folder and, on PostgreSQL, a plain pg_dump of its database. What a thief
  // of the server's disk or a database backup would hold.
  std::string StoredBytes() const;
  // The number of rows of a table of the board's store (SQLite or PostgreSQL).
  int64_t CountRows(const std::string& table) const;

 private:
  TempDir dir_;
  std::string data_;
  std::vector<std::string> run_args_;
  int port_ = 0;
  int pid_ = -1;
  std::string admin_invite_;
  std::string database_;
};

}  // namespace caseboard::test
