#include "sync_runner.h"

#include <chrono>
#include <utility>

namespace caseboard::app {

SyncRunner::~SyncRunner() {
  if (!busy()) return;
  Cancel();
  LendUntilFinished();
  worker_.join();
}

void SyncRunner::LendUntilFinished() {
  while (!finished()) turns_.Lend(std::chrono::milliseconds(10));
}

void SyncRunner::StartJoin(store::Vault& vault, std::string invite, std::string name,
                           review::ReplicaOptions replica) {
  Start(
      SyncJobKind::kJoin,
      [&vault, invite = std::move(invite), name = std::move(name)](const sync::SyncOptions& options,
                                                                   SyncJobOutcome& out) {
        auto joined = sync::Join(vault, invite, name, options);
        if (joined.ok())
          out.joined = std::move(joined).value();
        else
          out.status = joined.status();
      },
      std::move(replica));
}

void SyncRunner::StartSync(store::Vault& vault, review::ReplicaOptions replica, OpenReplica open_replica) {
  Start(
      SyncJobKind::kSync,
      [&vault](const sync::SyncOptions& options, SyncJobOutcome& out) {
        auto report = sync::SyncAll(vault, options);
        if (report.ok())
          out.report = std::move(report).value();
        else
          out.status = report.status();
      },
      std::move(replica), std::move(open_replica));
}

void SyncRunner::Start(SyncJobKind kind, std::function<void(const sync::SyncOptions&, SyncJobOutcome&)> job,
                       review::ReplicaOptions replica, OpenReplica open_replica) {
  if (busy()) return;  // the App never starts a second job; a stray call is ignored
  kind_ = kind;
  cancel_.store(false);
  finished_.store(false);
  {
    std::lock_guard<std::mutex> lock(mu_);
    progress_ = {};
  }
  outcome_ = {};
  outcome_.kind = kind;
  worker_ = std::thread([this, job = std::move(job), replica = std::move(replica),
                         open_replica = std::move(open_replica)]() mutable {
    // The options live on the worker's stack: their hooks run on this
    // thread only, and publish through mu_.
    sync::SyncOptions options;
    options.replica = std::move(replica);
    options.open_replica = std::move(open_replica);
    options.client.vault_gate = &turns_;
    options.client.http.cancel = &cancel_;
    options.progress = [this](const sync::SyncProgress& p) {
      std::lock_guard<std::mutex> lock(mu_);
      if (p.review != progress_.review) {
        // A new review: its phases start afresh.
        progress_.review = p.review;
        ++progress_.reviews_seen;
        for (auto& phase : progress_.phases) phase = {};
      }
      SyncPhaseProgress& phase = progress_.phases[static_cast<int>(p.phase)];
      phase.reached = true;
      phase.done = p.done;
      phase.total = p.total;
    };
    options.client.http.progress = [this](uint64_t sent, uint64_t send_total, uint64_t received,
                                          uint64_t receive_total) {
      std::lock_guard<std::mutex> lock(mu_);
      progress_.sent = sent;
      progress_.send_total = send_total;
      progress_.received = received;
      progress_.receive_total = receive_total;
      return true;  // cancelling goes through options.client.http.cancel
    };
    job(options, outcome_);
    outcome_.cancelled = cancel_.load();
    outcome_.finished_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                     std::chrono::system_clock::now().time_since_epoch())
                                                     .count());
    finished_.store(true, std::memory_order_release);
  });
}

SyncJobOutcome SyncRunner::Collect() {
  if (!busy()) return {};
  LendUntilFinished();
  worker_.join();
  finished_.store(false);
  return std::move(outcome_);
}

SyncProgressView SyncRunner::progress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return progress_;
}

}  // namespace caseboard::app
