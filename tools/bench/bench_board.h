// Boards and devices for the sync benchmarks (sync_bench, board_load): a
// board server in this process or the real caseboard-server as a child
// process, and device vaults that join it through the client's own Join.
// Every failure ends the program through Die, as in the other benchmarks.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/store/vault.h"

namespace caseboard::server {
class Board;
class HttpServer;
}  // namespace caseboard::server

namespace caseboard::bench {

// A new folder BASE/PROGRAM.XXXXXX, recorded in g_scratch so that Die removes it.
std::string MakeScratch(const std::string& base, const std::string& program);

// A vault at the test scrypt cost: unlocking is vault_bench's subject, not ours.
std::unique_ptr<store::Vault> MakeFastVault(const std::string& dir);

// Creates a vault in `dir` and joins it to the board the invite names
// (sync::Join: CA fetched under the pin, enrolment with a proof of key).
std::unique_ptr<store::Vault> JoinedDevice(const std::string& dir, const std::string& invite,
                                           const std::string& name);

// The board in this process: the server library wired as `caseboard-server
// init` and `run` wire it (own CA and certificate, SQLite store in `dir`),
// serving HTTPS on a free loopback port with `threads` threads of its own.
// Used where the benchmark wants one process to measure (sync_bench).
class InProcessBoard {
 public:
  InProcessBoard(const std::string& dir, int threads);
  ~InProcessBoard();  // stops the server before the board it serves goes
  InProcessBoard(const InProcessBoard&) = delete;
  InProcessBoard& operator=(const InProcessBoard&) = delete;

  // A one-time invite, as `caseboard-server invite` makes one.
  std::string Invite(const std::string& name);
  const std::string& url() const { return url_; }

 private:
  std::string dir_, url_, ca_sha256_, key_sha256_;
  std::unique_ptr<server::Board> board_;
  std::unique_ptr<server::HttpServer> http_;
};

// The real caseboard-server, as an operator runs it: `init`, `invite` and
// `run` as child processes. The running server is killed if this program
// exits early (Die), so that no stray server outlives a failed benchmark.
class BoardProcess {
 public:
  // Runs `init --data DATA --url https://localhost:PORT [--database URL]`
  // on a free loopback port; `database` empty means SQLite in DATA.
  BoardProcess(std::string binary, std::string data, const std::string& database);
  ~BoardProcess();  // Stop()s

  const std::string& admin_invite() const { return admin_invite_; }
  std::string Invite(const std::string& name) const;
  // `run --listen 127.0.0.1:PORT --threads N`, stderr (the access log) to
  // log_path(); returns once the server says it is listening.
  void Start(int threads);
  void Stop();  // SIGTERM, then waits
  pid_t pid() const { return pid_; }
  std::string log_path() const { return data_ + ".log"; }

 private:
  std::string binary_, data_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::string admin_invite_;
};

// CPU seconds a process has used (utime + stime from /proc/PID/stat).
double ProcessCpuSeconds(pid_t pid);

}  // namespace caseboard::bench
