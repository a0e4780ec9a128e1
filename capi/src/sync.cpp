// Sync with a board through the C API: the libcurl sync engine, with the
// caller's progress callback and a cancel flag another thread may set
// (caseboard.h).
#include "caseboard/sync/sync_engine.h"
#include "handles.h"

using namespace caseboard;
using namespace caseboard::capi;
using nlohmann::json;

namespace {

sync::SyncOptions OptionsFor(caseboard_sync* s, caseboard_progress_fn progress, void* user) {
  sync::SyncOptions options;
  options.replica = domain::ScrReplicaOptions();
  options.client.http.cancel = &s->cancel;
  if (progress) {
    options.progress = [s, progress, user](const sync::SyncProgress& p) {
      if (progress(user, p.review.c_str(), static_cast<caseboard_sync_phase>(p.phase), p.done, p.total) != 0)
        s->cancel.store(true);
    };
  }
  return options;
}

json ReportJson(const sync::SyncReport& report) {
  json reviews = json::array();
  for (const auto& r : report.reviews) {
    json refused = json::array();
    for (const auto& c : r.refused) refused.push_back({{"change", c.hash}, {"error", c.error}});
    reviews.push_back({{"review", r.review},
                       {"joined", r.joined},
                       {"pulled", r.pulled},
                       {"pushed", r.pushed},
                       {"files_sent", r.files_sent},
                       {"files_received", r.files_received},
                       {"files_waiting", r.files_waiting},
                       {"pending", r.pending},
                       {"refused", refused},
                       {"removed", r.removed},
                       {"warnings", r.warnings},
                       {"ok", r.status.ok()},
                       {"error", r.status.ok() ? json(nullptr) : json(r.status.message())}});
  }
  return {{"reviews", reviews}};
}

// Clears the cancel flag when a run ends, however it ends.
struct ClearCancel {
  std::atomic<bool>& flag;
  ~ClearCancel() { flag.store(false); }
};

}  // namespace

extern "C" {

caseboard_status caseboard_sync_new(caseboard_vault* vault, caseboard_sync** out, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(vault, "the vault handle"));
    CB_RETURN_IF_ERROR(NotNull(out, "out"));
    *out = new caseboard_sync;
    (*out)->state = vault->state;
    return Status::Ok();
  });
}

void caseboard_sync_free(caseboard_sync* sync) { delete sync; }

void caseboard_sync_cancel(caseboard_sync* sync) {
  if (sync) sync->cancel.store(true);
}

caseboard_status caseboard_sync_join(caseboard_sync* s, const char* invite, const char* device_name,
                                     char** result, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(s, "the sync handle"));
    CB_RETURN_IF_ERROR(NotNull(invite, "invite"));
    if (result) *result = nullptr;
    ClearCancel clear{s->cancel};
    std::lock_guard<std::mutex> lock(s->state->mu);
    if (!s->state->vault->is_unlocked()) return Status::Locked("the vault is locked; unlock it first");
    auto joined =
        sync::Join(*s->state->vault, invite, device_name ? device_name : "", OptionsFor(s, nullptr, nullptr));
    if (s->cancel.load()) return Outcome::Cancel("joining the board was cancelled");
    if (!joined.ok()) return joined.status();
    SetString(result, json{{"board", joined->config.url},
                           {"device", joined->config.device},
                           {"already_enrolled", joined->already_enrolled},
                           {"clock_skew_ms", joined->clock_skew_ms}}
                          .dump(2));
    return Status::Ok();
  });
}

caseboard_status caseboard_sync_run(caseboard_sync* s, caseboard_progress_fn progress, void* user,
                                    char** report, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(s, "the sync handle"));
    if (report) *report = nullptr;
    ClearCancel clear{s->cancel};
    VaultState& st = *s->state;
    std::lock_guard<std::mutex> lock(st.mu);
    if (!st.vault->is_unlocked()) return Status::Locked("the vault is locked; unlock it first");
    // The engine opens each review itself; open handles reopen theirs afterwards and see the result.
    CB_RETURN_IF_ERROR(st.CloseReplicas());
    auto result = sync::SyncAll(*st.vault, OptionsFor(s, progress, user));
    if (s->cancel.load()) return Outcome::Cancel("the sync was cancelled; what was stored so far is kept");
    if (!result.ok()) return result.status();
    SetString(report, ReportJson(*result).dump(2));
    return Status::Ok();
  });
}

}  // extern "C"
