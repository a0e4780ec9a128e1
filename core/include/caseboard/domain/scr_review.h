// ScrReview: the commands of a serious case review, on top of one Replica.
//
// Commands check the workflow's rules (guidance and FRAMEWORKS.md) before
// they become signed changes: a panel member's view needs its rationale, a
// chair who rejects or defers the panel's recommendation gives a reason, a
// decision not to proceed cannot contradict a "must commission" checklist
// and produces the letters the guidance requires, a key question's change
// carries its reason, an overridden permission says why. Read models
// (workflow.h, deadlines.h, chronology.h, signoff.h) are computed from the
// merged document, so every device that has the same changes reads the same.
//
// The app and caseboard-cli both call this; neither touches SQL or crypto.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "caseboard/domain/calendar.h"
#include "caseboard/domain/workflow.h"
#include "caseboard/review/replica.h"
#include "caseboard/store/vault.h"

namespace caseboard::domain {

using Fields = std::map<std::string, nlohmann::json>;

// What every replica of a case review is opened with: the SCR schema.
review::ReplicaOptions ScrReplicaOptions(review::ReplicaOptions base = {});

class ScrReview {
 public:
  // Creates a review in `vault` and starts it under `framework` at its first stage.
  static Result<std::unique_ptr<review::Replica>> Start(store::Vault& vault, const std::string& title,
                                                        const std::string& framework,
                                                        const std::string& board, Date opened_on,
                                                        review::ReplicaOptions options = ScrReplicaOptions());

  explicit ScrReview(review::Replica& replica) : replica_(replica) {}

  Result<WorkflowStatus> Status(const WorkingCalendar& calendar, Date today) const;
  // Moves to the next stage once the current stage's gate is met; at the
  // decision stage a decision not to proceed closes the review. Otherwise
  // kInvalidArgument listing what is missing.
  Result<std::string> Advance(const WorkingCalendar& calendar, Date today);

  // The one record of a one-of-a-kind type (referral, chair_decision, ...):
  // created if missing, else updated. Returns its id.
  Result<std::string> SetRecord(const std::string& type, const Fields& fields);
  // A new record of any type (compartment: the type's default if empty).
  Result<std::string> AddRecord(const std::string& type, const Fields& fields,
                                const std::string& compartment = "");
  caseboard::Status UpdateRecord(const std::string& id, const Fields& fields);

  // The chair's decision. A decision not to proceed also drafts the letters
  // to the referrer, their agency's safeguarding lead, the sub-committee
  // (copy) and the national panel; the decision stage's gate waits until
  // each has a sent_on date.
  caseboard::Status Decide(const std::string& outcome, Date decided_on, const std::string& rationale);
  caseboard::Status AnswerChecklist(const std::string& checklist, const std::string& item,
                                    const std::string& answer, const std::string& note = "",
                                    const std::string& about = "", const std::string& action = "");
  // Changes a key question's wording; the reason is kept in its history.
  caseboard::Status EditKeyQuestion(const std::string& id, const std::string& question,
                                    const std::string& reason);
  // Moves a written request one step up the escalation ladder; returns the step.
  Result<int> Escalate(const std::string& request, const std::string& note);
  // Signs off a record (an agency report) as `signer`, with this device's key.
  Result<std::string> SignOff(const std::string& subject, const std::string& signer,
                              const std::string& signer_role, const std::string& statement, Date signed_on);
  // Records that `person` holds `role` (guidance section 2). With a device,
  // also makes that device a member holding the role's compartments (family
  // material only for the roles that meet the family): this device must be
  // an owner of the review.
  Result<std::string> AssignRole(const std::string& role, const std::string& person, const Fields& details,
                                 const store::DeviceIdentity* device = nullptr);
  // A quality marker's self-assessment (one record per marker, updated in place).
  Result<std::string> AssessMarker(int number, const std::string& rating, const std::string& notes);

  // The key question's wordings over time with their reasons, oldest first.
  Result<nlohmann::json> KeyQuestionHistory(const std::string& id) const;

  review::Replica& replica() { return replica_; }

 private:
  caseboard::Status Validate(const std::string& type, const Fields& merged) const;
  Fields Merged(const std::string& id, const Fields& changes) const;

  review::Replica& replica_;
};

}  // namespace caseboard::domain
