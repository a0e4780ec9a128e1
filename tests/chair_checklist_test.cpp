// The independent chair's checklist (Appendix 1), the notification categories
// (section 3) and the panel process (Appendix 2) of the East of England guide,
// exercised with the guide's own case studies (Appendix 3).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "caseboard/domain/chair_checklist.h"

using namespace caseboard::domain;
using caseboard::Status;

namespace {

bool AnyReasonContains(const ChairDecision& d, const std::string& needle) {
  for (const auto& r : d.reasons) {
    if (r.find(needle) != std::string::npos) return true;
  }
  return false;
}

ChairDecision Evaluate(const ChairChecklistInput& in) {
  auto r = EvaluateChairChecklist(in);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r.value();
}

PeerConsultation Peer(PeerDecision decision) {
  return {"2015-09-14", "Jane Peer (Anyshire LSCB)", decision,
          "The psychological harm is likely to be enduring; learning about school recruitment checks."};
}

}  // namespace

TEST_CASE("notification categories: 4 must-notify, 3 always-review deaths, 7 for serious consideration") {
  int must = 0, always = 0, consider = 0;
  std::set<std::string_view> ids;
  for (const auto& c : NotificationCategories()) {
    CHECK(ids.insert(c.id).second);  // ids are unique: referral records store them
    CHECK_FALSE(c.text.empty());
    switch (c.group) {
      case NotificationGroup::kMustNotify:
        ++must;
        break;
      case NotificationGroup::kAlwaysReview:
        ++always;
        CHECK(c.child_died);
        break;
      case NotificationGroup::kSeriousConsideration:
        ++consider;
        break;
    }
  }
  CHECK(must == 4);
  CHECK(always == 3);
  CHECK(consider == 7);

  const NotificationCategory* lac = FindNotificationCategory(kNotifyLookedAfterChildDied);
  REQUIRE(lac != nullptr);
  CHECK(lac->number == 3);
  CHECK(lac->text.find("not known or suspected") != std::string_view::npos);
  const NotificationCategory* custody = FindNotificationCategory(kAlwaysDiedInCustody);
  REQUIRE(custody != nullptr);
  CHECK(custody->text.find("secure children's home") != std::string_view::npos);
  const NotificationCategory* absent = FindNotificationCategory("consider.died_while_absent");
  REQUIRE(absent != nullptr);
  CHECK(absent->group == NotificationGroup::kSeriousConsideration);
  CHECK(absent->number == 2);
  CHECK(FindNotificationCategory("notify.nonsense") == nullptr);
}

TEST_CASE("Appendix 1 questions 1-11 are available as data for the UI") {
  const auto& qs = ChairChecklistQuestions();
  int commissioning = 0;
  for (const auto& q : qs) {
    if (q.part == ChecklistPart::kCommissioning) {
      ++commissioning;
      CHECK(q.number >= 5);
      CHECK(q.number <= 11);
    }
  }
  CHECK(commissioning == 7);
  const ChecklistQuestion* q9 = FindChecklistQuestion("q9");
  REQUIRE(q9 != nullptr);
  CHECK(q9->text.find("finance") != std::string_view::npos);
  const ChecklistQuestion* q11 = FindChecklistQuestion("q11");
  REQUIRE(q11 != nullptr);
  CHECK(q11->text.find("media strategy") != std::string_view::npos);
  CHECK(q11->prompts.size() == 4);
  CHECK(FindChecklistQuestion("q4a")->part == ChecklistPart::kProportionate);
  CHECK(FindChecklistQuestion("q12") == nullptr);
}

TEST_CASE("case study 3: a baby died and the mother and grandmother were charged with neglect") {
  ChairChecklistInput in;
  in.child_died = Answer::kYes;
  in.abuse_or_neglect = Answer::kYes;
  ChairDecision d = Evaluate(in);
  CHECK(d.verdict == Verdict::kMustCommission);
  CHECK(std::string(VerdictName(d.verdict)) == "must_commission");
  CHECK(d.unanswered.empty());
  CHECK(AnyReasonContains(d, "Appendix 1, questions 1 and 2"));
  CHECK(AnyReasonContains(d, "five working days"));
  // Question 3 does not matter once a child has died.
  in.serious_harm = Answer::kNo;
  CHECK(Evaluate(in).verdict == Verdict::kMustCommission);
}

