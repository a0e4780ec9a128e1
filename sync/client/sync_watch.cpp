#include "caseboard/sync/sync_watch.h"

#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace caseboard::sync {

namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

bool Stopped(const WatchOptions& o) { return o.sync.client.http.cancel && o.sync.client.http.cancel->load(); }

void SleepFor(const WatchOptions& o, milliseconds d) {
  auto until = Clock::now() + d;
  while (!Stopped(o) && Clock::now() < until)
    std::this_thread::sleep_for(std::min<Clock::duration>(milliseconds(100), until - Clock::now()));
}

// Refusals that waiting will not cure: watching ends with them.
bool Lasting(const Status& s) {
  switch (s.code()) {
    case Status::Code::kAuthFailed:   // pin or CA mismatch, wrong passphrase
    case Status::Code::kRevoked:      // the board revoked this device (the caller wipes)
    case Status::Code::kNotFound:     // not joined, no such review
    case Status::Code::kUnsupported:  // another protocol version
    case Status::Code::kLocked:
    case Status::Code::kCorruption:
      return true;
    default:
      return false;
  }
}

// Sizes and times of the vault folder's files: it changes when another
// process writes to the vault. Lock files are left out (taking one is not a change).
std::string FolderStamp(const std::string& dir) {
  std::string out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code e;
    if (!entry.is_regular_file(e) || entry.path().extension() == ".lock") continue;
    auto size = entry.file_size(e);
    auto time = entry.last_write_time(e).time_since_epoch().count();
    out += entry.path().filename().string() + ":" + std::to_string(size) + ":" + std::to_string(time) + ";";
  }
  return out;
}

// Reviews being watched: id -> the cursor a long poll waits past.
using Targets = std::map<std::string, uint64_t>;

struct VaultPhase {
  BoardConfig config;
  Targets targets;
  std::vector<HttpRequest> waits;  // in the order of targets
  bool failures = false;           // some review's sync failed: sync again next round
};

// With the vault open: syncs if asked to (or if the board lists something
// the watch has not seen), then signs the next round of long polls.
Status RunVaultPhase(const VaultOpener& open_vault, const WatchOptions& options, bool need_sync,
                     const Targets& previous, VaultPhase& out) {
  Result<std::unique_ptr<store::Vault>> vault = Status::Busy("");
  for (;;) {
    vault = open_vault();
    if (vault.ok() || vault.status().code() != Status::Code::kBusy) break;
    if (Stopped(options)) return Status::Ok();
    SleepFor(options, milliseconds(500));  // another command is using the vault
  }
  if (!vault.ok()) return vault.status();
  store::Vault& v = **vault;
  CB_ASSIGN_OR_RETURN(out.config, LoadBoardConfig(v));
  CB_ASSIGN_OR_RETURN(auto client,
                      BoardClient::ForVault(v, out.config.trust(), out.config.device, options.sync.client));

  if (!need_sync) {
    // A review shared with this device since the last sync has no poll yet.
    CB_ASSIGN_OR_RETURN(ReviewList list, client->ListReviews());
    for (const auto& r : list.reviews) {
      if (options.review && r.id != *options.review) continue;
      auto it = previous.find(r.id);
      if (it == previous.end() || r.head > it->second) need_sync = true;
    }
  }
  if (need_sync) {
    SyncReport report;
    if (options.review) {
      ReviewSyncResult& r = report.reviews.emplace_back();
      Status s = SyncReview(v, *options.review, options.sync, &r);
      r.status = s;
      if (!s.ok() && (Lasting(s) || Stopped(options))) {
        if (options.on_sync && !Stopped(options)) options.on_sync(report);
        return Stopped(options) ? Status::Ok() : s;
      }
    } else {
      CB_ASSIGN_OR_RETURN(report, SyncAll(v, options.sync));
    }
    if (Stopped(options)) return Status::Ok();
    if (options.on_sync) options.on_sync(report);
    for (const auto& r : report.reviews) {
      if (!r.status.ok()) out.failures = true;
      // Only reviews the board has can be waited on.
      if (r.status.ok() && (r.head > 0 || r.cursor > 0)) out.targets[r.review] = r.cursor;
    }
  } else {
    for (const auto& [id, after] : previous) {
      CB_ASSIGN_OR_RETURN(ReviewSyncState state, LoadReviewSyncState(v, id));
      out.targets[id] = std::max(after, state.cursor);
    }
  }
  for (const auto& [id, after] : out.targets) {
    CB_ASSIGN_OR_RETURN(HttpRequest req, client->SignWait(id, after, options.wait_timeout_s));
    out.waits.push_back(std::move(req));
  }
  return Status::Ok();
}

