// Retention: periods set by the board per kind of material, counted from
// closing or publication; a legal hold blocks destruction whatever is due.
#include <doctest/doctest.h>

#include "caseboard/domain/records.h"
#include "caseboard/domain/retention.h"
#include "caseboard/domain/scr_review.h"
#include "domain_support.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::domain;
using namespace caseboard::test;

namespace {

const RetentionItem& Item(const RetentionReport& r, const std::string& kind) {
  for (const auto& i : r.items)
    if (i.kind == kind) return i;
  FAIL("no kind " << kind);
  return r.items.front();
}

}  // namespace

TEST_CASE("retention: nothing set keeps everything; set periods fall due; a legal hold blocks destruction") {
  TempDir dir;
  auto vault = CreateVault(dir.str());
  auto r = ScrReview::Start(*vault, "SCR Child K", "scr-wt2015", "Northshire SCP", D("2020-01-06"));
  REQUIRE(r.ok());
  ScrReview scr(**r);
  REQUIRE(scr.AddRecord("conversation", {{"notes", "An interview."}}).ok());
  const crdt::Document& doc = (*r)->document();

  RetentionReport none = CheckRetention(doc, D("2030-01-01"));
  for (const auto& i : none.items) CHECK(i.state == "not_set");
  CHECK(Item(none, "interviews").records == 1);
  CHECK(Has(DestructionAllowed(doc, "interviews", D("2030-01-01")).message(), "has not set"));

  REQUIRE(scr.SetRecord("retention", {{"interviews_years", 2}, {"final_report_years", 25}}).ok());
  CHECK(Item(CheckRetention(doc, D("2030-01-01")), "interviews").state == "no_start");  // not closed yet
  CHECK(Has(DestructionAllowed(doc, "interviews", D("2030-01-01")).message(), "not started"));

  // Closed (as completing the last stage, or deciding not to proceed, does).
  REQUIRE((*r)->SetFields(First(doc, "scr")->id, {{"closed_on", "2024-02-29"}}).ok());
  RetentionReport closed = CheckRetention(doc, D("2026-02-27"));
  CHECK(Item(closed, "interviews").due == "2026-02-28");  // 29 February, two years on
  CHECK(Item(closed, "interviews").state == "kept");
  CHECK(Has(DestructionAllowed(doc, "interviews", D("2026-02-27")).message(), "kept until 2026-02-28"));
  CHECK(Item(CheckRetention(doc, D("2026-02-28")), "interviews").state == "due");
  CHECK(DestructionAllowed(doc, "interviews", D("2026-02-28")).ok());
  CHECK(Item(closed, "final_report").due == "2049-02-28");
  CHECK(Item(closed, "working_notes").state == "not_set");

  REQUIRE(scr.SetRecord("retention", {{"legal_hold", true},
                                      {"hold_reason", "Civil claim by the family"},
                                      {"hold_set_on", "2026-01-10"}})
              .ok());
  RetentionReport held = CheckRetention(doc, D("2027-01-01"));
  CHECK(held.legal_hold);
  for (const auto& i : held.items) CHECK(i.state == "held");
  Status blocked = DestructionAllowed(doc, "interviews", D("2027-01-01"));
  CHECK_FALSE(blocked.ok());
  CHECK(Has(blocked.message(), "legal hold is on since 2026-01-10 (Civil claim by the family)"));

  REQUIRE(scr.SetRecord("retention", {{"legal_hold", false}}).ok());
  CHECK(DestructionAllowed(doc, "interviews", D("2027-01-01")).ok());
  CHECK_FALSE(DestructionAllowed(doc, "everything", D("2027-01-01")).ok());
}