TEST_CASE("case study 2: a pupil seriously harmed by sexual abuse by a school employee") {
  ChairChecklistInput in;
  in.child_died = Answer::kNo;
  in.abuse_or_neglect = Answer::kYes;
  in.serious_harm = Answer::kYes;
  ChairDecision d = Evaluate(in);
  CHECK(d.verdict == Verdict::kMustCommission);
  CHECK(AnyReasonContains(d, "question 3"));
}

TEST_CASE("unsure whether the harm is serious: consult a peer independent chair") {
  ChairChecklistInput in;
  in.child_died = Answer::kNo;
  in.abuse_or_neglect = Answer::kYes;
  in.serious_harm = Answer::kUnsure;
  ChairDecision d = Evaluate(in);
  CHECK(d.verdict == Verdict::kConsultPeerChair);
  CHECK(AnyReasonContains(d, "peer independent chair"));
  CHECK(AnyReasonContains(d, "psychological harm"));

  SUBCASE("the recorded peer decision to proceed commissions the SCR") {
    in.peer_consultation = Peer(PeerDecision::kProceed);
    ChairDecision after = Evaluate(in);
    CHECK(after.verdict == Verdict::kMustCommission);
    CHECK(AnyReasonContains(after, "Jane Peer"));
    CHECK(AnyReasonContains(after, "2015-09-14"));
  }
  SUBCASE("the recorded peer decision not to proceed means the criteria are not met") {
    in.peer_consultation = Peer(PeerDecision::kDoNotProceed);
    ChairDecision after = Evaluate(in);
    CHECK(after.verdict == Verdict::kCriteriaNotMet);
    CHECK(AnyReasonContains(after, "National Panel"));  // the letter goes to the National Panel
  }
}

TEST_CASE("a peer decision not to proceed does not override answers that require an SCR") {
  ChairChecklistInput in;
  in.child_died = Answer::kYes;
  in.abuse_or_neglect = Answer::kYes;
  in.peer_consultation = Peer(PeerDecision::kDoNotProceed);
  ChairDecision d = Evaluate(in);
  CHECK(d.verdict == Verdict::kMustCommission);
  CHECK(AnyReasonContains(d, "revisit the answers or the consultation"));
}

