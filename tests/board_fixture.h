// A real caseboard-server process on loopback TLS, for the sync integration
// tests: initialised in a temporary data folder, started, stopped, killed
// and restarted as a test needs.
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

 private:
  TempDir dir_;
  std::string data_;
  std::vector<std::string> run_args_;
  int port_ = 0;
  int pid_ = -1;
  std::string admin_invite_;
};

}  // namespace caseboard::test
