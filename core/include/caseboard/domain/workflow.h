// Where a review stands in its framework: its stage, what is still missing
// before it may move on (the stage's gate), its deadlines, and warnings a
// person should see (records made twice offline, decisions that contradict
// the chair's checklist, requests that call for escalation, recommendations
// that only say "review" or "training").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "caseboard/domain/calendar.h"
#include "caseboard/domain/deadlines.h"
#include "caseboard/domain/framework.h"
#include "caseboard/review/replica.h"

namespace caseboard::domain {

// Stage ids beyond a framework's own stages.
inline constexpr char kStageClosed[] = "closed";      // decided not to proceed
inline constexpr char kStageComplete[] = "complete";  // every stage passed

struct GateItem {
  std::string label;
  bool met = false;
  std::string detail;  // e.g. "3 of 15 questions unanswered"
};

struct WorkflowStatus {
  std::string framework;
  std::string framework_name;
  std::string stage;  // a stage id, kStageClosed or kStageComplete
  std::string stage_name;
  int stage_number = 0;  // 1-based; 0 when closed or complete
  int stage_count = 0;
  std::string next_stage_name;
  std::vector<GateItem> gate;  // the current stage's requirements
  std::vector<DeadlineStatus> deadlines;
  std::vector<std::string> warnings;

  bool can_advance() const;
  std::vector<std::string> missing() const;  // labels (and details) of unmet gate items
  nlohmann::json ToJson() const;
};

// One requirement, judged on the review as this device sees it.
GateItem CheckRequirement(const review::Replica& replica, const Requirement& req);

// kInvalidArgument if the review was never started as an SCR (no "scr"
// record) or names an unknown framework.
Result<WorkflowStatus> EvaluateWorkflow(const review::Replica& replica, const WorkingCalendar& calendar,
                                        Date today);

}  // namespace caseboard::domain
