// The SCR workflow rules (core/domain) on real vaults, case by case from the
// guidance (../shared/guidance/003_*.txt, FRAMEWORKS.md): the referral and its
// rationale (section 3, quality marker 1), the decision stage (Appendix 1 and
// 2), the letters of a decision not to proceed (section 3), the statutory
// deadlines on the England-and-Wales calendar, the terms of reference
// (section 5), key questions and their reasons (section 5), the escalation
// ladder (section 4), the multi-agency chronology, frameworks as data, and
// one-of-a-kind records made twice offline.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "caseboard/domain/calendar.h"
#include "caseboard/domain/chair_checklist.h"
#include "caseboard/domain/chronology.h"
#include "caseboard/domain/deadlines.h"
#include "caseboard/domain/framework.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/domain/scr_schema.h"
#include "caseboard/domain/workflow.h"
#include "caseboard/review/replica.h"
#include "domain_support.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::domain;
using namespace caseboard::test;
using nlohmann::json;
using review::Replica;

namespace {

const WorkingCalendar& Cal() {
  static const WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  return calendar;
}

// One review on one device: a vault, the replica and the commands on it.
struct Review {
  explicit Review(const std::string& framework = "scr-wt2015", const char* opened_on = "2024-01-08") {
    auto r = ScrReview::Start(*vault, "Review of Child A", framework, "Northshire LSCB", D(opened_on));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    replica = std::move(*r);
    scr = std::make_unique<ScrReview>(*replica);
  }

  WorkflowStatus Status(const char* today) const {
    auto st = scr->Status(Cal(), D(today));
    REQUIRE_MESSAGE(st.ok(), st.status().ToString());
    return *st;
  }

  std::string Add(const std::string& type, const Fields& fields) {
    auto id = scr->AddRecord(type, fields);
    REQUIRE_MESSAGE(id.ok(), id.status().ToString());
    return *id;
  }

  std::string Set(const std::string& type, const Fields& fields) {
    auto id = scr->SetRecord(type, fields);
    REQUIRE_MESSAGE(id.ok(), id.status().ToString());
    return *id;
  }

  void Update(const std::string& id, const Fields& fields) {
    auto s = scr->UpdateRecord(id, fields);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }

  TempDir dir;
  std::unique_ptr<store::Vault> vault = CreateVault(dir.str());
  std::unique_ptr<Replica> replica;
  std::unique_ptr<ScrReview> scr;
};

// A referral with everything the referral stage's gate asks for.
Fields FullReferral(json categories = json::array({"consider.concerns_not_taken_seriously"})) {
  return {{"referrer", "Dr R. Patel"},
          {"referrer_agency", "Northshire Community Health"},
          {"safeguarding_lead", "S. Okafor"},
          {"senior_officer", "Director of Nursing"},
          {"senior_officer_support", true},
          {"aware_on", "2024-01-02"},
          {"referred_on", "2024-01-05"},
          {"categories", categories},
          {"criteria_met", "unsure"},
          {"rationale", "The health visitor's concerns were not acted on by children's social care."}};
}

// Copies, so that a lookup in a temporary status stays valid.
std::optional<GateItem> FindGate(const WorkflowStatus& st, const std::string& label_part) {
  for (const auto& g : st.gate)
    if (Has(g.label, label_part)) return g;
  return std::nullopt;
}

std::optional<DeadlineStatus> FindDeadline(const WorkflowStatus& st, const std::string& id) {
  for (const auto& d : st.deadlines)
    if (d.id == id) return d;
  return std::nullopt;
}

const Requirement& RuleOf(const std::string& framework, const std::string& stage, const std::string& rule) {
  const Framework* f = FindFramework(framework);
  REQUIRE(f);
  const Stage* s = f->FindStage(stage);
  REQUIRE(s);
  for (const auto& r : s->gate)
    if (r.rule == rule) return r;
  FAIL("no rule " << rule << " at stage " << stage);
  static Requirement none;
  return none;
}

bool AnyWarning(const WorkflowStatus& st, const std::string& part) {
  return std::any_of(st.warnings.begin(), st.warnings.end(),
                     [&](const std::string& w) { return Has(w, part); });
}

// A review moved past its referral to the decision stage.
void ToDecision(Review& r, json categories = json::array({"consider.concerns_not_taken_seriously"})) {
  r.Set("referral", FullReferral(std::move(categories)));
  auto next = r.scr->Advance(Cal(), D("2024-01-10"));
  REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  REQUIRE(*next == "decision");
}

}  // namespace

// ---- Referral (section 3: "referrals must be supported by their senior
// officers"; "This referral must state clearly why ..."; quality marker 1).

