// Sync through the C API against a real caseboard-server on loopback TLS:
// two devices join with invites, one starts a review and adds the other,
// both sync and converge; progress is reported and a sync can be cancelled.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "board_fixture.h"
#include "capi_support.h"

using namespace caseboard::test;
using nlohmann::json;

namespace {

struct Progress {
  int calls = 0;
  bool saw_push = false, saw_pull = false;
  int cancel_after = -1;  // return nonzero on this call
};

int OnProgress(void* user, const char* review, caseboard_sync_phase phase, uint64_t, uint64_t) {
  auto* p = static_cast<Progress*>(user);
  CHECK(review != nullptr);
  p->saw_push |= phase == CASEBOARD_SYNC_PUSH;
  p->saw_pull |= phase == CASEBOARD_SYNC_PULL;
  return p->calls++ == p->cancel_after ? 1 : 0;
}

json Run(caseboard_sync* s, Progress* progress) {
  char* report = nullptr;
  CAPI_OK(caseboard_sync_run(s, OnProgress, progress, &report, &capi_error_));
  return json::parse(Take(report));
}

}  // namespace

TEST_CASE("two devices sync a review through a board with the C API") {
  TempDir dir;
  BoardServer board;
  caseboard_vault* va = CreateVault(dir.Sub("a"), "passphrase of A");
  caseboard_vault* vb = CreateVault(dir.Sub("b"), "passphrase of B");
  caseboard_sync* sa = nullptr;
  caseboard_sync* sb = nullptr;
  CAPI_OK(caseboard_sync_new(va, &sa, &capi_error_));
  CAPI_OK(caseboard_sync_new(vb, &sb, &capi_error_));
  char* joined = nullptr;
  CAPI_OK(caseboard_sync_join(sa, board.admin_invite().c_str(), "chair", &joined, &capi_error_));
  CHECK(json::parse(Take(joined))["already_enrolled"] == false);
  CAPI_OK(caseboard_sync_join(sb, board.Invite("reviewer").c_str(), "reviewer", nullptr, &capi_error_));

  caseboard_review* ra = nullptr;
  CAPI_OK(caseboard_review_create(va, "SCR Child S", nullptr, nullptr, "2024-12-02", &ra, &capi_error_));
  char* line = nullptr;
  CAPI_OK(caseboard_vault_device(vb, &line, &capi_error_));
  Command(ra, {{"command", "assign_role"},
               {"role", "lead_reviewer"},
               {"person", "Reviewer"},
               {"device", Take(line)}});
  std::string entry =
      Command(ra, {{"command", "add_record"},
                   {"type", "chronology_entry"},
                   {"fields", {{"agency", "Police"}, {"date", "2024-03-01"}, {"event", "Call-out"}}}})["id"];
  Insert(ra, entry, "event", 8, " to the home");  // not flushed: sync signs it

  Progress pa;
  json report = Run(sa, &pa);
  CHECK(pa.calls > 0);
  CHECK(pa.saw_push);
  REQUIRE(report["reviews"].size() == 1);
  CHECK(report["reviews"][0]["ok"] == true);
  CHECK(report["reviews"][0]["pushed"].get<int>() > 0);

  Progress pb;
  report = Run(sb, &pb);
  CHECK(pb.saw_pull);
  char* id = nullptr;
  CAPI_OK(caseboard_review_id(ra, &id, &capi_error_));
  caseboard_review* rb = nullptr;
  CAPI_OK(caseboard_review_open(vb, Take(id).c_str(), &rb, &capi_error_));
  CHECK(Text(rb, entry, "event") == "Call-out to the home");
  CHECK(Hash(rb) == Hash(ra));  // the open handle on A reopened after its sync

  // B edits; a sync cancelled from its progress callback stops with CASEBOARD_CANCELLED...
  Insert(rb, entry, "event", 0, "Night: ");
  Progress stop;
  stop.cancel_after = 0;
  char* error = nullptr;
  char* out = nullptr;
  caseboard_status s = caseboard_sync_run(sb, OnProgress, &stop, &out, &error);
  std::string message = Take(error);
  CHECK(s == CASEBOARD_CANCELLED);
  CHECK(out == nullptr);
  CHECK(message.find("cancelled") != std::string::npos);
  // ... and so does one cancelled from another thread before it starts.
  std::thread([&] { caseboard_sync_cancel(sb); }).join();
  s = caseboard_sync_run(sb, nullptr, nullptr, &out, &error);
  Take(error);
  CHECK(s == CASEBOARD_CANCELLED);
  // The next run is not cancelled, and nothing was lost.
  Progress again;
  report = Run(sb, &again);
  Run(sa, &pa);
  CHECK(Text(ra, entry, "event") == "Night: Call-out to the home");
  CHECK(Hash(ra) == Hash(rb));

  caseboard_review_close(rb);
  caseboard_review_close(ra);
  caseboard_sync_free(sb);
  caseboard_sync_free(sa);
  caseboard_vault_close(vb);
  caseboard_vault_close(va);
}
