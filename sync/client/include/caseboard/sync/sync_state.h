// What the sync client keeps in the vault. Every record is encrypted like
// all vault records; the keys hold only fixed names and review ids.
//
//   board/sync/config    the board joined: url, CA, key pin, device id, name
//   board/sync/status    last successful sync, last error, per review the
//                        pending uploads, cursor, head and refused changes
//   REVIEW/sync/pushed   how many entries of the review's local change log
//                        (Replica::ForEachChange order, append-only) the
//                        board has acknowledged or refused
//   REVIEW/sync/cursor   the board sequence number up to which this device
//                        has received and stored the review's changes
//
// "board" is not a review id, so Replica::List ignores it. The per-review
// records are written only once the review has data in the vault, so that
// a failed sync of a review this device cannot see leaves no trace of it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "caseboard/status.h"
#include "caseboard/store/vault.h"
#include "caseboard/sync/http_client.h"

namespace caseboard::sync {

inline constexpr char kBoardRecordGroup[] = "board";
inline constexpr char kSyncKind[] = "sync";

struct BoardConfig {
  std::string url;
  std::string ca_pem;      // the board CA, exactly the certificate the invite named
  std::string key_sha256;  // hex SHA-256 of the server's public key (the pin)
  std::string device;      // this device's id, as the board enrolled it
  std::string name;        // the name given at join
  uint64_t joined_ms = 0;

  BoardTrust trust() const { return {url, ca_pem, key_sha256}; }
};

// kNotFound ("this vault has not joined a board...") if there is none.
Result<BoardConfig> LoadBoardConfig(const store::Vault& vault);
Status SaveBoardConfig(store::Vault& vault, const BoardConfig& config);

struct ReviewSyncState {
  uint64_t pushed = 0;
  uint64_t cursor = 0;
};
Result<ReviewSyncState> LoadReviewSyncState(const store::Vault& vault, const std::string& review);
// Adds the puts for `state` to `batch`, so they land with whatever else the batch holds.
void PutReviewSyncState(store::WriteBatch& batch, const std::string& review, const ReviewSyncState& state);

struct RefusedChange {
  std::string hash;
  std::string error;  // the board's "code: message"
};

struct ReviewStatus {
  uint64_t pending = 0;  // local changes not yet acknowledged, after the last sync
  uint64_t cursor = 0;
  uint64_t head = 0;  // the board's head at the last sync
  uint64_t last_sync_ms = 0;
  std::string last_error;              // "" after a sync of this review that went through
  std::vector<RefusedChange> refused;  // the most recent ones, newest last
};

struct SyncStatus {
  uint64_t last_sync_ms = 0;  // end of the last sync that went through for every review
  uint64_t last_error_ms = 0;
  std::string last_error;  // "" after a sync that went through
  std::map<std::string, ReviewStatus> reviews;
};

// An empty SyncStatus if nothing was recorded yet.
Result<SyncStatus> LoadSyncStatus(const store::Vault& vault);
Status SaveSyncStatus(store::Vault& vault, const SyncStatus& status);

}  // namespace caseboard::sync