TEST_CASE("a new SCR starts at the referral and cannot move on until the referral is complete") {
  Review r;
  auto st = r.Status("2024-01-08");
  CHECK(st.framework == "scr-wt2015");
  CHECK(st.stage == "referral");
  CHECK(st.stage_number == 1);
  CHECK(st.stage_count == 9);
  CHECK(st.next_stage_name == "Decision");
  CHECK_FALSE(st.can_advance());

  auto refused = r.scr->Advance(Cal(), D("2024-01-08"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kInvalidArgument);
  const std::string& msg = refused.status().message();
  CHECK(Has(msg, "still missing"));
  CHECK(Has(msg, "the rationale for the referral"));
  CHECK(Has(msg, "the support of the referrer's senior officers"));
  CHECK(Has(msg, "who referred the case"));

  // Partly filled in: the senior officers do not support it and there is no rationale yet.
  Fields partial = FullReferral();
  partial.erase("rationale");
  partial["senior_officer_support"] = false;
  std::string referral = r.Set("referral", partial);
  refused = r.scr->Advance(Cal(), D("2024-01-08"));
  REQUIRE_FALSE(refused.ok());
  CHECK(Has(refused.status().message(), "the rationale for the referral"));
  CHECK(Has(refused.status().message(), "senior officers"));
  CHECK_FALSE(Has(refused.status().message(), "who referred the case"));
  CHECK(r.Status("2024-01-08").stage == "referral");

  // An unknown notification category is refused outright.
  auto bad = r.scr->UpdateRecord(referral, {{"categories", json::array({"notify.child_sad"})}});
  CHECK(bad.code() == Status::Code::kInvalidArgument);
  CHECK(Has(bad.message(), "notify.child_sad"));

  r.Update(referral, {{"categories", json::array({std::string(kNotifyChildDied)})},
                      {"senior_officer_support", true},
                      {"rationale", "A child died and neglect is suspected."}});
  CHECK(r.Status("2024-01-08").can_advance());
  auto next = r.scr->Advance(Cal(), D("2024-01-08"));
  REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  CHECK(*next == "decision");
  st = r.Status("2024-01-08");
  CHECK(st.stage == "decision");
  CHECK(st.stage_number == 2);
  CHECK(st.stage_name == "Decision");
}

TEST_CASE("an unknown framework is refused when a review starts") {
  TempDir dir;
  auto vault = CreateVault(dir.str());
  auto r = ScrReview::Start(*vault, "Review", "scr-wales", "", D("2024-01-08"));
  REQUIRE_FALSE(r.ok());
  CHECK(Has(r.status().message(), "scr-wt2015"));
  CHECK(Has(r.status().message(), "lcspr-wt2018"));
}

// Required fields given as "" are missing: a panel member's view needs its
// rationale (Appendix 2 step 9), a decision its rationale (quality marker 2),
// a delay its reason (quality marker 8).
TEST_CASE("a blank rationale is not a rationale") {
  Review r;
  ToDecision(r);
  auto blank = r.scr->AddRecord(
      "panel_view",
      {{"member", "DI Clarke"}, {"agency", "Police"}, {"recommends", "review"}, {"rationale", ""}});
  CHECK(blank.status().code() == Status::Code::kInvalidArgument);
  CHECK(Records(r.replica->document(), "panel_view").empty());
  std::string view = r.Add("panel_view", {{"member", "DI Clarke"},
                                          {"agency", "Police"},
                                          {"recommends", "review"},
                                          {"rationale", "Information was not shared."}});
  CHECK(r.scr->UpdateRecord(view, {{"rationale", ""}}).code() == Status::Code::kInvalidArgument);
  CHECK(r.scr->Decide("proceed", D("2024-01-15"), "").code() == Status::Code::kInvalidArgument);
  CHECK(r.scr->AddRecord("delay", {{"what", "Police chronology"}, {"reason", ""}}).status().code() ==
        Status::Code::kInvalidArgument);
}

// A blank string does not meet a gate's "field" requirement.
TEST_CASE("a blank referrer does not satisfy the referral gate") {
  Review r;
  Fields referral = FullReferral();
  referral["referrer"] = "";
  referral["referrer_agency"] = "";
  r.Set("referral", referral);
  auto st = r.Status("2024-01-08");
  auto who = FindGate(st, "who referred the case");
  REQUIRE(who.has_value());
  CHECK_FALSE(who->met);
  auto agency = FindGate(st, "the referrer's agency");
  REQUIRE(agency.has_value());
  CHECK_FALSE(agency->met);
  CHECK_FALSE(st.can_advance());
  CHECK_FALSE(First(r.replica->document(), "referral")->Filled("referrer"));
}

// ---- Decision stage (Appendix 1 and Appendix 2).

TEST_CASE("a panel member's view needs its rationale (Appendix 2 step 9)") {
  Review r;
  ToDecision(r);
  auto bare = r.scr->AddRecord("panel_view",
                               {{"member", "DI Clarke"}, {"agency", "Police"}, {"recommends", "review"}});
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.status().code() == Status::Code::kInvalidArgument);
  CHECK(Has(bare.status().message(), "rationale"));
  CHECK(Records(r.replica->document(), "panel_view").empty());

  std::string view = r.Add("panel_view", {{"member", "DI Clarke"},
                                          {"agency", "Police"},
                                          {"recommends", "review"},
                                          {"rationale", "Information held by police was not shared."}});
  // Clearing the rationale later is refused as well.
  CHECK(r.scr->UpdateRecord(view, {{"rationale", nullptr}}).code() == Status::Code::kInvalidArgument);
  auto st = r.Status("2024-01-12");
  std::optional<GateItem> reasoned = FindGate(st, "a rationale for every panel member's view");
  REQUIRE(reasoned.has_value());
  CHECK(reasoned->met);

  // Step 12: the chair who rejects or defers the panel's recommendation says why.
  auto reject = r.scr->SetRecord("chair_decision", {{"panel_response", "reject"}});
  CHECK(reject.status().code() == Status::Code::kInvalidArgument);
  CHECK(Has(reject.status().message(), "panel_response_reason"));
  r.Set("chair_decision",
        {{"panel_response", "reject"}, {"panel_response_reason", "The panel overlooked the GP's record."}});
}

TEST_CASE("a child died and abuse or neglect is suspected: a decision not to proceed is refused") {
  Review r;
  ToDecision(r, json::array({std::string(kNotifyChildDied)}));
  r.Set("chair_decision", {{"child_died", "yes"}, {"abuse_or_neglect", "yes"}});
  auto s = r.scr->Decide("not_proceed", D("2024-01-15"), "Learning is already captured elsewhere.");
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(Has(s.message(), "must be commissioned"));
  // Nothing was recorded: no outcome and no letters.
  auto d = First(r.replica->document(), "chair_decision");
  REQUIRE(d);
  CHECK_FALSE(d->Filled("outcome"));
  CHECK(Records(r.replica->document(), "letter").empty());

  // Even if the outcome is written directly, the gate and a warning catch it.
  r.Update(d->id, {{"outcome", "not_proceed"}, {"decided_on", "2024-01-15"}, {"rationale", "No."}});
  auto st = r.Status("2024-01-15");
  std::optional<GateItem> followed = FindGate(st, "the chair's checklist (Appendix 1) followed");
  REQUIRE(followed.has_value());
  CHECK_FALSE(followed->met);
  CHECK(Has(followed->detail, "must be commissioned"));
  CHECK(AnyWarning(st, "must be commissioned"));
  CHECK_FALSE(st.can_advance());

  // Deciding to proceed is always open to the chair.
  CHECK(r.scr->Decide("proceed", D("2024-01-15"), "Criteria met: a child died, neglect suspected.").ok());
  followed = FindGate(r.Status("2024-01-15"), "the chair's checklist (Appendix 1) followed");
  REQUIRE(followed.has_value());
  CHECK(followed->met);
}

