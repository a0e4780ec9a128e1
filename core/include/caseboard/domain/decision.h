// The decision stage read from a review's records: the chair's checklist
// (Appendix 1) and the panel's views (Appendix 2), fed to chair_checklist.h.
#pragma once

#include <vector>

#include "caseboard/crdt/document.h"
#include "caseboard/domain/chair_checklist.h"

namespace caseboard::domain {

// The checklist answers of the review's chair_decision and referral records.
ChairChecklistInput ChairInputFrom(const crdt::Document& doc);
// The checklist's verdict on them (an error for scores outside 1-5).
Result<ChairDecision> EvaluateChairDecision(const crdt::Document& doc);
// The panel_view records, as the panel summary takes them.
std::vector<PanelView> PanelViewsFrom(const crdt::Document& doc);

}  // namespace caseboard::domain
