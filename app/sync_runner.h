// SyncRunner: one join or sync at a time on a worker thread, so the window
// keeps drawing (and Cancel keeps working) through a long transfer.
//
// The worker and the window share the vault a turn at a time (VaultTurns):
// the worker takes it for each step that uses the vault or a replica and
// hands it back while it waits on the board; the window lends it at the
// start of a frame, or from the text editor (App::LendVault). The review
// open on screen stays open: the worker syncs that very replica
// (SyncOptions::open_replica) rather than a second copy. What else crosses
// between the threads:
//   - the progress snapshot, under a mutex (written by the worker's hooks,
//     copied by the UI thread once a frame);
//   - the cancel flag, an atomic the HTTP client and the engine poll;
//   - the finished flag, an atomic set after the outcome is written;
//   - the outcome itself, read by the UI thread only after joining the
//     thread, so it needs no lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "caseboard/review/replica.h"
#include "caseboard/status.h"
#include "caseboard/store/vault.h"
#include "caseboard/sync/sync_engine.h"
#include "vault_turns.h"

namespace caseboard::app {

enum class SyncJobKind { kJoin, kSync };

// One phase of the review being synced (pulling, sending, files).
struct SyncPhaseProgress {
  bool reached = false;  // the engine has reported this phase for this review
  uint64_t done = 0;     // changes (files: bytes)
  uint64_t total = 0;    // the engine's best estimate; 0 if unknown
};

// What the panel draws while a job runs.
struct SyncProgressView {
  std::string review;           // the review being synced; "" before the first report
  int reviews_seen = 0;         // reviews the engine has reported progress for
  SyncPhaseProgress phases[3];  // indexed by sync::SyncProgress::Phase
  // The request in flight, from the HTTP client's transfer hook (bytes).
  uint64_t sent = 0, send_total = 0, received = 0, receive_total = 0;
};

// What a job did.
struct SyncJobOutcome {
  SyncJobKind kind = SyncJobKind::kSync;
  bool cancelled = false;    // the person pressed Cancel (or locked, or quit)
  Status status;             // the join, or the sync as a whole (board unreachable, not joined)
  sync::JoinResult joined;   // kJoin, when status is OK
  sync::SyncReport report;   // kSync: one result per review, each with its own status
  uint64_t finished_ms = 0;  // when it ended, ms since the epoch
};

class SyncRunner {
 public:
  SyncRunner() = default;
  ~SyncRunner();  // cancels a job still running and waits for it
  SyncRunner(const SyncRunner&) = delete;
  SyncRunner& operator=(const SyncRunner&) = delete;

  // Start a job (none may be running). The vault must stay unlocked until
  // Collect() returns, and the caller uses it only on its own turns: it
  // calls Lend() at its safe points. `open_replica` hands the worker the
  // review the window has open (see SyncOptions::open_replica).
  using OpenReplica = std::function<std::shared_ptr<review::Replica>(const std::string& review)>;
  void StartJoin(store::Vault& vault, std::string invite, std::string name, review::ReplicaOptions replica);
  void StartSync(store::Vault& vault, review::ReplicaOptions replica, OpenReplica open_replica);
  // Called (from the worker) when it wants the vault: the window should draw a frame.
  void SetWake(std::function<void()> wake) { turns_.SetWake(std::move(wake)); }
  // The window's safe point: if the worker waits for the vault it has it
  // for one step, and this returns once it has handed it back.
  bool Lend() { return busy() && turns_.Lend(); }
  bool wants_vault() const { return busy() && turns_.wanted(); }

  // A job was started and not yet collected (it may have finished).
  bool busy() const { return worker_.joinable(); }
  // The job has ended; Collect() will not wait.
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  SyncJobKind kind() const { return kind_; }
  // Asks the job to stop: the transfer in flight ends within about a
  // second, and what was stored stays stored. Returns at once.
  void Cancel() { cancel_.store(true); }
  bool cancelling() const { return cancel_.load(); }
  // Waits for the worker (at once if finished()), lending it the vault
  // meanwhile, and hands over what it did.
  SyncJobOutcome Collect();
  // A copy of the progress so far.
  SyncProgressView progress() const;

 private:
  void Start(SyncJobKind kind, std::function<void(const sync::SyncOptions&, SyncJobOutcome&)> job,
             review::ReplicaOptions replica, OpenReplica open_replica = {});
  // Lends the vault until the worker has ended (after Cancel, to stop it).
  void LendUntilFinished();

  VaultTurns turns_;
  std::thread worker_;
  SyncJobKind kind_ = SyncJobKind::kSync;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> finished_{false};
  mutable std::mutex mu_;
  SyncProgressView progress_;  // guarded by mu_
  SyncJobOutcome outcome_;     // the worker's until finished_, then the UI thread's
};

}  // namespace caseboard::app
