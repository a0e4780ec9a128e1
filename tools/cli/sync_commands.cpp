// Sync commands: join, sync, status (docs/protocol.md).
//
// The board stores and relays sealed changes only; everything that reads or
// applies them runs here, in the sync engine and the replica.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "caseboard/platform/platform.h"
#include "caseboard/sync/sync_engine.h"
#include "caseboard/sync/sync_watch.h"
#include "commands.h"

namespace caseboard::cli {
namespace {

using nlohmann::json;

// Set by SIGINT or SIGTERM: transfers stop, what is stored stays stored.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler may only touch lock-free atomics");

extern "C" void OnStopSignal(int) { g_stop.store(true); }

void CatchStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the process at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

std::string IsoTime(uint64_t ms) {
  if (ms == 0) return "never";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string DefaultDeviceName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return host;
  return "caseboard device";
}

sync::SyncOptions Options(const Context& ctx) {
  sync::SyncOptions o;
  o.replica = ctx.ReplicaOptions();
  o.client.http.cancel = &g_stop;
  // Progress on a terminal only: scripts read stdout and want it quiet.
  if (isatty(STDERR_FILENO)) {
    o.progress = [](const sync::SyncProgress& p) {
      using Phase = sync::SyncProgress::Phase;
      std::cerr << "\r" << p.review.substr(0, 8) << "  "
                << (p.phase == Phase::kPull   ? "received "
                    : p.phase == Phase::kPush ? "sent "
                                              : "files ")
                << (p.phase == Phase::kFiles ? p.done >> 10 : p.done);
      if (p.total) std::cerr << "/" << (p.phase == Phase::kFiles ? p.total >> 10 : p.total);
      std::cerr << (p.phase == Phase::kFiles ? " KiB   \r" : " changes   \r") << std::flush;
    };
  }
  return o;
}

// "pulled 3, pushed 2" and what else happened, for one review.
std::string Summary(const sync::ReviewSyncResult& r) {
  std::string s = "pulled " + std::to_string(r.pulled) + ", pushed " + std::to_string(r.pushed);
  if (!r.refused.empty()) s += ", refused " + std::to_string(r.refused.size());
  if (r.pending) s += ", " + std::to_string(r.pending) + " still to send";
  if (r.files_sent) s += ", files sent " + std::to_string(r.files_sent);
  if (r.files_received) s += ", files received " + std::to_string(r.files_received);
  if (r.files_waiting) s += ", " + std::to_string(r.files_waiting) + " file(s) not on the board yet";
  for (const auto& d : r.removed) s += ", removed revoked device " + d;
  if (r.joined && r.status.ok()) s += " (new on this device)";
  return s;
}

// One line per review with something to say; problems on stderr. Returns
// whether every review went through.
bool PrintReport(const sync::SyncReport& report, bool quiet_when_idle) {
  bool ok = true;
  for (const auto& r : report.reviews) {
    for (const auto& w : r.warnings) std::cerr << "caseboard-cli: review " << r.review << ": " << w << "\n";
    for (const auto& f : r.refused)
      std::cerr << "caseboard-cli: review " << r.review << ": the board refused change "
                << f.hash.substr(0, 16) << ": " << f.error << "\n";
    if (!r.status.ok()) {
      ok = false;
      std::cerr << "caseboard-cli: review " << r.review << ": " << r.status.message() << "\n";
      continue;
    }
    bool idle = r.pulled == 0 && r.pushed == 0 && r.refused.empty() && r.removed.empty() &&
                r.files_sent == 0 && r.files_received == 0;
    if (!(idle && quiet_when_idle)) std::cout << "review " << r.review << ": " << Summary(r) << "\n";
  }
  return ok;
}

int Join(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--name"}, {});
  if (!args.ok()) return UsageError("join", args.status().message());
  if (args->positional().size() != 1)
    return UsageError("join", "needs the invite (or - to read it from stdin)");
  std::string invite = args->positional()[0];
  if (invite == "-") {
    invite.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    while (!invite.empty() && (invite.back() == '\n' || invite.back() == '\r' || invite.back() == ' '))
      invite.pop_back();
  }
  // Checked before the passphrase is asked for: a mistyped invite is the likeliest error.
  if (auto parsed = sync::ParseInvite(invite); !parsed.ok()) return Fail(parsed.status());
  std::string name = args->Get("--name").value_or(DefaultDeviceName());
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  CatchStopSignals();
  auto joined = sync::Join(**vault, invite, name, Options(ctx));
  if (!joined.ok()) return Fail(joined.status());
  const sync::BoardConfig& c = joined->config;
  std::cout << "joined the board at " << c.url << " as device " << c.device << " (" << c.name << ")"
            << (joined->already_enrolled ? "; the board knew this device already" : "") << "\n";
  int64_t skew = joined->clock_skew_ms;
  if (skew > 60000 || skew < -60000)
    std::cerr << "caseboard-cli: warning: this device's clock is " << (skew < 0 ? -skew : skew) / 1000
              << " s " << (skew > 0 ? "behind" : "ahead of") << " the board's; beyond 5 minutes the board "
              << "refuses its requests: set the clock right\n";
  std::cout << "run 'caseboard-cli sync' to fetch the reviews shared with this device\n";
  return kExitOk;
}

// The board's order to a revoked device (docs/protocol.md): the vault is
// closed by now; it is wiped, and the person is told why.
int WipeRevoked(const std::string& dir, const Status& order) {
  Status wiped = platform::WipeVault(dir);
  if (!wiped.ok())
    return Fail(Status::Revoked(order.message() + "; wiping the vault in " + dir +
                                " failed: " + wiped.message() + " (run 'caseboard-cli vault wipe --yes')"));
  std::cerr << "caseboard-cli: " << order.message() << "\n"
            << "caseboard-cli: the vault in " << dir << " has been wiped from this device\n";
  return kExitFailed;
}

int Watch(const Context& ctx, const sync::SyncOptions& options, const std::optional<std::string>& review) {
  auto dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(dir.status());
  // Asked once and kept (wiped on exit): the vault is reopened for each sync
  // and closed while waiting, so other commands can use it meanwhile.
  auto pass = ctx.Passphrase("Passphrase for " + *dir + ": ");
  if (!pass.ok()) return Fail(pass.status());
  sync::VaultOpener open = [&]() -> Result<std::unique_ptr<store::Vault>> {
    CB_ASSIGN_OR_RETURN(auto vault, store::Vault::Open(*dir));
    CB_RETURN_IF_ERROR(vault->Unlock(pass->view()));
    return vault;
  };
  sync::WatchOptions w;
  w.sync = options;
  w.review = review;
  w.on_sync = [](const sync::SyncReport& report) {
    uint64_t pulled = 0, pushed = 0, failed = 0;
    for (const auto& r : report.reviews) {
      pulled += r.pulled;
      pushed += r.pushed;
      failed += r.status.ok() ? 0 : 1;
    }
    std::time_t now = std::time(nullptr);
    std::cout << IsoTime(static_cast<uint64_t>(now) * 1000) << "  synced " << report.reviews.size()
              << " review(s): pulled " << pulled << ", pushed " << pushed;
    if (failed) std::cout << ", " << failed << " failed";
    std::cout << "\n" << std::flush;
    PrintReport(report, /*quiet_when_idle=*/true);
  };
  w.on_error = [](const Status& s) {
    std::cerr << "caseboard-cli: sync failed, will retry: " << s.message() << "\n";
  };
  Status s = sync::Watch(*dir, open, w);
  if (s.IsRevoked()) return WipeRevoked(*dir, s);
  if (!s.ok()) return Fail(s);
  std::cout << "stopped\n";
  return kExitOk;
}

int Sync(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--review"}, {"--watch"});
  if (!args.ok()) return UsageError("sync", args.status().message());
  if (!args->positional().empty())
    return UsageError("sync", "takes no arguments (use --review ID for one review)");
  std::optional<std::string> review = args->Get("--review");
  if (review && review->empty()) return UsageError("sync", "--review needs a review id");
  CatchStopSignals();
  sync::SyncOptions options = Options(ctx);
  if (args->Has("--watch")) return Watch(ctx, options, review);

  auto dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(dir.status());
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  sync::SyncReport report;
  if (review) {
    sync::ReviewSyncResult& r = report.reviews.emplace_back();
    r.status = sync::SyncReview(**vault, *review, options, &r);
  } else {
    auto all = sync::SyncAll(**vault, options);
    if (!all.ok() && !all.status().IsRevoked()) return Fail(all.status());
    if (all.ok())
      report = std::move(all).value();
    else
      report.reviews.emplace_back().status = all.status();
  }
  for (const auto& r : report.reviews)
    if (r.status.IsRevoked()) {
      vault->reset();
      return WipeRevoked(*dir, r.status);
    }
  if (options.progress) std::cerr << std::string(60, ' ') << "\r";
  bool ok = PrintReport(report, /*quiet_when_idle=*/false);
  if (report.reviews.empty()) std::cout << "no reviews to sync\n";
  if (g_stop) return Fail(Status::IOError("interrupted; what was transferred is kept, sync again to finish"));
  return ok ? kExitOk : kExitFailed;
}

int StatusCommand(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return UsageError("status", args.status().message());
  if (!args->positional().empty()) return UsageError("status", "takes no arguments");
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto report = sync::ReadStatus(**vault, ctx.ReplicaOptions());
  if (!report.ok()) return Fail(report.status());
  const sync::BoardConfig& c = report->config;
  const sync::SyncStatus& st = report->status;
  if (args->Has("--json")) {
    json reviews = json::array();
    for (const auto& [id, r] : report->reviews) {
      json refused = json::array();
      for (const auto& f : r.refused) refused.push_back({{"change", f.hash}, {"error", f.error}});
      reviews.push_back({{"id", id},
                         {"in_vault", report->local.at(id)},
                         {"pending", r.pending},
                         {"cursor", r.cursor},
                         {"head", r.head},
                         {"last_sync", r.last_sync_ms ? json(IsoTime(r.last_sync_ms)) : json(nullptr)},
                         {"last_error", r.last_error},
                         {"refused", refused}});
    }
    json out = {{"board", c.url},
                {"device", c.device},
                {"name", c.name},
                {"joined", IsoTime(c.joined_ms)},
                {"last_sync", st.last_sync_ms ? json(IsoTime(st.last_sync_ms)) : json(nullptr)},
                {"last_error", st.last_error},
                {"last_error_time", st.last_error_ms ? json(IsoTime(st.last_error_ms)) : json(nullptr)},
                {"reviews", reviews}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "board       " << c.url << "\n"
            << "device      " << c.device << " (" << c.name << ")\n"
            << "last sync   " << IsoTime(st.last_sync_ms) << "\n"
            << "last error  "
            << (st.last_error.empty() ? "none" : st.last_error + " (" + IsoTime(st.last_error_ms) + ")")
            << "\n";
  for (const auto& [id, r] : report->reviews) {
    std::cout << "review " << id << "  " << r.pending << " to send, received up to " << r.cursor << " of "
              << std::max(r.head, r.cursor);
    if (!report->local.at(id)) std::cout << "  (not in this vault)";
    if (!r.refused.empty()) std::cout << "  " << r.refused.size() << " refused";
    if (!r.last_error.empty()) std::cout << "  error: " << r.last_error;
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddSyncCommands(std::vector<Command>& out) {
  out.push_back({"join", "join a board with an invite", R"(usage: caseboard-cli join INVITE [--name NAME]

Joins the board (sync server) an invite names. INVITE is the cbinvite1:...
text from the board's administrator, or - to read it from standard input
(which keeps it out of your shell history). The invite carries the board's
address and the fingerprints of its CA and its key; the client checks both
before it sends anything, then enrols this device by proving it holds its
key. The invite works once.

The board's address, CA and key are kept in the vault, encrypted. A vault
joins one board.

  --name NAME   how the board lists this device (default: the host name)
)",
                 Join});
  out.push_back({"sync", "send and fetch changes through the board",
                 R"(usage: caseboard-cli sync [--review ID] [--watch]

Fetches the changes others have made to the reviews this device is a member
of (a review shared with this device appears in 'review list' after its
first sync), then sends this device's changes. Every fetched change is
checked like an import: signature, membership, sequence; a change that fails
is quarantined ('changes quarantined'). Content travels and rests on the
board encrypted under review keys the board never holds.

Owners also remove from their reviews any device the board has revoked
(starting a new key epoch it never receives).

A sync that is interrupted (network, Ctrl-C) keeps what it transferred and
resumes where it stopped. Network errors and a busy board are retried a few
times. Prints a line per review; exits 1 if any review failed.

  --review ID   only this review
  --watch       keep running: sync whenever the board has new changes or
                this vault does, until Ctrl-C. The vault is opened only to
                sync, so other commands can use it meanwhile; the passphrase
                is asked once and kept in memory. Prints a line per sync.
)",
                 Sync});
  out.push_back({"status", "show the board and what is waiting to sync",
                 R"(usage: caseboard-cli status [--json]

Shows the board this vault has joined, this device's id and name, when the
last sync went through and the last error, and for each review how many
local changes are still to send and how far this device has fetched the
board's changes. Changes the board refused are listed with --json.
)",
                 StatusCommand});
}

}  // namespace caseboard::cli