TEST_CASE("unsure whether the harm is serious: the chair must consult a peer chair (Appendix 1 question 3)") {
  Review r;
  ToDecision(r, json::array({std::string(kNotifySeriouslyHarmed)}));
  std::string decision = r.Set(
      "chair_decision", {{"child_died", "no"}, {"abuse_or_neglect", "yes"}, {"serious_harm", "unsure"}});
  auto st = r.Status("2024-01-15");
  std::optional<GateItem> followed = FindGate(st, "the chair's checklist (Appendix 1) followed");
  REQUIRE(followed.has_value());
  CHECK_FALSE(followed->met);
  CHECK(Has(followed->detail, "peer"));
  CHECK(Has(followed->detail, "chair"));
  CHECK(Has(r.scr->Advance(Cal(), D("2024-01-15")).status().message(), "peer"));

  // A consultation without the peer chair's rationale is not a consultation.
  r.Update(decision, {{"peer_consulted_on", "2024-01-16"}, {"peer_chair", "J. Whitfield (Eastshire LSCB)"}});
  followed = FindGate(r.Status("2024-01-16"), "the chair's checklist (Appendix 1) followed");
  REQUIRE(followed.has_value());
  CHECK_FALSE(followed->met);
  CHECK(Has(followed->detail, "rationale"));

  r.Update(decision, {{"peer_decision", "proceed"},
                      {"peer_rationale", "Enduring psychological harm is likely; multi-agency concerns."}});
  followed = FindGate(r.Status("2024-01-16"), "the chair's checklist (Appendix 1) followed");
  REQUIRE(followed.has_value());
  CHECK(followed->met);
  CHECK(followed->detail.empty());
  // The peer's decision to proceed makes it a "must commission".
  CHECK(r.scr->Decide("not_proceed", D("2024-01-17"), "Not needed.").code() ==
        Status::Code::kInvalidArgument);

  // Had the peer advised not to proceed, the chair could decide so.
  r.Update(decision, {{"peer_decision", "not_proceed"}});
  CHECK(r.scr->Decide("not_proceed", D("2024-01-17"), "Peer chair advised the harm is not serious.").ok());
  followed = FindGate(r.Status("2024-01-17"), "the chair's checklist (Appendix 1) followed");
  REQUIRE(followed.has_value());
  CHECK(followed->met);
}

TEST_CASE("a decision not to proceed drafts four letters; the review closes once all are sent (section 3)") {
  Review r;
  ToDecision(r);
  r.Add("agency_information", {{"agency", "Police"}, {"summary", "One call-out, no further action."}});
  r.Add("panel_view", {{"member", "DI Clarke"},
                       {"agency", "Police"},
                       {"recommends", "no_review"},
                       {"rationale", "No abuse or neglect known or suspected."}});
  r.Add("panel_view", {{"member", "M. Green"},
                       {"agency", "Health"},
                       {"recommends", "alternative_review"},
                       {"rationale", "A single-agency learning review will do."}});
  r.Set("chair_decision", {{"child_died", "no"},
                           {"abuse_or_neglect", "no"},
                           {"serious_harm", "no"},
                           {"panel_response", "accept"}});
  const std::string rationale = "No child died and abuse or neglect is neither known nor suspected.";
  auto decided = r.scr->Decide("not_proceed", D("2024-02-01"), rationale);
  REQUIRE_MESSAGE(decided.ok(), decided.ToString());

  auto letters = Records(r.replica->document(), "letter");
  REQUIRE(letters.size() == 4);
  std::set<std::string> roles;
  for (const auto& l : letters) {
    roles.insert(l.Str("recipient_role"));
    CHECK(l.Str("purpose") == "not_proceeding");
    CHECK(Has(l.Str("body"), rationale));
    CHECK(Has(l.Str("body"), "2024-02-01"));
    CHECK_FALSE(l.Filled("sent_on"));
    CHECK(l.Get("copy"));
    if (l.Get("copy")) CHECK(l.Get("copy")->get<bool>() == (l.Str("recipient_role") == "subcommittee"));
    if (l.Str("recipient_role") == "referrer") CHECK(l.Str("recipient") == "Dr R. Patel");
    if (l.Str("recipient_role") == "agency_safeguarding_lead") CHECK(l.Str("recipient") == "S. Okafor");
  }
  CHECK(roles ==
        std::set<std::string>{"referrer", "agency_safeguarding_lead", "subcommittee", "national_panel"});

  // Deciding again does not draft them twice.
  REQUIRE(r.scr->Decide("not_proceed", D("2024-02-01"), rationale).ok());
  CHECK(Records(r.replica->document(), "letter").size() == 4);

  auto st = r.Status("2024-02-01");
  std::optional<GateItem> sent = FindGate(st, "letters");
  REQUIRE(sent.has_value());
  CHECK_FALSE(sent->met);
  CHECK(Has(sent->detail, "the referrer"));
  CHECK(Has(sent->detail, "the national panel"));
  CHECK(Has(sent->detail, "sub-committee"));
  // Everything else of the gate is there.
  for (const auto& g : st.gate)
    if (g.label != sent->label) CHECK_MESSAGE(g.met, g.label << ": " << g.detail);
  auto refused = r.scr->Advance(Cal(), D("2024-02-01"));
  REQUIRE_FALSE(refused.ok());
  CHECK(Has(refused.status().message(), "letters"));

  // Sent one by one: the gate waits for the last.
  std::string national_panel;
  for (const auto& l : letters) {
    if (l.Str("recipient_role") == "national_panel") {
      national_panel = l.id;
      continue;
    }
    r.Update(l.id, {{"sent_on", "2024-02-02"}});
  }
  sent = FindGate(r.Status("2024-02-02"), "letters");
  REQUIRE(sent.has_value());
  CHECK_FALSE(sent->met);
  CHECK(sent->detail == "not yet sent to the national panel");
  CHECK_FALSE(r.scr->Advance(Cal(), D("2024-02-02")).ok());

  r.Update(national_panel, {{"sent_on", "2024-02-05"}});
  st = r.Status("2024-02-05");
  CHECK(st.can_advance());
  // No statutory deadline runs for a review that does not go ahead.
  for (const auto& d : st.deadlines) CHECK_MESSAGE(d.state == DeadlineState::kNotStarted, d.id);

  auto closed = r.scr->Advance(Cal(), D("2024-02-05"));
  REQUIRE_MESSAGE(closed.ok(), closed.status().ToString());
  CHECK(*closed == kStageClosed);
  st = r.Status("2024-02-06");
  CHECK(st.stage == "closed");
  CHECK(st.stage_number == 0);
  CHECK_FALSE(st.can_advance());
  auto scr = First(r.replica->document(), "scr");
  REQUIRE(scr);
  CHECK(scr->Str("closed_on") == "2024-02-05");
  CHECK(scr->Str("closed_reason") == rationale);
  CHECK_FALSE(r.scr->Advance(Cal(), D("2024-02-06")).ok());
}

