#include "caseboard/domain/chair_checklist.h"

#include <cctype>

namespace caseboard::domain {

namespace {

bool Blank(std::string_view s) {
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool Is(const std::optional<Answer>& a, Answer want) { return a && *a == want; }

// Peer consultations are dated so the record shows the chair consulted
// before deciding; a free-text date could not be checked or sorted.
bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Status CheckScore(const char* what, int score) {
  if (score >= 1 && score <= 5) return Status::Ok();
  return Status::InvalidArgument(std::string(what) +
                                 " score must be between 1 and 5 (Appendix 1, question 4), not " +
                                 std::to_string(score));
}

Status CheckPeerConsultation(const PeerConsultation& p) {
  // Appendix 1 asks for all three: a consultation without them cannot be
  // shown to the National Panel as the basis of a decision.
  if (!IsIsoDate(p.date)) {
    return Status::InvalidArgument("the peer consultation needs its date as YYYY-MM-DD (Appendix 1), not \"" +
                                   p.date + "\"");
  }
  if (Blank(p.peer_chair)) {
    return Status::InvalidArgument(
        "the peer consultation needs the name of the peer chair consulted (Appendix 1)");
  }
  if (Blank(p.rationale)) {
    return Status::InvalidArgument("the peer consultation needs the rationale for its decision (Appendix 1)");
  }
  return Status::Ok();
}

std::string QuestionText(std::string_view id) {
  const ChecklistQuestion* q = FindChecklistQuestion(id);
  return q ? std::string(q->text) : std::string(id);
}

std::string Unanswered(std::string_view id, int number) {
  return "Question " + std::to_string(number) + " is not answered yet: \"" + QuestionText(id) +
         "\" (Appendix 1).";
}

std::string PeerSummary(const PeerConsultation& p) {
  return "peer independent chair " + p.peer_chair + " was consulted on " + p.date + " and the decision was " +
         (p.decision == PeerDecision::kProceed ? "to proceed" : "not to proceed") + ": " + p.rationale;
}

}  // namespace

// ---------------------------------------------------------------- notification

const char* NotificationGroupName(NotificationGroup g) {
  switch (g) {
    case NotificationGroup::kMustNotify:
      return "must notify";
    case NotificationGroup::kAlwaysReview:
      return "SCR always carried out";
    case NotificationGroup::kSeriousConsideration:
      return "serious consideration to notifying";
  }
  return "unknown";
}

const std::vector<NotificationCategory>& NotificationCategories() {
  using G = NotificationGroup;
  static const std::vector<NotificationCategory> kCategories = {
      {kNotifyChildDied, G::kMustNotify, 1,
       "A child has died (including death by suicide) and abuse or neglect is known or suspected.", true},
      {kNotifySeriouslyHarmed, G::kMustNotify, 2,
       "A child has been seriously harmed and abuse or neglect is known or suspected.", false},
      {kNotifyLookedAfterChildDied, G::kMustNotify, 3,
       "A looked after child has died (including cases where abuse or neglect is not known or suspected).",
       true},
      {kNotifyRegulatedSettingDeath, G::kMustNotify, 4,
       "A child in a regulated setting or service has died (including cases where abuse or neglect is not "
       "known or suspected).",
       true},
      {kAlwaysDiedInCustody, G::kAlwaysReview, 1,
       "A child died in custody: in police custody, on remand or following sentencing, in a Young Offender "
       "Institution, in a secure training centre or in a secure children's home.",
       true},
      {kAlwaysDetainedMentalHealthAct, G::kAlwaysReview, 2,
       "A child died who was detained under the Mental Health Act 1983.", true},
      {kAlwaysDeprivationOfLiberty, G::kAlwaysReview, 3,
       "A child aged 16 or 17 died who was the subject of a deprivation of liberty order under the Mental "
       "Capacity Act 2005.",
       true},
      {"consider.risk_not_recognised_shared_or_acted_on", G::kSeriousConsideration, 1,
       "There was clear evidence of a risk of significant harm to a child that was not recognised by "
       "organisations or individuals in contact with the child or perpetrator, not shared with others, or "
       "not acted on appropriately.",
       false},
      {"consider.died_while_absent", G::kSeriousConsideration, 2,
       "A child died while absent from or having run away from home or other care setting.", true},
      {"consider.concerns_not_taken_seriously", G::kSeriousConsideration, 3,
       "One or more professionals consider that their concerns were not taken sufficiently seriously, or "
       "acted on appropriately, by another.",
       false},
      {"consider.procedural_failings", G::kSeriousConsideration, 4,
       "The case indicates that there may be failings in one or more aspects of the local operation of "
       "formal safeguarding children procedures, which go beyond the handling of the specific case.",
       false},
      {"consider.child_protection_plan", G::kSeriousConsideration, 5,
       "The child was the subject of a child protection plan, or had previously been the subject of a plan "
       "or on the child protection register.",
       false},
      {"consider.protocols_need_change", G::kSeriousConsideration, 6,
       "The case suggests that the LSCB may need to change its local protocols or procedures, or that "
       "protocols and procedures are not adequately understood or acted on.",
       false},
      {"consider.national_or_public_interest", G::kSeriousConsideration, 7,
       "There are indications that the circumstances of the case may have national implications for systems "
       "or processes, or there are significant public interest or community issues.",
       false},
  };
  return kCategories;
}

const NotificationCategory* FindNotificationCategory(std::string_view id) {
  for (const auto& c : NotificationCategories()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

// ---------------------------------------------------------------- Appendix 1 data

const std::vector<ChecklistQuestion>& ChairChecklistQuestions() {
  using P = ChecklistPart;
  static const std::vector<ChecklistQuestion> kQuestions = {
      {"q1", 1, P::kDecision, "In relation to the incident referred: has a child or children died?", {}},
      {"q2",
       2,
       P::kDecision,
       "Is there evidence or suspicion of abuse or neglect?",
       {"Are there any factors present that would indicate risks to the child concerned or increased "
        "vulnerability? If so, what are they?"}},
      {"q3",
       3,
       P::kDecision,
       "Is the harm 'serious', that is, it has/had an enduring and/or significant impact on the child and "
       "their past, current or future life chances?",
       {}},
      {"q4a",
       4,
       P::kProportionate,
       "On a scale of 1 to 5, with 5 being high, what is the likelihood of there being potential "
       "professional culpability in terms of actual harm or failure to safeguard?",
       {}},
      {"q4b",
       4,
       P::kProportionate,
       "On a scale of 1 to 5, with 5 being high, what is the level of public interest in the case now, or "
       "likely to be in the future when these events are in the public domain?",
       {}},
      {"q5",
       5,
       P::kCommissioning,
       "What methodology is likely to be most helpful in identifying learning?",
       {"Who will be most important to engage in the review?"}},
      {"q6",
       6,
       P::kCommissioning,
       "What governance will be in place - will there be an SCR Panel? If so, who will chair it?",
       {"Who will quality assure the process?"}},
      {"q7",
       7,
       P::kCommissioning,
       "Are there any other review or legal processes in place that might impact on this review? If so, what "
       "and how?",
       {}},
      {"q8",
       8,
       P::kCommissioning,
       "What qualities and experience should the lead reviewer/s have for this case?",
       {"Is there a need for expert advice in addition to this?"}},
      {"q9", 9, P::kCommissioning, "What finance is available/identified for the review?", {}},
      {"q10", 10, P::kCommissioning, "What is the time scale for review completion?", {}},
      {"q11",
       11,
       P::kCommissioning,
       "What is the media strategy: who will lead this?",
       {"Engagement of key agencies - who, when, how?", "Pre-meeting with local press?",
        "Joint statement to be agreed?", "Press briefing?"}},
  };
  return kQuestions;
}

const ChecklistQuestion* FindChecklistQuestion(std::string_view id) {
  for (const auto& q : ChairChecklistQuestions()) {
    if (q.id == id) return &q;
  }
  return nullptr;
}

// ---------------------------------------------------------------- Appendix 1 logic

const char* AnswerName(Answer a) {
  switch (a) {
    case Answer::kNo:
      return "no";
    case Answer::kYes:
      return "yes";
    case Answer::kUnsure:
      return "unsure";
  }
  return "unknown";
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kMustCommission:
      return "must_commission";
    case Verdict::kConsultPeerChair:
      return "consult_peer_chair";
    case Verdict::kCriteriaNotMet:
      return "criteria_not_met";
    case Verdict::kIncomplete:
      return "incomplete";
  }
  return "unknown";
}

const char* MethodologyFamilyName(MethodologyFamily m) {
  switch (m) {
    case MethodologyFamily::kHybridOrInvestigative:
      return "hybrid or investigative";
    case MethodologyFamily::kSystemsOrRootCause:
      return "systems learning or root cause analysis";
  }
  return "unknown";
}

Result<MethodologyFamily> SuggestMethodology(int culpability, int public_interest) {
  CB_RETURN_IF_ERROR(CheckScore("the professional culpability", culpability));
  CB_RETURN_IF_ERROR(CheckScore("the public interest", public_interest));
  if (culpability >= 4 || public_interest >= 4) return MethodologyFamily::kHybridOrInvestigative;
  return MethodologyFamily::kSystemsOrRootCause;
}

Result<ChairDecision> EvaluateChairChecklist(const ChairChecklistInput& in) {
  // Validate everything first, so a decision is never shown for input that
  // will be refused once corrected.
  bool always_review = false;
  bool notifiable_death = false;  // looked after, or in a regulated setting
  const NotificationCategory* death_category = nullptr;
  std::vector<const NotificationCategory*> always;
  for (const std::string& id : in.notification_ids) {
    const NotificationCategory* c = FindNotificationCategory(id);
    if (!c) return Status::InvalidArgument("unknown notification category \"" + id + "\"");
    if (c->child_died && !death_category) death_category = c;
    if (c->group == NotificationGroup::kAlwaysReview) {
      always_review = true;
      always.push_back(c);
    }
    if (c->id == kNotifyLookedAfterChildDied || c->id == kNotifyRegulatedSettingDeath)
      notifiable_death = true;
  }
  if (death_category && Is(in.child_died, Answer::kNo)) {
    return Status::InvalidArgument("question 1 says no child has died, but the referral records: \"" +
                                   std::string(death_category->text) + "\"; correct one or the other");
  }
  if (in.culpability_score)
    CB_RETURN_IF_ERROR(CheckScore("the professional culpability", *in.culpability_score));
  if (in.public_interest_score)
    CB_RETURN_IF_ERROR(CheckScore("the public interest", *in.public_interest_score));
  if (in.peer_consultation) CB_RETURN_IF_ERROR(CheckPeerConsultation(*in.peer_consultation));

  ChairDecision d;
  std::optional<Answer> died = in.child_died;
  if (death_category && !Is(died, Answer::kYes)) {
    // The referral already establishes the death; asking again would only
    // let the two records disagree.
    died = Answer::kYes;
    d.reasons.push_back("Question 1 is taken as yes because the referral records: \"" +
                        std::string(death_category->text) + "\"");
  }
  const std::optional<Answer>& abuse = in.abuse_or_neglect;
  const std::optional<Answer>& harm = in.serious_harm;
  bool decided_by_peer = false;

  if (always_review) {
    d.verdict = Verdict::kMustCommission;
    for (const NotificationCategory* c : always) {
      d.reasons.push_back(std::string(c->text) +
                          " Even if the other criteria are not met, an SCR should always be carried out in "
                          "this case (section 3, Notification of a serious incident).");
    }
  } else if (Is(abuse, Answer::kYes) && Is(died, Answer::kYes)) {
    d.verdict = Verdict::kMustCommission;
    d.reasons.push_back(
        "A child has died and abuse or neglect is known or suspected: Working Together (2015) requires an "
        "SCR, so you must commission one (section 3; Appendix 1, questions 1 and 2).");
  } else if (Is(abuse, Answer::kYes) && Is(harm, Answer::kYes)) {
    d.verdict = Verdict::kMustCommission;
    d.reasons.push_back(
        "Abuse or neglect is known or suspected and the harm is serious, with an enduring and/or significant "
        "impact on the child's life chances: you must commission an SCR (section 3; Appendix 1, question "
        "3).");
  } else if (Is(abuse, Answer::kNo)) {
    d.verdict = Verdict::kCriteriaNotMet;
    d.reasons.push_back(
        "Abuse or neglect is neither known nor suspected, so the statutory criteria for an SCR are not met "
        "(section 3; Appendix 1, question 2). The threshold is s47 \"reasonable cause to suspect\": if, "
        "given what is now known, the incident should have led to a child protection investigation, revisit "
        "this answer.");
  } else if (Is(died, Answer::kNo) && Is(harm, Answer::kNo)) {
    d.verdict = Verdict::kCriteriaNotMet;
    d.reasons.push_back(
        "No child has died and the harm is not serious, so the statutory criteria for an SCR are not met "
        "(section 3; Appendix 1, questions 1 and 3). Remember that a child's recovery does not mean serious "
        "harm did not occur, and that serious harm includes enduring psychological harm (section 3).");
  } else {
    // Undecided: an answer the verdict depends on is missing or unsure.
    // Question 1 matters only while serious harm is not established, and
    // question 3 only while no death is.
    if (!abuse) d.unanswered.push_back("q2");
    if (!died && !Is(harm, Answer::kYes)) d.unanswered.push_back("q1");
    if (!harm && !Is(died, Answer::kYes)) d.unanswered.push_back("q3");
    if (!d.unanswered.empty()) {
      d.verdict = Verdict::kIncomplete;
      for (const std::string& id : d.unanswered) {
        d.reasons.push_back(Unanswered(id, FindChecklistQuestion(id)->number));
      }
    } else if (in.peer_consultation) {
      const PeerConsultation& p = *in.peer_consultation;
      bool proceed = p.decision == PeerDecision::kProceed;
      d.verdict = proceed ? Verdict::kMustCommission : Verdict::kCriteriaNotMet;
      decided_by_peer = true;
      d.reasons.push_back("You were unsure, so " + PeerSummary(p) + " (Appendix 1).");
    } else {
      d.verdict = Verdict::kConsultPeerChair;
      if (Is(abuse, Answer::kUnsure)) {
        d.reasons.push_back(
            "You are unsure whether abuse or neglect is known or suspected. The threshold for 'suspect' is "
            "s47 \"reasonable cause to suspect\": given what we now know, should this incident have led to a "
            "child protection investigation? If still in doubt, seek legal or medical advice and a peer "
            "review from a fellow independent chair (section 3).");
      }
      if (Is(died, Answer::kUnsure) && !Is(harm, Answer::kYes)) {
        d.reasons.push_back(
            "It is not yet clear whether a child has died. If in doubt, seek advice and a peer review from a "
            "fellow independent chair (section 3).");
      }
      if (Is(harm, Answer::kUnsure) && !Is(died, Answer::kYes)) {
        d.reasons.push_back(
            "You are unsure whether the harm is serious, so you must consult a peer independent chair and "
            "record the date, the peer chair, and the decision with its rationale (Appendix 1, question 3). "
            "Consider the effect on the child, including the possibility of enduring psychological harm, not "
            "only the incident itself (section 3).");
      }
    }
  }

  if (!decided_by_peer && in.peer_consultation &&
      in.peer_consultation->decision == PeerDecision::kDoNotProceed &&
      d.verdict == Verdict::kMustCommission) {
    d.reasons.push_back(
        "A peer consultation is recorded with a decision not to proceed, but the answers recorded here mean "
        "an SCR must be commissioned; revisit the answers or the consultation.");
  }

  if (in.culpability_score && in.public_interest_score) {
    d.methodology = SuggestMethodology(*in.culpability_score, *in.public_interest_score).value();
  }

  switch (d.verdict) {
    case Verdict::kMustCommission:
      d.reasons.push_back(
          "Notify Ofsted, the DfE and the National Panel of independent experts within five working days of "
          "this decision, and aim to complete the SCR within six months of initiating it (section 3).");
      if (d.methodology) {
        d.reasons.push_back("With a professional culpability score of " +
                            std::to_string(*in.culpability_score) + " and a public interest score of " +
                            std::to_string(*in.public_interest_score) + ", consider a " +
                            MethodologyFamilyName(*d.methodology) + " methodology (Appendix 1, question 4).");
      } else {
        d.reasons.push_back(
            "Score professional culpability and public interest from 1 to 5 (Appendix 1, question 4) to get "
            "a suggested methodology for a proportionate review.");
      }
      break;
    case Verdict::kCriteriaNotMet:
      if (notifiable_death) {
        d.reasons.push_back(
            "The death of a looked after child, or of a child in a regulated setting, must be notified to "
            "the LSCB even where abuse or neglect is not suspected, but that alone does not meet the "
            "criteria for an SCR (section 3).");
      }
      d.reasons.push_back(
          "If you decide not to proceed, write to the referrer and their agency's safeguarding lead (copy to "
          "the SCR sub-committee) with full reasons; the letter also goes to the National Panel of "
          "independent experts (section 3).");
      d.reasons.push_back(
          "The board may still commission another kind of review if the case can provide valuable lessons "
          "about how organisations work together (section 3; Quality Marker 1).");
      break;
    case Verdict::kConsultPeerChair:
    case Verdict::kIncomplete:
      break;
  }
  return d;
}

// ---------------------------------------------------------------- Appendix 2

const char* PanelMajorityName(PanelMajority m) {
  switch (m) {
    case PanelMajority::kReview:
      return "review";
    case PanelMajority::kNoReview:
      return "no_review";
    case PanelMajority::kTied:
      return "tied";
  }
  return "unknown";
}

Result<PanelRecommendation> SummarisePanel(const std::vector<PanelView>& views) {
  if (views.empty()) {
    return Status::InvalidArgument(
        "the panel has recorded no views; every member gives a view with a rationale (Appendix 2, step 9)");
  }
  PanelRecommendation r;
  for (size_t i = 0; i < views.size(); ++i) {
    const PanelView& v = views[i];
    if (Blank(v.agency)) {
      return Status::InvalidArgument("panel view " + std::to_string(i + 1) +
                                     " does not say which agency it is from");
    }
    if (Blank(v.rationale)) {
      return Status::InvalidArgument(
          "the view from " + v.agency +
          " has no rationale; each member's rationale must be recorded (Appendix 2, step 9)");
    }
    (v.recommends_review ? r.for_review : r.against_review)++;
  }
  if (r.for_review > r.against_review) {
    r.majority = PanelMajority::kReview;
  } else if (r.against_review > r.for_review) {
    r.majority = PanelMajority::kNoReview;
  } else {
    r.majority = PanelMajority::kTied;
  }
  for (const PanelView& v : views) {
    bool with_majority = (r.majority == PanelMajority::kReview && v.recommends_review) ||
                         (r.majority == PanelMajority::kNoReview && !v.recommends_review);
    if (!with_majority) r.dissent.push_back(v);
  }

  std::string counts =
      std::to_string(r.for_review) + " for, " + std::to_string(r.against_review) + " against";
  switch (r.majority) {
    case PanelMajority::kReview:
      r.summary = std::string(r.dissent.empty() ? "The panel unanimously" : "The panel by a majority") +
                  " recommends that the case be reviewed (" + counts + ").";
      break;
    case PanelMajority::kNoReview:
      r.summary = std::string(r.dissent.empty() ? "The panel unanimously" : "The panel by a majority") +
                  " recommends that the case not be reviewed (" + counts + ").";
      break;
    case PanelMajority::kTied:
      r.summary = "The panel is evenly divided on whether the case should be reviewed (" + counts + ").";
      break;
  }
  if (!r.dissent.empty()) {
    r.summary += " Significant areas of disagreement:";
    for (const PanelView& v : r.dissent) {
      r.summary += " " + v.agency +
                   (v.recommends_review ? " recommends a review: " : " does not recommend a review: ") +
                   v.rationale;
      if (r.summary.back() != '.') r.summary += ".";
    }
  }
  return r;
}

const char* ChairOptionName(ChairOption o) {
  switch (o) {
    case ChairOption::kAccept:
      return "accept";
    case ChairOption::kReject:
      return "reject";
    case ChairOption::kDefer:
      return "defer";
  }
  return "unknown";
}

Status CheckChairResponse(const ChairResponse& r) {
  if (r.option == ChairOption::kReject && Blank(r.reason)) {
    return Status::InvalidArgument(
        "rejecting the panel's recommendation needs a reason: the basis of any challenge from the "
        "Independent Chair will be made clear (Appendix 2, step 12)");
  }
  if (r.option == ChairOption::kDefer && Blank(r.reason)) {
    return Status::InvalidArgument(
        "deferring a decision needs a reason: say what further information is awaited (Appendix 2, step 12)");
  }
  return Status::Ok();
}

}  // namespace caseboard::domain
