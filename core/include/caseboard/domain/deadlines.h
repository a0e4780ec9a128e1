// Deadlines and their status on a given day: the framework's statutory ones
// (notification, rapid review, completion) and those of records that carry a
// due date (written requests to agencies, actions of the action plan).
//
// Working-day deadlines count England-and-Wales working days (calendar.h);
// "today" is passed in, so the same review gives the same answer in tests
// and on every device.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "caseboard/crdt/document.h"
#include "caseboard/domain/calendar.h"
#include "caseboard/domain/framework.h"

namespace caseboard::domain {

enum class DeadlineState {
  kNotStarted,  // what it runs from has not happened yet
  kDue,
  kAtRisk,  // due within the deadline's at-risk margin
  kOverdue,
  kMet,
  kMetLate,
};
const char* DeadlineStateName(DeadlineState s);  // "not started", "due", "at risk", ...

struct DeadlineStatus {
  std::string id;      // the framework deadline's id, or "request", "action"
  std::string name;    // what is due, in plain words
  std::string record;  // the record it belongs to ("" for framework deadlines not started)
  std::string from;    // YYYY-MM-DD, when it started ("" if not started)
  std::string due;     // YYYY-MM-DD
  std::string done;    // YYYY-MM-DD, when it was met
  DeadlineState state = DeadlineState::kNotStarted;
  int working_days_left = 0;  // negative when overdue
  nlohmann::json ToJson() const;
};

// Adds calendar months, keeping the day where the month has it (31 Jan + 1
// month = 28 or 29 Feb).
Date AddMonths(Date d, int months);

std::vector<DeadlineStatus> EvaluateDeadlines(const crdt::Document& doc, const Framework& framework,
                                              const WorkingCalendar& calendar, Date today);

}  // namespace caseboard::domain
