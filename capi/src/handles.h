// What the C API's opaque handles hold, and how calls on one vault are
// serialised (caseboard.h: THREADS).
//
// A vault handle and the review and sync handles made from it share one
// VaultState, so the vault outlives whichever handle the caller closes
// last. Every call locks VaultState::mu for its whole length. Reviews opened
// twice share one ReviewSlot (one in-memory Replica per review per vault, so
// edits through either handle see each other). A slot's replica is dropped
// when the vault locks (its keys are wiped) and around a sync (the sync
// engine opens reviews itself), and reopened by the next call that needs it.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "caseboard/caseboard.h"
#include "caseboard/domain/read_models.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/review/replica.h"
#include "caseboard/store/vault.h"
#include "errors.h"

namespace caseboard::capi {

struct ReviewSlot {
  std::string id;
  std::unique_ptr<review::Replica> replica;  // null while locked or syncing
  std::unique_ptr<domain::ScrReview> scr;
};

struct VaultState {
  std::mutex mu;
  std::unique_ptr<store::Vault> vault;
  std::map<std::string, std::weak_ptr<ReviewSlot>> slots;  // by review id

  // The slot for `id`, shared with any handle that has it open. Needs mu.
  std::shared_ptr<ReviewSlot> Slot(const std::string& id);
  // Opens the slot's replica if it is closed. Needs mu.
  Status Ensure(ReviewSlot& slot);
  // Signs pending text edits and drops every open replica. Needs mu.
  Status CloseReplicas();
  ~VaultState();
};

// The context day-dependent models and commands are judged on: today (or
// params' "today"), England and Wales holidays plus the vault folder's
// holidays.json, as caseboard-cli does.
Result<domain::ReadContext> ContextFor(const store::Vault& vault, const nlohmann::json& params);

// Parses a JSON argument; kInvalidArgument naming `what` if it is not JSON.
Result<nlohmann::json> ParseJson(const char* text, const char* what);

}  // namespace caseboard::capi

struct caseboard_vault {
  std::shared_ptr<caseboard::capi::VaultState> state;
};

struct caseboard_review {
  std::shared_ptr<caseboard::capi::VaultState> state;
  std::shared_ptr<caseboard::capi::ReviewSlot> slot;
};

struct caseboard_sync {
  std::shared_ptr<caseboard::capi::VaultState> state;
  std::atomic<bool> cancel{false};
};

namespace caseboard::capi {

// Runs `body(slot)` with the vault locked and the review's replica open.
template <typename F>
caseboard_status WithReview(caseboard_review* review, char** error, F&& body) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(review, "the review handle"));
    std::lock_guard<std::mutex> lock(review->state->mu);
    CB_RETURN_IF_ERROR(review->state->Ensure(*review->slot));
    return body(*review->slot);
  });
}

}  // namespace caseboard::capi
