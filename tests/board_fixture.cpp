#include "board_fixture.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

namespace caseboard::test {

// A loopback port nobody is listening on now. The server is given it
// explicitly because its invites must name the port before it runs.
static int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

// A fresh database on the PostgreSQL server at `server` (a URL without a
// database name); returns its URL.
static std::string CreateDatabase(const std::string& server) {
  std::random_device rd;
  std::string name = "board_" + std::to_string(rd()) + std::to_string(rd());
  CliRun r = RunProgram("/usr/bin/psql", {server + "/postgres", "-qc", "CREATE DATABASE " + name});
  REQUIRE_MESSAGE(r.exit_code == 0, "could not create a test database: " << r.err);
  return server + "/" + name;
}

BoardServer::BoardServer(std::vector<std::string> run_args, std::vector<std::string> init_args)
    : data_(dir_.Sub("board")), run_args_(std::move(run_args)), port_(FreePort()) {
  std::vector<std::string> args = {"init", "--data", data_, "--url", url()};
  if (const char* pg = std::getenv("CASEBOARD_TEST_POSTGRES"); pg && *pg) {
    database_ = CreateDatabase(pg);
    args.insert(args.end(), {"--database", database_});
  }
  args.insert(args.end(), init_args.begin(), init_args.end());
  CliRun init = RunProgram(CASEBOARD_SERVER_PATH, args);
  REQUIRE_MESSAGE(init.exit_code == 0, "caseboard-server init: " << init.err);
  admin_invite_ = Trimmed(init.out);
  REQUIRE_MESSAGE(admin_invite_.rfind("cbinvite1:", 0) == 0, "init printed no invite: " << init.out);
  Start();
}

BoardServer::~BoardServer() {
  if (running()) Stop();
}

CliRun BoardServer::Admin(const std::string& command, const std::vector<std::string>& args) const {
  std::vector<std::string> all = {command, "--data", data_};
  all.insert(all.end(), args.begin(), args.end());
  return RunProgram(CASEBOARD_SERVER_PATH, all);
}

std::string BoardServer::Invite(const std::string& name) const {
  CliRun r = Admin("invite", {"--name", name});
  REQUIRE_MESSAGE(r.exit_code == 0, "caseboard-server invite: " << r.err);
  return Trimmed(r.out);
}

void BoardServer::Start() {
  REQUIRE_FALSE(running());
  std::vector<std::string> args = {"run", "--data", data_, "--listen", "127.0.0.1:" + std::to_string(port_)};
  args.insert(args.end(), run_args_.begin(), run_args_.end());
  pid_ = SpawnProgram(CASEBOARD_SERVER_PATH, args, {}, dir_.Sub("stdout"), dir_.Sub("stderr"));
  for (int i = 0; i < 400; ++i) {
    Bytes out = ReadFile(dir_.Sub("stdout"));
    if (std::string(out.begin(), out.end()).find("listening on") != std::string::npos) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("caseboard-server exited before listening: " << Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  FAIL("caseboard-server did not start listening within 10 s: " << Log());
}

static void Signal(int& pid, int sig) {
  if (pid <= 0) return;
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  pid = -1;
}

void BoardServer::Stop() { Signal(pid_, SIGTERM); }
void BoardServer::Kill() { Signal(pid_, SIGKILL); }

std::string BoardServer::Log() const {
  Bytes err = ReadFile(dir_.Sub("stderr"));
  return std::string(err.begin(), err.end());
}

std::string BoardServer::StoredBytes() const {
  std::string out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_)) {
    if (!entry.is_regular_file()) continue;
    Bytes b = ReadFile(entry.path());
    out.append(b.begin(), b.end());
  }
  if (!database_.empty()) {
    CliRun dump = RunProgram("/usr/bin/pg_dump", {database_});
    REQUIRE_MESSAGE(dump.exit_code == 0, "pg_dump: " << dump.err);
    out += dump.out;
  }
  return out;
}

int64_t BoardServer::CountRows(const std::string& table) const {
  std::string sql = "SELECT count(*) FROM " + table;
  CliRun r = database_.empty() ? RunProgram("/usr/bin/sqlite3", {data_ + "/board.db", sql})
                               : RunProgram("/usr/bin/psql", {database_, "-tAc", sql});
  REQUIRE_MESSAGE(r.exit_code == 0, "counting " << table << ": " << r.err);
  return std::stoll(r.out);
}

}  // namespace caseboard::test