TEST_CASE("a decision to proceed moves the review on to commissioning") {
  Review r;
  ToDecision(r, json::array({std::string(kNotifyChildDied)}));
  r.Add("agency_information", {{"agency", "Police"}, {"summary", "Arrests made."}});
  r.Add("panel_view", {{"member", "DI Clarke"},
                       {"agency", "Police"},
                       {"recommends", "review"},
                       {"rationale", "Criteria met."}});
  r.Set("chair_decision", {{"child_died", "yes"}, {"abuse_or_neglect", "yes"}, {"panel_response", "accept"}});
  REQUIRE(r.scr->Decide("proceed", D("2024-02-01"), "A child died; neglect is suspected.").ok());
  CHECK(Records(r.replica->document(), "letter").empty());
  auto next = r.scr->Advance(Cal(), D("2024-02-01"));
  REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  CHECK(*next == "commissioning");
  // Commissioning needs the notification, among others.
  auto st = r.Status("2024-02-01");
  std::optional<GateItem> notified = FindGate(st, "the notification to Ofsted");
  REQUIRE(notified.has_value());
  CHECK_FALSE(notified->met);
}

// ---- Deadlines ("within five working days of the chair's decision"; "aim for
// completion of an SCR within six months"; FRAMEWORKS.md "Working days").

TEST_CASE("the notification deadline: 5 working days on the England and Wales calendar") {
  Review r;
  // Before a decision nothing runs.
  std::optional<DeadlineStatus> notify = FindDeadline(r.Status("2024-12-20"), "notify");
  REQUIRE(notify.has_value());
  CHECK(notify->state == DeadlineState::kNotStarted);
  CHECK(notify->due.empty());

  // A deferral does not start the clock: only a decision to proceed does.
  REQUIRE(r.scr->Decide("defer", D("2024-12-20"), "Waiting for the post-mortem.").ok());
  notify = FindDeadline(r.Status("2024-12-20"), "notify");
  REQUIRE(notify.has_value());
  CHECK(notify->state == DeadlineState::kNotStarted);

  // Friday 20 December 2024: Christmas Day and Boxing Day do not count.
  REQUIRE(r.scr->Decide("proceed", D("2024-12-20"), "Criteria met.").ok());
  struct Day {
    const char* today;
    DeadlineState state;
    int left;
  };
  for (const Day& day :
       {Day{"2024-12-20", DeadlineState::kDue, 5}, Day{"2024-12-24", DeadlineState::kDue, 3},
        Day{"2024-12-27", DeadlineState::kAtRisk, 2}, Day{"2024-12-30", DeadlineState::kAtRisk, 1},
        Day{"2024-12-31", DeadlineState::kAtRisk, 0}, Day{"2025-01-01", DeadlineState::kOverdue, 0},
        Day{"2025-01-02", DeadlineState::kOverdue, -1}, Day{"2025-01-06", DeadlineState::kOverdue, -3}}) {
    CAPTURE(day.today);
    notify = FindDeadline(r.Status(day.today), "notify");
    REQUIRE(notify.has_value());
    CHECK(notify->from == "2024-12-20");
    CHECK(notify->due == "2024-12-31");
    CHECK(DeadlineStateName(notify->state) == std::string(DeadlineStateName(day.state)));
    CHECK(notify->working_days_left == day.left);
  }

  std::string notification = r.Set("notification", {{"sent_on", "2024-12-30"}});
  notify = FindDeadline(r.Status("2025-01-06"), "notify");
  REQUIRE(notify.has_value());
  CHECK(notify->state == DeadlineState::kMet);
  CHECK(notify->done == "2024-12-30");
  r.Update(notification, {{"sent_on", "2024-12-31"}});
  CHECK(FindDeadline(r.Status("2025-01-06"), "notify")->state == DeadlineState::kMet);
  r.Update(notification, {{"sent_on", "2025-01-02"}});
  notify = FindDeadline(r.Status("2025-01-06"), "notify");
  REQUIRE(notify.has_value());
  CHECK(notify->state == DeadlineState::kMetLate);
  CHECK(notify->done == "2025-01-02");

  // Over Easter 2024: Good Friday 29 March and Easter Monday 1 April.
  Review easter;
  REQUIRE(easter.scr->Decide("proceed", D("2024-03-28"), "Criteria met.").ok());
  notify = FindDeadline(easter.Status("2024-03-28"), "notify");
  REQUIRE(notify.has_value());
  CHECK(notify->due == "2024-04-08");
  CHECK(notify->state == DeadlineState::kDue);
  CHECK(notify->working_days_left == 5);
  CHECK(FindDeadline(easter.Status("2024-04-04"), "notify")->state == DeadlineState::kAtRisk);
  CHECK(FindDeadline(easter.Status("2024-04-09"), "notify")->state == DeadlineState::kOverdue);
}

TEST_CASE("the completion deadline: six calendar months from the decision") {
  Review r;
  REQUIRE(r.scr->Decide("proceed", D("2024-08-31"), "Criteria met.").ok());
  std::optional<DeadlineStatus> complete = FindDeadline(r.Status("2024-09-02"), "complete");
  REQUIRE(complete.has_value());
  CHECK(complete->from == "2024-08-31");
  CHECK(complete->due == "2025-02-28");  // no 31 February
  CHECK(complete->state == DeadlineState::kDue);
  // At risk within 20 working days of the end.
  CHECK(FindDeadline(r.Status("2025-01-20"), "complete")->state == DeadlineState::kDue);
  CHECK(FindDeadline(r.Status("2025-02-03"), "complete")->state == DeadlineState::kAtRisk);
  CHECK(FindDeadline(r.Status("2025-03-03"), "complete")->state == DeadlineState::kOverdue);
  std::string signoff = r.Set("board_signoff", {{"decision", "agreed"}, {"signed_on", "2025-02-27"}});
  CHECK(FindDeadline(r.Status("2025-03-03"), "complete")->state == DeadlineState::kMet);
  r.Update(signoff, {{"signed_on", "2025-03-04"}});
  CHECK(FindDeadline(r.Status("2025-03-05"), "complete")->state == DeadlineState::kMetLate);

  CHECK(AddMonths(D("2024-01-31"), 1) == D("2024-02-29"));
  CHECK(AddMonths(D("2023-08-31"), 6) == D("2024-02-29"));
  CHECK(AddMonths(D("2024-07-15"), 6) == D("2025-01-15"));
  CHECK(AddMonths(D("2024-12-31"), 6) == D("2025-06-30"));
}