TEST_CASE("a peer consultation missing its date, peer chair or rationale is refused") {
  ChairChecklistInput in;
  in.child_died = Answer::kNo;
  in.abuse_or_neglect = Answer::kYes;
  in.serious_harm = Answer::kUnsure;
  PeerConsultation p = Peer(PeerDecision::kProceed);

  SUBCASE("no rationale") { p.rationale = "  "; }
  SUBCASE("no peer chair") { p.peer_chair = ""; }
  SUBCASE("a date that is not YYYY-MM-DD") { p.date = "14/09/2015"; }
  SUBCASE("month 13") { p.date = "2015-13-01"; }
  in.peer_consultation = p;
  auto r = EvaluateChairChecklist(in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK(r.status().message().find("peer") != std::string::npos);
}

TEST_CASE("unsure whether abuse or neglect is suspected: the s47 question, then a peer review") {
  ChairChecklistInput in;
  in.child_died = Answer::kYes;
  in.abuse_or_neglect = Answer::kUnsure;
  ChairDecision d = Evaluate(in);
  CHECK(d.verdict == Verdict::kConsultPeerChair);
  CHECK(AnyReasonContains(d, "reasonable cause to suspect"));
  CHECK(AnyReasonContains(d, "child protection investigation"));
}

TEST_CASE("criteria not met") {
  SUBCASE("a child died but abuse or neglect is neither known nor suspected") {
    ChairChecklistInput in;
    in.child_died = Answer::kYes;
    in.abuse_or_neglect = Answer::kNo;
    ChairDecision d = Evaluate(in);
    CHECK(d.verdict == Verdict::kCriteriaNotMet);
    CHECK(AnyReasonContains(d, "write to the referrer"));
    CHECK(AnyReasonContains(d, "another kind of review"));
  }
  SUBCASE("abuse suspected but no death and the harm is not serious") {
    ChairChecklistInput in;
    in.child_died = Answer::kNo;
    in.abuse_or_neglect = Answer::kYes;
    in.serious_harm = Answer::kNo;
    ChairDecision d = Evaluate(in);
    CHECK(d.verdict == Verdict::kCriteriaNotMet);
    CHECK(AnyReasonContains(d, "recovery does not mean serious harm did not occur"));
  }
  SUBCASE("with abuse ruled out, the other answers do not matter") {
    ChairChecklistInput in;
    in.abuse_or_neglect = Answer::kNo;
    ChairDecision d = Evaluate(in);
    CHECK(d.verdict == Verdict::kCriteriaNotMet);
    CHECK(d.unanswered.empty());
  }
}

TEST_CASE("incomplete: lists only the unanswered questions the verdict depends on") {
  SUBCASE("nothing answered") {
    ChairDecision d = Evaluate({});
    CHECK(d.verdict == Verdict::kIncomplete);
    CHECK(d.unanswered == std::vector<std::string>{"q2", "q1", "q3"});
  }
  SUBCASE("abuse suspected, no death, harm not yet assessed") {
    ChairChecklistInput in;
    in.child_died = Answer::kNo;
    in.abuse_or_neglect = Answer::kYes;
    ChairDecision d = Evaluate(in);
    CHECK(d.verdict == Verdict::kIncomplete);
    CHECK(d.unanswered == std::vector<std::string>{"q3"});
    CHECK(AnyReasonContains(d, "Question 3 is not answered yet"));
  }
  SUBCASE("a child died, abuse not yet considered: question 3 is not needed") {
    ChairChecklistInput in;
    in.child_died = Answer::kYes;
    ChairDecision d = Evaluate(in);
    CHECK(d.verdict == Verdict::kIncomplete);
    CHECK(d.unanswered == std::vector<std::string>{"q2"});
  }
  SUBCASE("serious harm established: whether a child died no longer matters") {
    ChairChecklistInput in;
    in.serious_harm = Answer::kYes;
    ChairDecision d = Evaluate(in);
    CHECK(d.verdict == Verdict::kIncomplete);
    CHECK(d.unanswered == std::vector<std::string>{"q2"});
  }
  SUBCASE("an unanswered question outranks an unsure one: the answer may settle it") {
    ChairChecklistInput in;
    in.abuse_or_neglect = Answer::kUnsure;
    in.serious_harm = Answer::kNo;
    ChairDecision d = Evaluate(in);
    CHECK(d.verdict == Verdict::kIncomplete);
    CHECK(d.unanswered == std::vector<std::string>{"q1"});
  }
}

TEST_CASE("deaths in custody or detention always lead to an SCR, even without abuse or neglect") {
  for (std::string_view id :
       {kAlwaysDiedInCustody, kAlwaysDetainedMentalHealthAct, kAlwaysDeprivationOfLiberty}) {
    CAPTURE(id);
    ChairChecklistInput in;
    in.abuse_or_neglect = Answer::kNo;
    in.notification_ids = {std::string(id)};
    ChairDecision d = Evaluate(in);
    CHECK(d.verdict == Verdict::kMustCommission);
    CHECK(AnyReasonContains(d, "should always be carried out"));
    CHECK(AnyReasonContains(d, "Question 1 is taken as yes"));
  }
}

TEST_CASE("a looked after child's death must be notified but does not by itself meet the criteria") {
  ChairChecklistInput in;
  in.abuse_or_neglect = Answer::kNo;
  in.notification_ids = {std::string(kNotifyLookedAfterChildDied)};
  ChairDecision d = Evaluate(in);
  CHECK(d.verdict == Verdict::kCriteriaNotMet);
  CHECK(AnyReasonContains(d, "must be notified"));

  // With neglect suspected, the recorded death answers question 1.
  in.abuse_or_neglect = Answer::kYes;
  CHECK(Evaluate(in).verdict == Verdict::kMustCommission);
}

TEST_CASE("input that contradicts itself or names unknown categories is refused") {
  ChairChecklistInput in;
  in.child_died = Answer::kNo;
  in.notification_ids = {std::string(kAlwaysDiedInCustody)};
  auto r = EvaluateChairChecklist(in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK(r.status().message().find("question 1") != std::string::npos);

  in = {};
  in.notification_ids = {"notify.typo"};
  r = EvaluateChairChecklist(in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("notify.typo") != std::string::npos);
}

TEST_CASE("question 4: scores suggest a methodology family") {
  CHECK(SuggestMethodology(5, 2).value() == MethodologyFamily::kHybridOrInvestigative);
  CHECK(SuggestMethodology(2, 4).value() == MethodologyFamily::kHybridOrInvestigative);
  CHECK(SuggestMethodology(3, 3).value() == MethodologyFamily::kSystemsOrRootCause);
  CHECK(SuggestMethodology(1, 1).value() == MethodologyFamily::kSystemsOrRootCause);
  CHECK(std::string(MethodologyFamilyName(MethodologyFamily::kSystemsOrRootCause)) ==
        "systems learning or root cause analysis");

  auto bad = SuggestMethodology(0, 3);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Status::Code::kInvalidArgument);
  CHECK(bad.status().message().find("between 1 and 5") != std::string::npos);
  CHECK_FALSE(SuggestMethodology(3, 6).ok());
}

TEST_CASE("case study 4: seriously harmed over six years, high culpability and public interest") {
  ChairChecklistInput in;
  in.child_died = Answer::kNo;
  in.abuse_or_neglect = Answer::kYes;
  in.serious_harm = Answer::kYes;
  in.culpability_score = 5;
  in.public_interest_score = 5;
  ChairDecision d = Evaluate(in);
  CHECK(d.verdict == Verdict::kMustCommission);
  REQUIRE(d.methodology.has_value());
  CHECK(*d.methodology == MethodologyFamily::kHybridOrInvestigative);
  CHECK(AnyReasonContains(d, "hybrid or investigative"));

  in.public_interest_score = 0;  // out of range even though the decision is clear
  CHECK_FALSE(EvaluateChairChecklist(in).ok());

  in.public_interest_score.reset();  // only one score: no suggestion yet, and a prompt to score both
  d = Evaluate(in);
  CHECK_FALSE(d.methodology.has_value());
  CHECK(AnyReasonContains(d, "Score professional culpability and public interest"));
}

TEST_CASE("Appendix 2: the panel's recommendation lists the dissent") {
  std::vector<PanelView> views = {
      {"Children's social care", true, "Neglect was known to three agencies; learning on escalation."},
      {"Police", true, "Information about the grandmother's drinking was not shared."},
      {"Health", true, "Health visiting missed the safe sleeping conversation."},
      {"Education", false, "No contact beyond universal services; learning is limited."},
  };
  auto r = SummarisePanel(views);
  REQUIRE(r.ok());
  CHECK(r->for_review == 3);
  CHECK(r->against_review == 1);
  CHECK(r->majority == PanelMajority::kReview);
  REQUIRE(r->dissent.size() == 1);
  CHECK(r->dissent[0].agency == "Education");
  CHECK(r->summary.find("by a majority") != std::string::npos);
  CHECK(r->summary.find("Significant areas of disagreement") != std::string::npos);
  CHECK(r->summary.find("universal services") != std::string::npos);

  SUBCASE("unanimous: no dissent to list") {
    views.pop_back();
    auto u = SummarisePanel(views);
    REQUIRE(u.ok());
    CHECK(u->dissent.empty());
    CHECK(u->summary.find("unanimously") != std::string::npos);
    CHECK(u->summary.find("disagreement") == std::string::npos);
  }
  SUBCASE("evenly split: every view is part of the disagreement") {
    views[0].recommends_review = false;
    auto t = SummarisePanel(views);
    REQUIRE(t.ok());
    CHECK(t->majority == PanelMajority::kTied);
    CHECK(t->dissent.size() == 4);
    CHECK(t->summary.find("evenly divided") != std::string::npos);
  }
}

TEST_CASE("Appendix 2: a view without a recorded rationale is invalid") {
  std::vector<PanelView> views = {{"Police", true, "Clear learning on information sharing."},
                                  {"Health", false, "   "}};
  auto r = SummarisePanel(views);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK(r.status().message().find("Health") != std::string::npos);
  CHECK(r.status().message().find("must be recorded") != std::string::npos);

  CHECK_FALSE(SummarisePanel({}).ok());
  CHECK_FALSE(SummarisePanel({{"", true, "A rationale."}}).ok());
}

TEST_CASE("Appendix 2: the chair may accept without a reason, but rejecting or deferring needs one") {
  CHECK(CheckChairResponse({ChairOption::kAccept, ""}).ok());
  Status reject = CheckChairResponse({ChairOption::kReject, ""});
  CHECK(reject.code() == Status::Code::kInvalidArgument);
  CHECK(reject.message().find("challenge") != std::string::npos);
  CHECK_FALSE(CheckChairResponse({ChairOption::kDefer, " \n"}).ok());
  CHECK(CheckChairResponse({ChairOption::kDefer, "Awaiting the post-mortem report."}).ok());
  CHECK(CheckChairResponse({ChairOption::kReject, "The harm is serious; the panel under-weighted it."}).ok());
}
