// run: serve the board until SIGINT or SIGTERM.
#include <signal.h>

#include <iostream>

#include "access_log.h"
#include "commands.h"
#include "http_server.h"

namespace caseboard::server::cli {

namespace {

const char kRunHelp[] =
    R"(usage: caseboard-server run --data DIR --listen ADDR:PORT [--database URL] [--threads N]

Serves the board over HTTPS until SIGINT or SIGTERM. Once it accepts
connections it prints one line on stdout:
  listening on ADDR:PORT
(with the port actually bound when PORT is 0). Logs go to stderr, one JSON
object per line: method, path, status, device, duration and byte counts;
never bodies, tokens or signatures.

  --data DIR          the board's data folder (from 'caseboard-server init')
  --listen ADDR:PORT  the address to bind: 127.0.0.1:8443, 0.0.0.0:8443, [::]:8443
  --database URL      overrides the store recorded at init
  --threads N         worker threads (default 8; they spend much of a
                      request waiting on the database); on PostgreSQL,
                      as many connections to it
)";

// "ADDR:PORT", "[V6ADDR]:PORT" -> address and port.
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& s) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return Status::InvalidArgument("--listen must be ADDR:PORT");
  std::string address = s.substr(0, colon), port = s.substr(colon + 1);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535)
    return Status::InvalidArgument("--listen has no valid port (0 to 65535)");
  return std::make_pair(address, static_cast<uint16_t>(std::stoul(port)));
}

int Run(const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--data", "--listen", "--database", "--threads"});
  if (!args.ok()) return UsageError("run", args.status().message());
  if (!args->Get("--data") || !args->Get("--listen"))
    return UsageError("run", "--data DIR and --listen ADDR:PORT are required");
  if (!args->positional().empty()) return UsageError("run", "unexpected argument " + args->positional()[0]);
  auto listen = ParseListen(*args->Get("--listen"));
  if (!listen.ok()) return UsageError("run", listen.status().message());
  int threads = HttpServerOptions().threads;
  if (auto t = args->Get("--threads")) {
    if (t->empty() || t->size() > 3 || t->find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(*t) < 1)
      return UsageError("run", "--threads must be a number from 1 to 256");
    threads = std::stoi(*t);
  }

  // A worker thread waits for the database while it serves a request: one
  // connection each, so that none waits for another's (PostgreSQL; SQLite has one).
  auto b = OpenBoard(*args, static_cast<size_t>(threads));
  if (!b.ok()) return Fail(b.status());

  // SIGINT and SIGTERM are taken by sigwait below: blocked here, before any
  // thread starts, so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  HttpServerOptions options;
  options.address = listen->first;
  options.port = listen->second;
  options.threads = threads;
  options.cert_pem = b->dir.server_pem();
  options.key_pem = b->dir.server_key();
  options.ca_pem = b->dir.ca_pem();
  // Other board processes may push to a shared PostgreSQL store without
  // this one hearing of it: long polls look at the head every 2 s as well.
  if (b->config.database.rfind("postgres", 0) == 0) options.wait_recheck = std::chrono::seconds(2);
  auto server = HttpServer::Create(*b->board, options);
  if (!server.ok()) return Fail(server.status());
  (*server)->Start();
  LogEvent("listening", (*server)->endpoint() + " (" + b->board->store().Describe() + ", " +
                            std::to_string(threads) + " threads)");
  std::cout << "listening on " << (*server)->endpoint() << std::endl;

  int sig = 0;
  sigwait(&stop_signals, &sig);
  LogEvent("stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->Stop();
  return kExitOk;
}

}  // namespace

void AddRunCommand(std::vector<Command>& out) {
  out.push_back({"run", "serve the board over HTTPS", kRunHelp, Run});
}

}  // namespace caseboard::server::cli
