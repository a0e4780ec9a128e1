// Review frameworks as data: the stages a review moves through, what each
// stage needs before the review may move on, and the statutory deadlines.
//
// Frameworks are JSON documents (see framework_data.cpp for the built-in
// ones), so a board can describe another framework (a Welsh Child Practice
// Review, a Scottish Learning Review) without new code. A requirement names
// records and fields of scr_schema.h; a deadline counts working days or
// calendar months from a date field to a "done" date field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "caseboard/status.h"

namespace caseboard::domain {

// One thing a stage needs. Kinds:
//   "field":     the first record of `type` has `field` filled in (one of
//                `values`, if given)
//   "records":   at least `min` visible records of `type` (with `field` set,
//                to one of `values` if given); with `all`, every record of
//                the type must match
//   "checklist": every item of checklist `checklist` answered
//   "rule":      a named check the workflow implements: "signoffs_valid"
//                (every agency report signed off and unchanged since),
//                "tor_complete" (every minimum content of the terms of
//                reference), "letters_sent" (a decision not to proceed has
//                its letters sent), "panel_views_reasoned",
//                "chair_checklist_followed" (Appendix 1 answered, a peer
//                chair consulted when unsure, and no decision against a "must
//                commission")
struct Requirement {
  std::string kind;
  std::string type;
  std::string field;
  std::vector<nlohmann::json> values;
  int min = 1;
  bool all = false;
  std::string checklist;
  std::string rule;
  std::string label;  // what a person reads when it is missing
};

struct Stage {
  std::string id;
  std::string name;
  std::string guidance;  // where the guidance describes it
  std::vector<Requirement> gate;
};

// A deadline runs from a date field (`from`) once it is set and, if `when`
// is given, that record's `when_field` holds `when_value`. It is met when the
// `done` date field is set.
struct Deadline {
  std::string id;
  std::string name;
  std::string from_type, from_field;
  std::string when_field, when_value;  // on the `from` record
  int working_days = 0;                // either working days...
  int months = 0;                      // ...or calendar months
  std::string done_type, done_field;
  int at_risk_working_days = 2;  // "at risk" this close to the due date
};

struct Framework {
  std::string id;
  std::string name;
  std::string description;
  std::vector<Stage> stages;
  std::vector<Deadline> deadlines;

  const Stage* FindStage(const std::string& id) const;
  int StageIndex(const std::string& id) const;  // -1 if unknown
};

// Parses and checks a framework document; errors name the offending part.
Result<Framework> ParseFramework(const nlohmann::json& doc);

// "scr-wt2015" and "lcspr-wt2018".
const std::vector<Framework>& BuiltinFrameworks();
const Framework* FindFramework(const std::string& id);
// The JSON documents the built-in frameworks are parsed from.
const std::vector<nlohmann::json>& BuiltinFrameworkDocuments();

}  // namespace caseboard::domain
