// Moving a review's attachment files between this vault and the board: the
// sealed pieces of review::Replica::Files(). Internal to the sync engine.
//
// A file this device holds is uploaded piece by piece, skipping the pieces
// the board already has; one it lacks is downloaded the same way, each piece
// kept in the vault as it arrives. Either way an interruption at any point
// costs at most the piece in flight. Files known to be complete on the board
// are remembered (REVIEW/sync/files) so that a quiet sync asks nothing.
#pragma once

#include <cstdint>

#include "caseboard/review/replica.h"
#include "caseboard/status.h"
#include "caseboard/store/vault.h"
#include "caseboard/sync/board_client.h"
#include "caseboard/sync/sync_engine.h"

namespace caseboard::sync {

struct FileSyncCounts {
  uint64_t uploaded = 0;    // files the board now holds in full thanks to this sync
  uint64_t downloaded = 0;  // files now in this vault
  uint64_t waiting = 0;     // files neither here nor on the board yet (their author has not synced)
};

Status SyncFiles(BoardClient& client, review::Replica& replica, store::Vault& vault,
                 const SyncOptions& options, FileSyncCounts* counts);

}  // namespace caseboard::sync
