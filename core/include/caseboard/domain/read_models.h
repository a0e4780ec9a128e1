// Read models by name: the JSON every front end prints for a review.
//
// caseboard-cli's --json output and the C API's caseboard_review_read both
// come from here, so a script and a phone app read the same shapes by
// construction. Each name is one view of the merged document; `params` are
// the options the matching CLI subcommand takes (see ReadModelNames).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "caseboard/domain/calendar.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/status.h"

namespace caseboard::domain {

// What the day-dependent models (status, deadlines) are judged against.
struct ReadContext {
  WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  Date today;
};

// The names ReadModel accepts, and the parameters of each:
//   status                                  (scr status --json)
//   deadlines        {"all": bool}          (scr deadlines --json [--all])
//   records          {"type": T}            (scr list REVIEW T --json)
//   chair                                   (scr chair --json)
//   checklists       {"checklist": C}       (scr checklist REVIEW [C] --json)
//   key_question_history {"id": Q}          (scr question REVIEW Q --history --json)
//   signoffs         {"record": R}          (scr signoffs REVIEW [R] --json)
//   chronology       {"agencies": [..] | "A,B", "from", "to", "significance",
//                     "search", "sort": "date|agency|significance", "desc": bool}
//   markers                                 (scr markers REVIEW --json)
//   recommendations                         (scr recommendations REVIEW --json)
//   publication_check                       (scr publication-check REVIEW --json)
// and the reference data, which needs no review (ReferenceData).
const std::vector<std::string>& ReadModelNames();

// kInvalidArgument for an unknown name or a parameter of the wrong type;
// kNotFound when a parameter names something the review does not have.
Result<nlohmann::json> ReadModel(ScrReview& review, const std::string& name, const nlohmann::json& params,
                                 const ReadContext& context);

// The guidance's reference data: "frameworks", "categories", "roles",
// "methodologies" (scr frameworks|categories|roles|methodologies --json).
Result<nlohmann::json> ReferenceData(const std::string& name);

}  // namespace caseboard::domain