TEST_CASE(
    "LCSPR: notify within 5 working days of becoming aware, rapid review within 15 of the notification") {
  Review r("lcspr-wt2018");
  auto st = r.Status("2024-05-01");
  CHECK(st.stage == "notification");
  CHECK(st.stage_count == 10);
  CHECK(FindDeadline(st, "notify")->state == DeadlineState::kNotStarted);
  CHECK(FindDeadline(st, "rapid_review")->state == DeadlineState::kNotStarted);

  Fields referral = FullReferral(json::array({std::string(kNotifySeriouslyHarmed)}));
  referral["aware_on"] = "2024-05-01";  // Wednesday; Monday 6 May is the early May bank holiday
  referral["referred_on"] = "2024-05-01";
  r.Set("referral", referral);
  std::optional<DeadlineStatus> notify = FindDeadline(r.Status("2024-05-01"), "notify");
  REQUIRE(notify.has_value());
  CHECK(notify->from == "2024-05-01");
  CHECK(notify->due == "2024-05-09");
  CHECK(notify->state == DeadlineState::kDue);
  CHECK(FindDeadline(r.Status("2024-05-10"), "notify")->state == DeadlineState::kOverdue);
  // The notification stage also waits for the notification itself.
  CHECK_FALSE(r.scr->Advance(Cal(), D("2024-05-08")).ok());

  r.Set("notification", {{"sent_on", "2024-05-08"}, {"recipients", json::array({"national_panel"})}});
  st = r.Status("2024-05-08");
  CHECK(FindDeadline(st, "notify")->state == DeadlineState::kMet);
  std::optional<DeadlineStatus> rapid = FindDeadline(st, "rapid_review");
  REQUIRE(rapid.has_value());
  CHECK(rapid->from == "2024-05-08");
  CHECK(rapid->due == "2024-05-30");  // Monday 27 May is the spring bank holiday
  CHECK(rapid->state == DeadlineState::kDue);
  CHECK(rapid->working_days_left == 15);
  CHECK(FindDeadline(r.Status("2024-05-23"), "rapid_review")->state == DeadlineState::kDue);
  CHECK(FindDeadline(r.Status("2024-05-24"), "rapid_review")->state == DeadlineState::kAtRisk);  // 3 left
  CHECK(FindDeadline(r.Status("2024-05-31"), "rapid_review")->state == DeadlineState::kOverdue);
  CHECK(FindDeadline(r.Status("2024-05-31"), "complete")->state == DeadlineState::kNotStarted);

  auto next = r.scr->Advance(Cal(), D("2024-05-08"));
  REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  CHECK(*next == "rapid_review");

  std::string rapid_review = r.Set("rapid_review", {{"summary", "Practice issues in information sharing."},
                                                    {"partners_signed_off", true},
                                                    {"recommends_review", "yes"},
                                                    {"sent_on", "2024-05-29"}});
  CHECK(FindDeadline(r.Status("2024-06-03"), "rapid_review")->state == DeadlineState::kMet);
  r.Update(rapid_review, {{"sent_on", "2024-05-31"}});
  CHECK(FindDeadline(r.Status("2024-06-03"), "rapid_review")->state == DeadlineState::kMetLate);
  next = r.scr->Advance(Cal(), D("2024-06-03"));
  REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  CHECK(*next == "decision");
}

// ---- Terms of reference (section 5, "as a minimum").

TEST_CASE("terms of reference: the gate lists each missing minimum content") {
  Review r;
  const Requirement& req = RuleOf("scr-wt2015", "terms", "tor_complete");
  GateItem g = CheckRequirement(*r.replica, req);
  CHECK_FALSE(g.met);
  for (const char* name :
       {"purpose", "the standard statement", "contributors", "family and friends invited",
        "how good practice is acknowledged", "other processes", "other areas", "timescale",
        "period reviewed (from)", "period reviewed (to)", "biographies of independent people",
        "dissemination of learning", "governance", "publication"})
    CHECK_MESSAGE(Has(g.detail, name), name);

  std::string tor =
      r.Set("terms_of_reference", {{"purpose", "To learn from the death of Child A."},
                                   {"standard_statement", false},
                                   {"contributors", "Police, health, children's social care."},
                                   {"family_involvement", "Mother, grandmother."},
                                   {"good_practice", "Noted in the report."},
                                   {"other_processes", "Criminal trial; liaise with the SIO."},
                                   {"other_areas", "None."},
                                   {"timescale", "Six months."},
                                   {"period_from", "2022-01-01"},
                                   {"period_to", "2023-12-31"},
                                   {"dissemination", "Learning events."},
                                   {"governance", "SCR panel reporting to the sub-committee."}});
  g = CheckRequirement(*r.replica, req);
  CHECK_FALSE(g.met);
  CHECK(Has(g.detail, "the standard statement"));  // false counts as missing
  CHECK(Has(g.detail, "biographies of independent people"));
  CHECK(Has(g.detail, "publication"));
  CHECK_FALSE(Has(g.detail, "purpose"));
  CHECK_FALSE(Has(g.detail, "timescale"));
  CHECK_FALSE(Has(g.detail, "governance"));

  r.Update(tor,
           {{"biographies", "Lead reviewer: ..."}, {"publication", "On the LSCB website for 12 months."}});
  g = CheckRequirement(*r.replica, req);
  CHECK_FALSE(g.met);
  CHECK(g.detail == "missing: the standard statement");

  r.Update(tor, {{"standard_statement", true}});
  g = CheckRequirement(*r.replica, req);
  CHECK(g.met);
  CHECK(g.detail.empty());

  // Emptying a text again makes it missing again.
  r.Update(tor, {{"purpose", ""}});
  g = CheckRequirement(*r.replica, req);
  CHECK_FALSE(g.met);
  CHECK(g.detail == "missing: purpose");
}

// ---- Key questions ("providing always that there is an explanation included
// in the report for the reasons for change", section 5).

