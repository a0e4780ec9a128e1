#include "bench_board.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>  // mkdtemp
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "bench_util.h"
#include "board.h"
#include "caseboard/crypto/kdf.h"
#include "caseboard/sync/sync_engine.h"
#include "caseboard/sync/wire.h"
#include "data_dir.h"
#include "http_server.h"
#include "open_store.h"
#include "tls_material.h"

namespace caseboard::bench {

namespace {

constexpr char kPassphrase[] = "correct horse battery staple";

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A loopback port nobody listens on now. The board's invites must name its
// port before it runs, so it cannot simply bind port 0.
int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    Die(std::string("cannot find a free loopback port: ") + std::strerror(errno));
  close(fd);
  return ntohs(addr.sin_port);
}

// Starts `argv` with stdout and stderr sent to the given files.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) Die(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // The child goes when this program does, however it ends: a crash
    // skips the exit hook below and would leave a server running.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(127);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  return pid;
}

// Runs a caseboard-server admin command to the end; returns its stdout.
std::string RunAdmin(const std::vector<std::string>& argv, const std::string& scratch) {
  const std::string out = scratch + ".out", err = scratch + ".err";
  pid_t pid = Spawn(argv, out, err);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    Die("caseboard-server " + argv[1] + " failed: " + Trimmed(ReadWhole(err)));
  return Trimmed(ReadWhole(out));
}

// The running server, for the exit hook (Die ends the program with exit()).
pid_t g_server_pid = -1;

void KillServerAtExit() {
  if (g_server_pid <= 0) return;
  kill(g_server_pid, SIGTERM);
  waitpid(g_server_pid, nullptr, 0);
  g_server_pid = -1;
}

}  // namespace

std::string MakeScratch(const std::string& base, const std::string& program) {
  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  std::string templ = base + "/" + program + ".XXXXXX";
  if (!mkdtemp(templ.data())) Die("cannot make a scratch folder in " + base + ": " + std::strerror(errno));
  g_scratch = templ;
  return templ;
}

std::unique_ptr<store::Vault> MakeFastVault(const std::string& dir) {
  store::Vault::CreateOptions options;
  options.kdf = crypto::ScryptParams::ForTests();
  ByteView passphrase(reinterpret_cast<const uint8_t*>(kPassphrase), std::strlen(kPassphrase));
  return Must(store::Vault::Create(dir, passphrase, options), "creating a vault");
}

std::unique_ptr<store::Vault> JoinedDevice(const std::string& dir, const std::string& invite,
                                           const std::string& name) {
  auto vault = MakeFastVault(dir);
  Must(sync::Join(*vault, invite, name).status(), "joining the board");
  return vault;
}

// ---------------------------------------------------------------------------

InProcessBoard::InProcessBoard(const std::string& dir, int threads) : dir_(dir) {
  server::DataDir data(dir);
  Must(data.Create(), "making the board's data folder");
  auto store = Must(server::OpenStore("", data, /*create=*/true), "creating the board's store");
  Must(server::CreateTlsMaterial({data.ca_pem(), data.server_pem(), data.server_key()}, {}),
       "making the board's CA and certificate");
  ca_sha256_ = Must(server::CertificateSha256(data.ca_pem()), "hashing the CA");
  key_sha256_ = Must(server::PublicKeySha256(data.server_pem()), "hashing the server key");
  board_ = std::make_unique<server::Board>(std::move(store));

  server::HttpServerOptions options;
  options.threads = threads;
  options.cert_pem = data.server_pem();
  options.key_pem = data.server_key();
  options.ca_pem = data.ca_pem();
  http_ = Must(server::HttpServer::Create(*board_, options), "starting the HTTPS server");
  http_->Start();
  url_ = "https://localhost:" + std::to_string(http_->port());
}

InProcessBoard::~InProcessBoard() {
  if (http_) http_->Stop();
}

std::string InProcessBoard::Invite(const std::string& name) {
  sync::Invite invite;
  invite.url = url_;
  invite.ca_sha256 = ca_sha256_;
  invite.key_sha256 = key_sha256_;
  invite.token = Must(board_->CreateInviteToken(name), "creating an invite");
  return sync::EncodeInvite(invite);
}

// ---------------------------------------------------------------------------

BoardProcess::BoardProcess(std::string binary, std::string data, const std::string& database)
    : binary_(std::move(binary)), data_(std::move(data)), port_(FreeLoopbackPort()) {
  std::vector<std::string> argv = {binary_, "init",  "--data",
                                   data_,   "--url", "https://localhost:" + std::to_string(port_)};
  if (!database.empty()) argv.insert(argv.end(), {"--database", database});
  admin_invite_ = RunAdmin(argv, data_ + "-init");
  if (admin_invite_.rfind("cbinvite1:", 0) != 0) Die("caseboard-server init printed no invite");
}

BoardProcess::~BoardProcess() { Stop(); }

std::string BoardProcess::Invite(const std::string& name) const {
  return RunAdmin({binary_, "invite", "--data", data_, "--name", name}, data_ + "-invite");
}

void BoardProcess::Start(int threads) {
  if (pid_ > 0) Die("the board is already running");
  const std::string out = data_ + ".stdout";
  pid_ = Spawn({binary_, "run", "--data", data_, "--listen", "127.0.0.1:" + std::to_string(port_),
                "--threads", std::to_string(threads)},
               out, log_path());
  g_server_pid = pid_;
  static bool hooked = (std::atexit(KillServerAtExit), true);
  (void)hooked;
  for (int i = 0; i < 400; ++i) {
    if (ReadWhole(out).find("listening on") != std::string::npos) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = g_server_pid = -1;
      Die("caseboard-server run exited before listening: " + Trimmed(ReadWhole(log_path())));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  Die("caseboard-server run did not start listening within 10 s");
}

void BoardProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = g_server_pid = -1;
}

double ProcessCpuSeconds(pid_t pid) {
  // Fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends
  // field 2 (the command name, which may hold spaces).
  std::string stat = ReadWhole("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace caseboard::bench
