// Watch: keep syncing until stopped (`caseboard-cli sync --watch`).
//
// A vault is open in one process at a time, so a watcher that kept it open
// would lock out every other command, and there would never be local changes
// to send. Watch therefore opens the vault only to sync and to sign the next
// round of long polls, then closes it and waits, with no key material in
// memory beyond what `open_vault` keeps to reopen it:
//   - one long poll (GET /wait) per review on the board, each on its own
//     thread and connection, signed while the vault was open (a signed
//     request stays valid for minutes, and is used once);
//   - a look at the vault folder every `local_poll` for files that changed
//     (another command wrote to the vault).
// When a head advances or the folder changes it syncs again; when the polls
// time out with nothing new it only signs new ones. Network trouble is
// reported and retried with backoff; a refusal that will not go away (the
// device revoked, not joined, another protocol version, a wrong passphrase)
// ends the watch with that Status.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "caseboard/status.h"
#include "caseboard/store/vault.h"
#include "caseboard/sync/sync_engine.h"

namespace caseboard::sync {

// Opens and unlocks the vault (kBusy if another process has it).
using VaultOpener = std::function<Result<std::unique_ptr<store::Vault>>()>;

struct WatchOptions {
  // For each sync. sync.client.http.cancel, if set, is also the watch's stop
  // flag: Watch returns OK soon after it becomes true.
  SyncOptions sync;
  std::optional<std::string> review;  // only this review; default: all
  int wait_timeout_s = 25;            // each long poll (the board allows up to kMaxWaitSeconds)
  std::chrono::milliseconds local_poll{1000};
  std::chrono::milliseconds max_backoff{60000};
  // After each sync (SyncReview's result comes as a one-review report).
  std::function<void(const SyncReport&)> on_sync;
  // A round that failed and will be retried.
  std::function<void(const Status&)> on_error;
};

Status Watch(const std::string& vault_dir, const VaultOpener& open_vault, const WatchOptions& options);

}  // namespace caseboard::sync
