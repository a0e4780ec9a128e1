// The demo content: four reviews built with the ScrReview commands, at
// different stages and with every deadline state, that converge when a
// second device joins each of them and both go on editing.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "caseboard/domain/demo.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/domain/workflow.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::domain;
using namespace caseboard::test;
using nlohmann::json;
using review::Outcome;
using review::Replica;

namespace {

std::unique_ptr<Replica> OpenReview(store::Vault& vault, const std::string& id) {
  auto r = Replica::Open(vault, id, ScrReplicaOptions());
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r).value();
}

WorkflowStatus Evaluate(const Replica& r, const WorkingCalendar& cal, Date today) {
  auto st = EvaluateWorkflow(r, cal, today);
  REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  return *st;
}

const DeadlineStatus* FindDeadline(const WorkflowStatus& st, const std::string& id) {
  for (const auto& d : st.deadlines)
    if (d.id == id) return &d;
  return nullptr;
}

bool AnyContains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

void Sync(Replica& to, const Replica& from) {
  auto got = to.ReceiveAll(AllChanges(from));
  REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  for (const auto& g : *got)
    CHECK_MESSAGE((g.outcome == Outcome::kApplied || g.outcome == Outcome::kDuplicate ||
                   g.outcome == Outcome::kUnreadable),
                  OutcomeName(g.outcome), " ", g.reason);
}

}  // namespace

TEST_CASE("the demo: four reviews at different stages showing every deadline state") {
  const WorkingCalendar cal = WorkingCalendar::EnglandAndWales();
  // A Wednesday, a Saturday and a Tuesday just after the Christmas holidays:
  // the states must not depend on the day of the week.
  for (Date today : {Date{2024, 11, 13}, Date{2025, 3, 15}, Date{2024, 12, 31}}) {
    CAPTURE(FormatDate(today));
    TempDir dir;
    auto vault = CreateVault(dir.str());
    auto demo = BuildDemo(*vault, cal, today);
    REQUIRE_MESSAGE(demo.ok(), demo.status().ToString());
    REQUIRE(demo->size() == 4);

    std::set<std::string> stages;
    std::set<DeadlineState> states;
    std::vector<std::string> warnings;
    std::map<std::string, WorkflowStatus> by_title;
    for (const auto& d : *demo) {
      CAPTURE(d.title);
      auto r = OpenReview(*vault, d.id);
      CHECK(r->title() == d.title);
      CHECK(r->Problems().empty());
      WorkflowStatus st = Evaluate(*r, cal, today);
      CHECK(st.stage == d.stage);
      stages.insert(d.stage);
      for (const auto& dl : st.deadlines) states.insert(dl.state);
      warnings.insert(warnings.end(), st.warnings.begin(), st.warnings.end());
      by_title[d.title] = st;
    }
    CHECK(stages.size() == 4);
    CHECK(stages == std::set<std::string>{"terms", "learning", "rapid_review", "information"});
    for (DeadlineState s : {DeadlineState::kDue, DeadlineState::kAtRisk, DeadlineState::kOverdue,
                            DeadlineState::kMet, DeadlineState::kMetLate})
      CHECK_MESSAGE(states.count(s), DeadlineStateName(s));
    CHECK(AnyContains(warnings, "relies on training"));
    CHECK(AnyContains(warnings, "changed after it was signed off"));
    CHECK(AnyContains(warnings, "consider escalation step 2"));

    // Case study 1: the overdue request to the GP was escalated once.
    const WorkflowStatus& baby_a = by_title.at("Baby A");
    const DeadlineStatus* request = FindDeadline(baby_a, "request");
    REQUIRE(request);
    CHECK(request->state == DeadlineState::kOverdue);
    CHECK(FindDeadline(baby_a, "notify")->state == DeadlineState::kMet);
    CHECK(AnyContains(baby_a.missing(), "contract"));
    // Case study 3: notified in time, rapid review at risk.
    const WorkflowStatus& baby_c = by_title.at("Baby C");
    CHECK(baby_c.framework == "lcspr-wt2018");
    CHECK(FindDeadline(baby_c, "notify")->state == DeadlineState::kMet);
    CHECK(FindDeadline(baby_c, "rapid_review")->state == DeadlineState::kAtRisk);
    // Case study 2: completed within six months, some actions late.
    const WorkflowStatus& child_b = by_title.at("Child B");
    CHECK(FindDeadline(child_b, "complete")->state == DeadlineState::kMet);
    CHECK(AnyContains(child_b.missing(), "quality markers"));
    // Case study 4: its gate waits for valid sign-offs.
    const WorkflowStatus& d4 = by_title.at("Young Person D");
    CHECK(AnyContains(d4.missing(), "without a valid sign-off"));
    CHECK(FindDeadline(d4, "notify")->state == DeadlineState::kMetLate);
  }
}

