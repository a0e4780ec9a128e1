// The LSCB independent chair's decision on whether to commission a Serious
// Case Review (SCR), as set out in the East of England guide "Local
// Commissioning of Serious Case Reviews" (2015):
//   - section 3, the criteria and the notification categories;
//   - Appendix 1, the checklist for LSCB independent chairs;
//   - Appendix 2, the panel's recommendation and the chair's response.
//
// Everything here is pure: it takes what the chair has recorded and says what
// the guidance makes of it, with reasons a person can read back to a family or
// to the National Panel. The decision itself stays the chair's; a verdict of
// kConsultPeerChair or kIncomplete is the tool declining to guess.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseboard/status.h"

namespace caseboard::domain {

// ---- Notification categories (section 3, "Notification of a serious incident")

enum class NotificationGroup {
  kMustNotify,            // the local authority must notify the LSCB (4 categories)
  kAlwaysReview,          // a death where an SCR should always be carried out
  kSeriousConsideration,  // agencies should give serious consideration to notifying (7 categories)
};
const char* NotificationGroupName(NotificationGroup g);

// Referral records store `id`, so ids never change once published.
struct NotificationCategory {
  std::string_view id;
  NotificationGroup group;
  int number;  // as numbered in the guidance, within its group
  std::string_view text;
  bool child_died;  // the category can only apply if a child has died
};

const std::vector<NotificationCategory>& NotificationCategories();
const NotificationCategory* FindNotificationCategory(std::string_view id);

inline constexpr std::string_view kNotifyChildDied = "notify.child_died";
inline constexpr std::string_view kNotifySeriouslyHarmed = "notify.seriously_harmed";
inline constexpr std::string_view kNotifyLookedAfterChildDied = "notify.looked_after_child_died";
inline constexpr std::string_view kNotifyRegulatedSettingDeath = "notify.regulated_setting_death";
inline constexpr std::string_view kAlwaysDiedInCustody = "always.died_in_custody";
inline constexpr std::string_view kAlwaysDetainedMentalHealthAct = "always.detained_mental_health_act";
inline constexpr std::string_view kAlwaysDeprivationOfLiberty = "always.deprivation_of_liberty_16_17";

// ---- Appendix 1 as data, so a UI or the CLI can show every question.

enum class ChecklistPart {
  kDecision,       // questions 1-3: must an SCR be commissioned?
  kProportionate,  // question 4: the scores that suggest a methodology
  kCommissioning,  // questions 5-11: commissioning a proportionate review
};

struct ChecklistQuestion {
  std::string_view id;  // "q1" .. "q3", "q4a", "q4b", "q5" .. "q11"
  int number;
  ChecklistPart part;
  std::string_view text;
  std::vector<std::string_view> prompts;  // follow-up prompts under the question
};

const std::vector<ChecklistQuestion>& ChairChecklistQuestions();
const ChecklistQuestion* FindChecklistQuestion(std::string_view id);

// ---- Appendix 1 logic

enum class Answer { kNo, kYes, kUnsure };
const char* AnswerName(Answer a);

enum class PeerDecision { kProceed, kDoNotProceed };

// "If you are unsure you must consult with a peer independent chair:
//  Date: / Peer Chair: / Decision and rationale:" (Appendix 1).
struct PeerConsultation {
  std::string date;  // YYYY-MM-DD
  std::string peer_chair;
  PeerDecision decision = PeerDecision::kProceed;
  std::string rationale;
};

struct ChairChecklistInput {
  std::optional<Answer> child_died;           // q1: has a child or children died?
  std::optional<Answer> abuse_or_neglect;     // q2: is abuse or neglect known or suspected?
  std::optional<Answer> serious_harm;         // q3: enduring and/or significant impact?
  std::vector<std::string> notification_ids;  // NotificationCategory ids recorded on the referral
  std::optional<PeerConsultation> peer_consultation;
  std::optional<int> culpability_score;      // q4a, 1-5
  std::optional<int> public_interest_score;  // q4b, 1-5
};

enum class Verdict { kMustCommission, kConsultPeerChair, kCriteriaNotMet, kIncomplete };
const char* VerdictName(Verdict v);  // "must_commission", "consult_peer_chair", ...

enum class MethodologyFamily { kHybridOrInvestigative, kSystemsOrRootCause };
const char* MethodologyFamilyName(MethodologyFamily m);

struct ChairDecision {
  Verdict verdict = Verdict::kIncomplete;
  std::vector<std::string> reasons;              // sentences, each citing the guidance
  std::vector<std::string> unanswered;           // ids of questions the verdict still depends on
  std::optional<MethodologyFamily> methodology;  // when both scores are given
};

// Question 4: any score of 4 or 5 suggests a hybrid or investigative
// methodology; 3 and below, systems learning or root cause analysis.
// Scores outside 1..5 are InvalidArgument.
Result<MethodologyFamily> SuggestMethodology(int culpability, int public_interest);

// InvalidArgument for an unknown notification id, a score outside 1..5, a
// peer consultation missing its date, peer chair or rationale, or a death
// category recorded against "no child has died".
Result<ChairDecision> EvaluateChairChecklist(const ChairChecklistInput& in);

// ---- Appendix 2: the panel's recommendation and the chair's response

// Step 9: each member says whether the case should be reviewed, "clearly
// giving a rationale in support of their view (which must be recorded)".
struct PanelView {
  std::string agency;
  bool recommends_review = false;
  std::string rationale;
};

enum class PanelMajority { kReview, kNoReview, kTied };
const char* PanelMajorityName(PanelMajority m);

struct PanelRecommendation {
  int for_review = 0;
  int against_review = 0;
  PanelMajority majority = PanelMajority::kTied;
  // Step 11's "significant areas of disagreement": the minority's views, or
  // every view when the panel is evenly split.
  std::vector<PanelView> dissent;
  std::string summary;  // for the Panel Chair's letter to the Independent Chair
};

// InvalidArgument when there are no views, or a view lacks an agency or a rationale.
Result<PanelRecommendation> SummarisePanel(const std::vector<PanelView>& views);

// Step 12: accept or reject the panel's recommendations, or defer pending
// further information. "The basis of any challenge ... will be made clear",
// so a rejection or deferral without a reason is InvalidArgument.
enum class ChairOption { kAccept, kReject, kDefer };
const char* ChairOptionName(ChairOption o);

struct ChairResponse {
  ChairOption option = ChairOption::kAccept;
  std::string reason;
};

Status CheckChairResponse(const ChairResponse& r);

}  // namespace caseboard::domain