TEST_CASE("a key question's wording changes only with a reason, and its history keeps both") {
  Review r;
  std::string q = r.Add("key_question", {{"question", "Why was the referral of March 2023 closed?"},
                                         {"reason", "Raised at the first panel meeting"},
                                         {"status", "open"}});
  auto s = r.scr->EditKeyQuestion(q, "Why were the health visitor's concerns not escalated?", "");
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(Has(s.message(), "why"));
  CHECK(r.scr->EditKeyQuestion(q, "", "Dropped").code() == Status::Code::kInvalidArgument);
  CHECK(First(r.replica->document(), "key_question")->Str("question") ==
        "Why was the referral of March 2023 closed?");
  CHECK(r.scr->EditKeyQuestion("no-such-id", "x", "y").code() == Status::Code::kNotFound);

  REQUIRE(r.scr
              ->EditKeyQuestion(q, "Why were the health visitor's concerns not escalated?",
                                "The lead reviewer widened the question to all concerns")
              .ok());
  auto history = r.scr->KeyQuestionHistory(q);
  REQUIRE_MESSAGE(history.ok(), history.status().ToString());
  REQUIRE(history->size() == 2);
  CHECK((*history)[0]["question"] == "Why was the referral of March 2023 closed?");
  CHECK((*history)[0]["reason"] == "Raised at the first panel meeting");
  CHECK((*history)[1]["question"] == "Why were the health visitor's concerns not escalated?");
  CHECK((*history)[1]["reason"] == "The lead reviewer widened the question to all concerns");

  // A change of status is not a change of wording.
  r.Update(q, {{"status", "answered"}});
  // A third wording, with the same reason as the last: still its own entry.
  REQUIRE(r.scr
              ->EditKeyQuestion(q, "Why were the health visitor's concerns not escalated by the GP?",
                                "The lead reviewer widened the question to all concerns")
              .ok());
  history = r.scr->KeyQuestionHistory(q);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 3);
  CHECK((*history)[2]["question"] == "Why were the health visitor's concerns not escalated by the GP?");
  CHECK((*history)[2]["reason"] == "The lead reviewer widened the question to all concerns");

  std::string not_a_question = r.Add("finding", {{"title", "Information sharing"}});
  CHECK(r.scr->KeyQuestionHistory(not_a_question).status().code() == Status::Code::kNotFound);
}

// Every route that changes a key question's wording ('scr update' included)
// needs a reason in the same change (guidance section 5).
TEST_CASE("a key question's wording cannot be changed without a reason by a plain update") {
  Review r;
  std::string q =
      r.Add("key_question", {{"question", "Why was the case closed?"}, {"reason", "First panel meeting"}});
  auto s = r.scr->UpdateRecord(q, {{"question", "Why was the case closed in March?"}});
  CHECK(s.code() == Status::Code::kInvalidArgument);
  auto history = r.scr->KeyQuestionHistory(q);
  REQUIRE(history.ok());
  for (const auto& h : *history) CHECK_MESSAGE(h["reason"].is_string(), h.dump());
}

// ---- Escalation (section 4, "Agency involvement and commitment").

TEST_CASE("escalation: four steps up the ladder, then no further; none once the agency replies") {
  Review r;
  std::string police = r.Add("agency", {{"name", "Northshire Police"}});
  std::string request = r.Add("info_request", {{"agency", police},
                                               {"request", "Agency chronology and report"},
                                               {"in_writing", true},
                                               {"requested_on", "2024-03-01"},
                                               {"due_on", "2024-03-15"}});
  // Not yet due: no warning.
  auto st = r.Status("2024-03-14");
  const DeadlineStatus* due = nullptr;
  for (const auto& d : st.deadlines)
    if (d.id == "request" && d.record == request) due = &d;
  REQUIRE(due);
  CHECK(due->name == "Information from Northshire Police");
  CHECK(due->state != DeadlineState::kOverdue);
  CHECK_FALSE(AnyWarning(st, "escalation"));

  // Overdue: the warning names the next step of the ladder.
  st = r.Status("2024-03-18");
  CHECK(AnyWarning(st, "Information from Northshire Police is overdue"));
  CHECK(AnyWarning(st, "escalation step 1 (" + EscalationSteps()[0] + ")"));

  CHECK(r.scr->Escalate(request, "").status().code() == Status::Code::kInvalidArgument);
  for (int step = 1; step <= 4; ++step) {
    CAPTURE(step);
    auto got = r.scr->Escalate(request, "Step " + std::to_string(step) + " taken");
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    CHECK(*got == step);
    auto rec = FindRecord(r.replica->document(), request);
    REQUIRE(rec);
    CHECK(*rec->Get("escalation") == step);
    CHECK(Has(rec->Str("escalation_note"), EscalationSteps()[static_cast<size_t>(step - 1)]));
    st = r.Status("2024-03-18");
    if (step < 4)
      CHECK(AnyWarning(st, "escalation step " + std::to_string(step + 1) + " (" +
                               EscalationSteps()[static_cast<size_t>(step)] + ")"));
  }
  auto beyond = r.scr->Escalate(request, "Once more");
  CHECK(beyond.status().code() == Status::Code::kInvalidArgument);
  CHECK(Has(beyond.status().message(), "last step"));
  CHECK(*FindRecord(r.replica->document(), request)->Get("escalation") == 4);
  // The step is 0..4 however it is written.
  CHECK(r.scr->UpdateRecord(request, {{"escalation", 5}}).code() == Status::Code::kInvalidArgument);

  // An agency that has replied is not escalated.
  std::string health = r.Add("agency", {{"name", "Health"}});
  std::string answered = r.Add("info_request", {{"agency", health},
                                                {"request", "GP records"},
                                                {"requested_on", "2024-03-01"},
                                                {"due_on", "2024-03-15"},
                                                {"received_on", "2024-03-20"}});
  auto replied = r.scr->Escalate(answered, "Chased");
  CHECK(replied.status().code() == Status::Code::kInvalidArgument);
  CHECK(Has(replied.status().message(), "already replied"));
  CHECK_FALSE(AnyWarning(r.Status("2024-03-25"), "Information from Health is overdue"));
  CHECK(r.scr->Escalate(police, "not a request").status().code() == Status::Code::kNotFound);
}

// ---- The multi-agency chronology.