struct WaitOutcome {
  bool changed = false;  // a head advanced, or the vault folder changed
  Status error;
};

// With the vault closed: the long polls, and an eye on the vault folder.
WaitOutcome WaitPhase(const std::string& vault_dir, const VaultPhase& phase, const WatchOptions& options) {
  const std::string stamp = FolderStamp(vault_dir);
  std::atomic<bool> cancel{false};
  std::atomic<size_t> running{phase.waits.size()};
  std::mutex mu;
  WaitOutcome out;
  BoardClientOptions client_options = options.sync.client;
  client_options.http.cancel = &cancel;
  client_options.http.progress = nullptr;

  std::vector<uint64_t> afters;
  for (const auto& [id, after] : phase.targets) afters.push_back(after);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < phase.waits.size(); ++i) {
    threads.emplace_back([&, i] {
      auto client =
          BoardClient::Create(phase.config.trust(), phase.config.device, DeviceSigner(), client_options);
      Result<WaitResponse> r = client.ok() ? (*client)->SendSignedWait(phase.waits[i]) : client.status();
      {
        std::lock_guard lock(mu);
        if (r.ok() && r->head > afters[i]) out.changed = true;
        if (!r.ok() && !cancel.load() && out.error.ok()) out.error = r.status();
      }
      --running;
    });
  }

  // With nothing to poll (no review on the board yet) only the folder is watched, for a while.
  auto deadline = Clock::now() + std::chrono::seconds(options.wait_timeout_s);
  for (;;) {
    SleepFor(options, options.local_poll);
    {
      std::lock_guard lock(mu);
      if (out.changed || !out.error.ok()) break;
    }
    if (Stopped(options)) break;
    if (FolderStamp(vault_dir) != stamp) {
      std::lock_guard lock(mu);
      out.changed = true;
      break;
    }
    if (phase.waits.empty() ? Clock::now() >= deadline : running.load() == 0) break;
  }
  cancel = true;
  for (auto& t : threads) t.join();
  return out;
}

}  // namespace

Status Watch(const std::string& vault_dir, const VaultOpener& open_vault, const WatchOptions& options) {
  bool need_sync = true;
  milliseconds backoff(1000);
  Targets targets;
  while (!Stopped(options)) {
    VaultPhase phase;
    Status s = RunVaultPhase(open_vault, options, need_sync, targets, phase);
    if (Stopped(options)) break;
    if (!s.ok()) {
      if (Lasting(s)) return s;
      if (options.on_error) options.on_error(s);
      SleepFor(options, backoff);
      backoff = std::min(backoff * 2, options.max_backoff);
      need_sync = true;
      continue;
    }
    targets = phase.targets;
    WaitOutcome w = WaitPhase(vault_dir, phase, options);
    if (!w.error.ok()) {
      // The next sync will say whether this lasts (a revoked device, say).
      if (options.on_error) options.on_error(w.error);
      SleepFor(options, backoff);
      backoff = std::min(backoff * 2, options.max_backoff);
      need_sync = true;
      continue;
    }
    if (!phase.failures) backoff = milliseconds(1000);
    need_sync = w.changed || phase.failures;
    if (phase.failures && !w.changed) {
      SleepFor(options, backoff);
      backoff = std::min(backoff * 2, options.max_backoff);
    }
  }
  return Status::Ok();
}

}  // namespace caseboard::sync
