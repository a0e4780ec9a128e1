// Retention: how long each kind of review material is kept, and the legal
// hold that suspends it. Periods are set locally by each board (guidance
// FRAMEWORKS.md), so Caseboard has no defaults: a kind whose period is not
// set is kept, and the report says the board has not decided.
//
// The schedule is the review's `retention` record: a period in years for
// each kind below, counted from when the review closed (scr.closed_on) or
// was published (publication_plan.publish_on), and a legal hold with its
// reason. A kind is due for destruction once its period has run out, unless
// a legal hold is on.
#pragma once

#include <string>
#include <vector>

#include "caseboard/crdt/document.h"
#include "caseboard/domain/calendar.h"
#include "caseboard/review/replica.h"
#include "caseboard/status.h"

namespace caseboard::domain {

struct RetentionKind {
  std::string id;    // "working_notes": the retention record's field is id + "_years"
  std::string name;  // "Working notes"
  std::vector<std::string> types;
};
const std::vector<RetentionKind>& RetentionKinds();

struct RetentionItem {
  std::string kind, name;
  int years = -1;   // -1: the board has not set a period
  std::string due;  // the date its period runs out ("" when it cannot be known yet)
  // "not_set", "no_start" (review not closed or published), "kept", "due",
  // "done" (due, and nothing of the kind is left), "held"
  std::string state;
  size_t records = 0;  // how many records of the kind the review holds
};

struct RetentionReport {
  std::string starts_from;  // "closed" or "published"
  std::string start;        // that date, "" when it has not happened
  bool legal_hold = false;
  std::string hold_reason;
  std::vector<RetentionItem> items;
};

RetentionReport CheckRetention(const crdt::Document& doc, Date today);

// Whether a kind may be destroyed today: refused while a legal hold is on
// (saying why and since when), and before its period has run out.
Status DestructionAllowed(const crdt::Document& doc, const std::string& kind, Date today);

// Destroys every record of `kind` in the review, deleted ones included, and
// the files attached to them that no other record has, once
// DestructionAllowed says so (Replica::Destroy: on every device and the
// board, through one owner-signed change). Returns how many records went.
Result<size_t> DestroyKind(review::Replica& replica, const std::string& kind, Date today);

}  // namespace caseboard::domain