TEST_CASE("chronology: agencies' entries merged by date then time, filtered, with clear errors") {
  Review r;
  auto entry = [&](const char* agency, const char* date, const char* time, const char* event,
                   const char* significance, const char* source = "case file") {
    Fields f = {{"agency", agency},
                {"date", date},
                {"event", event},
                {"significance", significance},
                {"source", source}};
    if (*time) f["time"] = time;
    return r.Add("chronology_entry", f);
  };
  std::string e1 = entry("Police", "2023-03-02", "14:30", "Domestic abuse call-out", "key", "incident log");
  std::string e2 = entry("Health", "2023-03-02", "09:15", "Health visitor home visit", "notable");
  std::string e3 = entry("Children's social care", "2023-01-10", "", "Referral received", "routine");
  std::string e4 = entry("Health", "2023-03-02", "", "GP letter filed", "routine", "GP record");
  std::string e5 = entry("Education", "2023-06-20", "08:50", "Absent from school, no contact", "notable");

  auto all = Chronology(r.replica->document());
  REQUIRE_MESSAGE(all.ok(), all.status().ToString());
  std::vector<std::string> order;
  for (const auto& row : *all) order.push_back(row.id);
  CHECK(order == std::vector<std::string>{e3, e4, e2, e1, e5});
  CHECK((*all)[2].time == "09:15");
  CHECK((*all)[2].agency == "Health");

  auto desc = Chronology(r.replica->document(), {}, ChronologySort::kDate, true);
  REQUIRE(desc.ok());
  CHECK(desc->front().id == e5);
  CHECK(desc->back().id == e3);

  ChronologyFilter by_agency;
  by_agency.agencies = {"health", "POLICE"};
  auto rows = Chronology(r.replica->document(), by_agency);
  REQUIRE(rows.ok());
  CHECK(rows->size() == 3);
  for (const auto& row : *rows) CHECK((row.agency == "Health" || row.agency == "Police"));

  ChronologyFilter range;
  range.from = "2023-03-02";
  range.to = "2023-03-02";
  rows = Chronology(r.replica->document(), range);
  REQUIRE(rows.ok());
  CHECK(rows->size() == 3);
  range.from = "2023-03-03";
  range.to = "";
  rows = Chronology(r.replica->document(), range);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().id == e5);

  ChronologyFilter notable;
  notable.min_significance = "notable";
  rows = Chronology(r.replica->document(), notable);
  REQUIRE(rows.ok());
  CHECK(rows->size() == 3);
  notable.min_significance = "key";
  rows = Chronology(r.replica->document(), notable);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().id == e1);

  ChronologyFilter text;
  text.text = "HOME VISIT";
  rows = Chronology(r.replica->document(), text);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().id == e2);
  text.text = "gp record";  // the source counts too
  rows = Chronology(r.replica->document(), text);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().id == e4);

  ChronologyFilter bad;
  bad.min_significance = "urgent";
  auto err = Chronology(r.replica->document(), bad);
  REQUIRE_FALSE(err.ok());
  CHECK(err.status().code() == Status::Code::kInvalidArgument);
  CHECK(Has(err.status().message(), "urgent"));
  for (const char* date : {"2023-02-30", "2023/03/02", "March 2023", "2023-3-2"}) {
    CAPTURE(date);
    ChronologyFilter bad_date;
    bad_date.from = date;
    err = Chronology(r.replica->document(), bad_date);
    REQUIRE_FALSE(err.ok());
    CHECK(Has(err.status().message(), "YYYY-MM-DD"));
    CHECK(Has(err.status().message(), date));
    ChronologyFilter bad_to;
    bad_to.to = date;
    CHECK_FALSE(Chronology(r.replica->document(), bad_to).ok());
  }

  // Times are HH:MM on the 24-hour clock.
  for (const char* time : {"25:00", "24:00", "9:15", "12:60", "noon"}) {
    CAPTURE(time);
    auto refused = r.scr->AddRecord(
        "chronology_entry", {{"agency", "Police"}, {"date", "2023-03-02"}, {"time", time}, {"event", "x"}});
    CHECK(refused.status().code() == Status::Code::kInvalidArgument);
    CHECK(Has(refused.status().message(), "HH:MM"));
  }
  CHECK(r.scr->UpdateRecord(e1, {{"time", "25:00"}}).code() == Status::Code::kInvalidArgument);
  CHECK(r.scr
            ->AddRecord("chronology_entry",
                        {{"agency", "Police"}, {"date", "2023-03-02"}, {"time", "23:59"}, {"event", "x"}})
            .ok());
  // An entry needs its date, agency and event.
  CHECK_FALSE(r.scr->AddRecord("chronology_entry", {{"agency", "Police"}, {"event", "x"}}).ok());
  CHECK_FALSE(r.scr->AddRecord("chronology_entry", {{"date", "2023-03-02"}, {"event", "x"}}).ok());
}

// ---- Frameworks as data (FRAMEWORKS.md: "design so a framework is data").

TEST_CASE("every built-in framework document parses and matches the statutory timescales") {
  REQUIRE(BuiltinFrameworkDocuments().size() == 2);
  for (const auto& doc : BuiltinFrameworkDocuments()) {
    auto f = ParseFramework(doc);
    REQUIRE_MESSAGE(f.ok(), f.status().ToString());
    CHECK(FindFramework(f->id) != nullptr);
    CHECK(f->stages.size() == FindFramework(f->id)->stages.size());
    CHECK(f->StageIndex("decision") >= 0);
    CHECK(f->StageIndex("learning") == static_cast<int>(f->stages.size()) - 1);
  }
  const Framework* scr = FindFramework("scr-wt2015");
  REQUIRE(scr);
  REQUIRE(scr->deadlines.size() == 2);
  CHECK(scr->deadlines[0].id == "notify");
  CHECK(scr->deadlines[0].working_days == 5);
  CHECK(scr->deadlines[0].from_type == "chair_decision");
  CHECK(scr->deadlines[1].months == 6);
  const Framework* lcspr = FindFramework("lcspr-wt2018");
  REQUIRE(lcspr);
  REQUIRE(lcspr->deadlines.size() == 3);
  CHECK(lcspr->deadlines[0].from_type == "referral");
  CHECK(lcspr->deadlines[0].from_field == "aware_on");
  CHECK(lcspr->deadlines[0].working_days == 5);
  CHECK(lcspr->deadlines[1].from_type == "notification");
  CHECK(lcspr->deadlines[1].working_days == 15);
  CHECK(FindFramework("scr-wales") == nullptr);
}

