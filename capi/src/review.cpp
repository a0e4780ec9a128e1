// Reviews through the C API: list, create, open, hash, domain commands and
// read models (caseboard.h).
#include "caseboard/domain/commands.h"
#include "caseboard/domain/read_models.h"
#include "handles.h"

using namespace caseboard;
using namespace caseboard::capi;
using nlohmann::json;

namespace {

caseboard_review* NewReview(caseboard_vault* vault, const std::string& id) {
  auto* handle = new caseboard_review;
  handle->state = vault->state;
  handle->slot = vault->state->Slot(id);
  return handle;
}

}  // namespace

extern "C" {

caseboard_status caseboard_review_list(caseboard_vault* vault, char** out, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(vault, "the vault handle"));
    CB_RETURN_IF_ERROR(NotNull(out, "out"));
    VaultState& st = *vault->state;
    std::lock_guard<std::mutex> lock(st.mu);
    if (!st.vault->is_unlocked()) return Status::Locked("the vault is locked; unlock it first");
    CB_ASSIGN_OR_RETURN(auto ids, review::Replica::List(*st.vault));
    json list = json::array();
    for (const auto& id : ids) {
      auto slot = st.Slot(id);
      CB_RETURN_IF_ERROR(st.Ensure(*slot).WithContext("review " + id));
      const review::Replica& r = *slot->replica;
      list.push_back({{"id", id},
                      {"title", r.title()},
                      {"changes", r.change_count()},
                      {"problems", r.Problems().size()}});
      if (slot.use_count() == 1) {
        // Not open through a handle: do not keep it in memory.
        slot->scr.reset();
        slot->replica.reset();
      }
    }
    *out = CopyString(list.dump(2));
    return Status::Ok();
  });
}

caseboard_status caseboard_review_create(caseboard_vault* vault, const char* title, const char* framework,
                                         const char* board, const char* opened_on, caseboard_review** out,
                                         char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(vault, "the vault handle"));
    CB_RETURN_IF_ERROR(NotNull(title, "title"));
    CB_RETURN_IF_ERROR(NotNull(out, "out"));
    *out = nullptr;
    VaultState& st = *vault->state;
    std::lock_guard<std::mutex> lock(st.mu);
    json params = json::object();
    if (opened_on) params["today"] = opened_on;
    CB_ASSIGN_OR_RETURN(domain::ReadContext ctx, ContextFor(*st.vault, params));
    std::string fw = framework && *framework ? framework : "scr-wt2015";
    CB_ASSIGN_OR_RETURN(auto replica,
                        domain::ScrReview::Start(*st.vault, title, fw, board ? board : "", ctx.today));
    caseboard_review* handle = NewReview(vault, replica->id());
    handle->slot->replica = std::move(replica);
    handle->slot->scr = std::make_unique<domain::ScrReview>(*handle->slot->replica);
    *out = handle;
    return Status::Ok();
  });
}

caseboard_status caseboard_review_open(caseboard_vault* vault, const char* review_id, caseboard_review** out,
                                       char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(vault, "the vault handle"));
    CB_RETURN_IF_ERROR(NotNull(review_id, "review_id"));
    CB_RETURN_IF_ERROR(NotNull(out, "out"));
    *out = nullptr;
    std::lock_guard<std::mutex> lock(vault->state->mu);
    std::unique_ptr<caseboard_review> handle(NewReview(vault, review_id));
    CB_RETURN_IF_ERROR(vault->state->Ensure(*handle->slot));
    *out = handle.release();
    return Status::Ok();
  });
}

void caseboard_review_close(caseboard_review* review) {
  if (!review) return;
  try {
    std::shared_ptr<VaultState> state = review->state;
    std::lock_guard<std::mutex> lock(state->mu);
    if (review->slot.use_count() == 1 && review->slot->replica) {
      // The last handle on this review: sign its pending text edits now.
      (void)review->slot->replica->FlushText();
      review->slot->scr.reset();
      review->slot->replica.reset();
    }
    review->slot.reset();
    delete review;
  } catch (...) {
    // Closing cannot report. Unsigned text edits are at most one burst.
  }
}

caseboard_status caseboard_review_id(caseboard_review* review, char** id, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(review, "the review handle"));
    CB_RETURN_IF_ERROR(NotNull(id, "id"));
    *id = CopyString(review->slot->id);  // fixed for the handle's life: no lock needed
    return Status::Ok();
  });
}

caseboard_status caseboard_review_hash(caseboard_review* review, char** hash, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(hash, "hash"));
    *hash = CopyString(slot.replica->StateHashHex());
    return Status::Ok();
  });
}

caseboard_status caseboard_review_canonical(caseboard_review* review, char** out, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(out, "out"));
    *out = CopyString(slot.replica->CanonicalString());
    return Status::Ok();
  });
}

caseboard_status caseboard_review_command(caseboard_review* review, const char* command_json, char** result,
                                          char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(command_json, "command_json"));
    if (result) *result = nullptr;
    CB_ASSIGN_OR_RETURN(json command, ParseJson(command_json, "the command"));
    CB_ASSIGN_OR_RETURN(domain::ReadContext ctx, ContextFor(*review->state->vault, json::object()));
    CB_ASSIGN_OR_RETURN(json out, domain::RunCommand(*slot.scr, command, ctx));
    SetString(result, out.dump(2));
    return Status::Ok();
  });
}

caseboard_status caseboard_review_read(caseboard_review* review, const char* name, const char* params_json,
                                       char** out, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(name, "name"));
    CB_RETURN_IF_ERROR(NotNull(out, "out"));
    *out = nullptr;
    CB_ASSIGN_OR_RETURN(json params, ParseJson(params_json, "the parameters"));
    if (!params.is_object()) return Status::InvalidArgument("the parameters must be a JSON object");
    CB_ASSIGN_OR_RETURN(domain::ReadContext ctx, ContextFor(*review->state->vault, params));
    params.erase("today");
    CB_ASSIGN_OR_RETURN(json model, domain::ReadModel(*slot.scr, name, params, ctx));
    *out = CopyString(model.dump(2));
    return Status::Ok();
  });
}

caseboard_status caseboard_reference_data(const char* name, char** out, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(name, "name"));
    CB_RETURN_IF_ERROR(NotNull(out, "out"));
    *out = nullptr;
    CB_ASSIGN_OR_RETURN(json model, domain::ReferenceData(name));
    *out = CopyString(model.dump(2));
    return Status::Ok();
  });
}

}  // extern "C"