TEST_CASE("the demo's details: escalation, key question history, compartments") {
  const WorkingCalendar cal = WorkingCalendar::EnglandAndWales();
  const Date today{2024, 11, 13};
  TempDir dir;
  auto vault = CreateVault(dir.str());
  auto demo = BuildDemo(*vault, cal, today);
  REQUIRE_MESSAGE(demo.ok(), demo.status().ToString());
  std::map<std::string, std::string> ids;
  for (const auto& d : *demo) ids[d.title] = d.id;

  auto a = OpenReview(*vault, ids.at("Baby A"));
  auto request = First(a->document(), "info_request");
  REQUIRE(request);
  CHECK(*request->Get("escalation") == 1);
  CHECK(First(a->document(), "delay"));
  for (const auto& p : Records(a->document(), "person")) CHECK(p.compartment == "family");
  CHECK(Records(a->document(), "conversation").size() == 1);
  CHECK(Records(a->document(), "chronology_entry").size() >= 6);

  auto d = OpenReview(*vault, ids.at("Young Person D"));
  ScrReview review(*d);
  bool edited = false;
  for (const auto& q : Records(d->document(), "key_question")) {
    auto history = review.KeyQuestionHistory(q.id);
    REQUIRE(history.ok());
    if (history->size() == 2) {
      edited = true;
      CHECK((*history)[1]["reason"].get<std::string>().find("rarely recorded") != std::string::npos);
    }
  }
  CHECK(edited);
  bool overridden = false;
  for (const auto& p : Records(d->document(), "person"))
    overridden = overridden || (p.Str("permission") == "overridden" && p.Filled("override_reason"));
  CHECK(overridden);
  auto process = First(d->document(), "parallel_process");
  REQUIRE(process);
  CHECK(process->Str("kind") == "criminal");
}

TEST_CASE("the demo converges: a second device joins each review and both keep editing") {
  const WorkingCalendar cal = WorkingCalendar::EnglandAndWales();
  const Date today{2024, 11, 13};
  TempDir dir_a, dir_b;
  auto vault_a = CreateVault(dir_a.str());
  auto vault_b = CreateVault(dir_b.str());
  auto demo = BuildDemo(*vault_a, cal, today);
  REQUIRE_MESSAGE(demo.ok(), demo.status().ToString());
  auto b_identity = vault_b->Identity();
  REQUIRE(b_identity.ok());

  for (const auto& d : *demo) {
    CAPTURE(d.title);
    auto a = OpenReview(*vault_a, d.id);
    REQUIRE(a->AddMember(*b_identity, crdt::Role::kEditor, {"general", "family", "restricted"}).ok());
    auto joined = Replica::OpenOrJoin(*vault_b, d.id, ScrReplicaOptions());
    REQUIRE_MESSAGE(joined.ok(), joined.status().ToString());
    auto b = std::move(joined).value();
    Sync(*b, *a);
    CHECK(b->Problems().empty());
    CHECK(b->StateHashHex() == a->StateHashHex());
    CHECK(Evaluate(*b, cal, today).ToJson() == Evaluate(*a, cal, today).ToJson());

    // Concurrent edits: a chronology entry each, and both type into the
    // same text field of the same record.
    ScrReview on_a(*a), on_b(*b);
    REQUIRE(on_a.AddRecord("chronology_entry", {{"agency", "Ambulance service"},
                                                {"date", "2024-06-01"},
                                                {"time", "07:05"},
                                                {"event", "Added on device A"}})
                .ok());
    REQUIRE(
        on_b.AddRecord("chronology_entry",
                       {{"agency", "GP practice"}, {"date", "2024-06-02"}, {"event", "Added on device B"}})
            .ok());
    auto first = First(a->document(), "chronology_entry");
    REQUIRE(first);
    const size_t length = a->document().Find(first->id)->Text("event")->size();
    REQUIRE(a->InsertText(first->id, "event", 0, "[A] ").ok());
    REQUIRE(b->InsertText(first->id, "event", length, " [B]").ok());
    REQUIRE(a->FlushText().ok());
    REQUIRE(b->FlushText().ok());

    Sync(*a, *b);
    Sync(*b, *a);
    CHECK(a->Problems().empty());
    CHECK(b->Problems().empty());
    CHECK(a->StateHashHex() == b->StateHashHex());
    json on_a_json = Evaluate(*a, cal, today).ToJson(), on_b_json = Evaluate(*b, cal, today).ToJson();
    CHECK(on_a_json == on_b_json);
    CHECK(on_a_json["stage"] == d.stage);
    std::string event = FindRecord(b->document(), first->id)->Str("event");
    CHECK(event.rfind("[A] ", 0) == 0);
    CHECK(event.size() >= 4);
    CHECK(event.substr(event.size() - 4) == " [B]");
    std::set<std::string> added;
    for (const auto& e : Records(a->document(), "chronology_entry")) added.insert(e.Str("event"));
    CHECK(added.count("Added on device A"));
    CHECK(added.count("Added on device B"));
  }
}