TEST_CASE("a framework document with unknown or contradictory parts is refused, naming the part") {
  auto base = [] {
    return json{
        {"id", "test"},
        {"name", "Test framework"},
        {"stages",
         {{{"id", "one"},
           {"name", "One"},
           {"gate", {{{"kind", "field"}, {"type", "referral"}, {"field", "rationale"}, {"label", "why"}}}}}}},
        {"deadlines",
         {{{"id", "notify"},
           {"name", "Notify"},
           {"from_type", "referral"},
           {"from_field", "aware_on"},
           {"working_days", 5},
           {"done_type", "notification"},
           {"done_field", "sent_on"}}}}};
  };
  auto ok = ParseFramework(base());
  REQUIRE_MESSAGE(ok.ok(), ok.status().ToString());
  CHECK(ok->stages.size() == 1);
  CHECK(ok->deadlines.size() == 1);

  auto refused = [](const json& doc, const std::string& part) {
    auto f = ParseFramework(doc);
    REQUIRE_FALSE(f.ok());
    CHECK(f.status().code() == Status::Code::kInvalidArgument);
    CHECK_MESSAGE(Has(f.status().message(), part), f.status().message());
  };
  json doc = base();
  doc["stages"][0]["gate"][0]["type"] = "referal";
  refused(doc, "unknown record type 'referal'");
  doc = base();
  doc["stages"][0]["gate"][0]["field"] = "reasons";
  refused(doc, "no field 'reasons'");
  doc = base();
  doc["stages"][0]["gate"][0] = {{"kind", "rule"}, {"rule", "all_fine"}, {"label", "x"}};
  refused(doc, "unknown rule 'all_fine'");
  doc = base();
  doc["stages"][0]["gate"][0] = {{"kind", "checklist"}, {"checklist", "shopping"}, {"label", "x"}};
  refused(doc, "unknown checklist 'shopping'");
  doc = base();
  doc["stages"][0]["gate"][0]["kind"] = "vibe";
  refused(doc, "unknown requirement kind 'vibe'");
  doc = base();
  doc["stages"][0]["gate"][0] = {{"kind", "field"},
                                 {"type", "chair_decision"},
                                 {"field", "outcome"},
                                 {"values", {"maybe"}},
                                 {"label", "x"}};
  CHECK_FALSE(ParseFramework(doc).ok());
  doc = base();
  doc["stages"].push_back(doc["stages"][0]);
  refused(doc, "used twice");
  doc = base();
  doc["stages"] = json::array();
  refused(doc, "stages");
  doc = base();
  doc["deadlines"][0]["months"] = 6;
  refused(doc, "either");
  doc = base();
  doc["deadlines"][0].erase("working_days");
  refused(doc, "either");
  doc = base();
  doc["deadlines"][0]["working_days"] = -5;
  refused(doc, "working_days");
  doc = base();
  doc["deadlines"][0]["from_field"] = "rationale";
  refused(doc, "not a date");
  doc = base();
  doc["deadlines"][0]["done_type"] = "notifcation";
  refused(doc, "unknown record type 'notifcation'");
  doc = base();
  doc["deadlines"][0]["when_field"] = "colour";
  refused(doc, "no field 'colour'");
  CHECK_FALSE(ParseFramework(json::array()).ok());
  doc = base();
  doc.erase("name");
  refused(doc, "name");
}

// ---- One-of-a-kind records made twice (records.h, workflow.h).

TEST_CASE("two referrals recorded: the workflow warns, and reads the earlier") {
  Review r;
  std::string first = r.Add("referral", FullReferral());
  Fields other = FullReferral();
  other["referrer"] = "PC Dawson";
  r.Add("referral", other);
  auto st = r.Status("2024-01-08");
  CHECK(AnyWarning(st, "2 'referral' records exist"));
  auto f = First(r.replica->document(), "referral");
  REQUIRE(f);
  CHECK(f->id == first);
  CHECK(f->Str("referrer") == "Dr R. Patel");
}

TEST_CASE("two devices each record the referral offline: both see the same two, and the warning") {
  TempDir d2;
  Review a;
  auto v2 = CreateVault(d2.str());
  auto id2 = v2->Identity();
  REQUIRE(id2.ok());
  REQUIRE(a.replica->AddMember(*id2, crdt::Role::kEditor, {"general"}).ok());
  auto joined = Replica::OpenOrJoin(*v2, a.replica->id(), ScrReplicaOptions());
  REQUIRE_MESSAGE(joined.ok(), joined.status().ToString());
  std::unique_ptr<Replica> b = std::move(*joined);
  REQUIRE(b->ReceiveAll(AllChanges(*a.replica)).ok());
  ScrReview scr_b(*b);
  CHECK(scr_b.Status(Cal(), D("2024-01-08"))->stage == "referral");

  // Offline on both: each sees no referral, so SetRecord creates one.
  a.Set("referral", FullReferral());
  Fields other = FullReferral();
  other["referrer"] = "PC Dawson";
  auto made = scr_b.SetRecord("referral", other);
  REQUIRE_MESSAGE(made.ok(), made.status().ToString());
  CHECK(scr_b.Status(Cal(), D("2024-01-08"))->warnings.empty());

  REQUIRE(b->ReceiveAll(AllChanges(*a.replica)).ok());
  REQUIRE(a.replica->ReceiveAll(AllChanges(*b)).ok());
  CHECK(a.replica->StateHashHex() == b->StateHashHex());
  auto st_a = a.Status("2024-01-08");
  auto st_b = scr_b.Status(Cal(), D("2024-01-08"));
  REQUIRE(st_b.ok());
  CHECK(AnyWarning(st_a, "2 'referral' records exist"));
  CHECK(AnyWarning(*st_b, "2 'referral' records exist"));
  // Both read the same one.
  CHECK(First(a.replica->document(), "referral")->id == First(b->document(), "referral")->id);
  CHECK(st_a.ToJson() == st_b->ToJson());
}

TEST_CASE("publication plan: at least 12 months online, and a decision not to publish needs its reasons") {
  Review r;
  std::string plan =
      r.Set("publication_plan",
            {{"decision", "publish"}, {"publish_on", "2025-03-10"}, {"online_until", "2026-03-09"}});
  CHECK(AnyWarning(r.Status("2025-03-10"), "at least 12 months from publication (2026-03-10)"));
  REQUIRE(r.scr->UpdateRecord(plan, {{"online_until", "2026-03-10"}}).ok());
  CHECK_FALSE(AnyWarning(r.Status("2025-03-10"), "12 months"));

  REQUIRE(r.scr->UpdateRecord(plan, {{"decision", "not_publish"}}).ok());
  CHECK(AnyWarning(r.Status("2025-03-10"), "A decision not to publish needs its reasons"));
  REQUIRE(r.scr->UpdateRecord(plan, {{"reasons", "Publication would put a sibling at risk."}}).ok());
  CHECK_FALSE(AnyWarning(r.Status("2025-03-10"), "not to publish"));
}
