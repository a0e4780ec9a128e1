// The sync engine: joining a board, and bringing a vault's reviews and the
// board's copies of them together.
//
// One review's sync, in order:
//   1. pull: the changes after the stored cursor, page by page, each page
//      fed to Replica::ReceiveAll (which checks signatures, membership and
//      sequence, decrypts and applies: nothing is applied here), the cursor
//      saved only once the page is stored;
//   2. owners remove the devices the board has revoked (Replica::RemoveMember,
//      a new key epoch they never receive);
//   3. push: every entry of the local change log past the stored "pushed"
//      count, in log order, in batches of at most kMaxPushChanges changes
//      and SyncOptions::max_push_bytes; "pushed" is saved after each batch.
//      Entries this sync has just pulled are on the board already and are
//      passed over. A change the board refuses is reported (and kept in the
//      status), not sent again.
//   4. files: attachment files this device holds are uploaded, those it
//      lacks downloaded, in sealed pieces (file_sync.h); resumed piece by
//      piece after an interruption.
// Pulling first means the owner acts on current membership and the push
// does not echo back what was just received. Either order would be safe:
// an interrupted sync resumes without loss, because a cursor or count is
// saved only after what it covers is stored, and without duplicates,
// because the board acknowledges a change it has by its hash and the
// replica ignores a change it has.
//
// The vault must be unlocked. These functions use it from one thread, or,
// when SyncOptions::client.vault_gate is set, while they hold that gate
// (they hold it throughout, except while a request is on the wire).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "caseboard/review/replica.h"
#include "caseboard/status.h"
#include "caseboard/store/vault.h"
#include "caseboard/sync/board_client.h"
#include "caseboard/sync/sync_state.h"

namespace caseboard::sync {

struct SyncProgress {
  enum class Phase { kPull, kPush, kFiles };
  std::string review;
  Phase phase = Phase::kPull;
  uint64_t done = 0;   // changes received or sent so far in this phase (kFiles: bytes)
  uint64_t total = 0;  // the best estimate of all of them (0 if unknown)
};

struct SyncOptions {
  // How reviews are opened (the schema and clock the rest of the app uses).
  review::ReplicaOptions replica;
  // Timeouts, transfer progress, cancellation, retries and the clock.
  BoardClientOptions client;
  std::function<void(const SyncProgress&)> progress;
  // The review as the caller has it open, synced in place of a second copy
  // opened from the vault: two copies of one review must never both write.
  // Called with client.vault_gate held; null if that review is not open.
  std::function<std::shared_ptr<review::Replica>(const std::string& review)> open_replica;
  size_t max_push_bytes = 8 << 20;
  size_t pull_limit = kMaxPullChanges;
};

struct JoinResult {
  BoardConfig config;
  bool already_enrolled = false;  // the board had this device already; only the settings were stored
  int64_t clock_skew_ms = 0;      // board clock minus ours (0 if unknown); requests fail beyond 5 minutes
};

// Joins the board an invite names: fetches its CA trusting only the pinned
// key, checks the CA against the invite, enrols this device with a proof
// that it holds its key, and stores the board's settings in the vault. A
// vault joins one board: kAlreadyExists if it has joined one.
Result<JoinResult> Join(store::Vault& vault, std::string_view invite_text, const std::string& name,
                        const SyncOptions& options = {});

struct ReviewSyncResult {
  std::string review;
  bool joined = false;                           // the vault did not have this review before
  uint64_t pulled = 0;                           // changes received from the board
  std::map<review::Outcome, uint64_t> received;  // what became of them
  uint64_t pushed = 0;                           // changes sent that the board now holds
  uint64_t files_sent = 0;                       // attachment files the board now holds in full
  uint64_t files_received = 0;                   // attachment files now in this vault
  uint64_t files_waiting = 0;  // attachment files not on the board yet (their author has not synced)
  std::vector<RefusedChange> refused;
  std::vector<std::string> removed;   // revoked devices removed from the review
  std::vector<std::string> warnings;  // things that did not stop the sync
  uint64_t pending = 0;               // local changes the board has not acknowledged yet
  uint64_t cursor = 0;
  uint64_t head = 0;  // the board's head as last seen
  Status status;      // how this review's sync ended
};

struct SyncReport {
  std::vector<ReviewSyncResult> reviews;
  bool ok() const;  // every review's status is OK
};

// Syncs one review (one the vault has, or one the board lists for this
// device). Fails if that review's sync fails; counts so far are in *result
// either way, when given.
Status SyncReview(store::Vault& vault, const std::string& review_id, const SyncOptions& options = {},
                  ReviewSyncResult* result = nullptr);

// Syncs every review the vault has and every review the board lists for
// this device. Fails only if the board cannot be used at all (not joined,
// unreachable, this device refused); a review that fails is reported in the
// report and the others go on.
Result<SyncReport> SyncAll(store::Vault& vault, const SyncOptions& options = {});

// What `caseboard-cli status` shows: the stored status, with each local
// review's pending uploads counted now.
struct StatusReport {
  BoardConfig config;
  SyncStatus status;
  std::map<std::string, ReviewStatus> reviews;  // local reviews (pending counted now) and others recorded
  std::map<std::string, bool> local;            // review id -> in this vault
};
Result<StatusReport> ReadStatus(store::Vault& vault, const review::ReplicaOptions& replica_options = {});

// How many entries of a review's local change log are past its stored
// "pushed" count: the changes a sync would send.
Result<uint64_t> CountPending(const review::Replica& replica, const store::Vault& vault);

}  // namespace caseboard::sync
