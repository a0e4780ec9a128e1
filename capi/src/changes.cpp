// Changes by file through the C API: the same bundle as caseboard-cli
// changes export|import (core/include/caseboard/review/change_bundle.h).
#include <cstdlib>
#include <cstring>

#include "caseboard/review/change_bundle.h"
#include "handles.h"

using namespace caseboard;
using namespace caseboard::capi;
using nlohmann::json;

extern "C" {

caseboard_status caseboard_changes_export(caseboard_review* review, uint8_t** data, size_t* size,
                                          char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(data, "data"));
    CB_RETURN_IF_ERROR(NotNull(size, "size"));
    *data = nullptr;
    *size = 0;
    // Edits still in the current typing burst are signed first, so they travel too.
    CB_RETURN_IF_ERROR(slot.replica->FlushText());
    CB_ASSIGN_OR_RETURN(review::ChangeBundle bundle, review::CollectChanges(*slot.replica));
    Bytes bytes = review::EncodeChangeBundle(bundle);
    auto* out = static_cast<uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
    if (!out) throw std::bad_alloc();
    std::memcpy(out, bytes.data(), bytes.size());
    *data = out;
    *size = bytes.size();
    return Status::Ok();
  });
}

caseboard_status caseboard_changes_import(caseboard_vault* vault, const uint8_t* data, size_t size,
                                          char** summary, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(vault, "the vault handle"));
    if (!data && size) return Status::InvalidArgument("data is NULL");
    if (summary) *summary = nullptr;
    CB_ASSIGN_OR_RETURN(review::ChangeBundle bundle,
                        review::DecodeChangeBundle(ByteView(data, size), "the data"));
    VaultState& st = *vault->state;
    std::lock_guard<std::mutex> lock(st.mu);
    if (!st.vault->is_unlocked()) return Status::Locked("the vault is locked; unlock it first");
    // Into the open replica when a handle has the review open, so the handle sees the changes.
    std::shared_ptr<ReviewSlot> slot = st.Slot(bundle.review);
    if (!slot->replica) {
      CB_ASSIGN_OR_RETURN(slot->replica,
                          review::Replica::OpenOrJoin(*st.vault, bundle.review, domain::ScrReplicaOptions()));
      slot->scr = std::make_unique<domain::ScrReview>(*slot->replica);
    }
    auto result = review::ImportChangeBundle(*slot->replica, bundle);
    if (slot.use_count() == 1) {
      slot->scr.reset();
      slot->replica.reset();
    }
    if (!result.ok()) return result.status();
    json outcomes = json::object();
    for (const auto& [outcome, n] : result->outcomes) outcomes[review::OutcomeName(outcome)] = n;
    SetString(summary,
              json{{"review", result->review}, {"changes", result->changes}, {"outcomes", outcomes}}.dump(2));
    return Status::Ok();
  });
}

}  // extern "C"
