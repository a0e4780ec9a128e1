#include "caseboard/domain/deadlines.h"

#include "caseboard/domain/records.h"

namespace caseboard::domain {

using nlohmann::json;

const char* DeadlineStateName(DeadlineState s) {
  switch (s) {
    case DeadlineState::kNotStarted:
      return "not started";
    case DeadlineState::kDue:
      return "due";
    case DeadlineState::kAtRisk:
      return "at risk";
    case DeadlineState::kOverdue:
      return "overdue";
    case DeadlineState::kMet:
      return "met";
    case DeadlineState::kMetLate:
      return "met late";
  }
  return "unknown";
}

json DeadlineStatus::ToJson() const {
  return {{"id", id},
          {"name", name},
          {"record", record},
          {"from", from},
          {"due", due},
          {"done", done},
          {"state", DeadlineStateName(state)},
          {"working_days_left", working_days_left}};
}

Date AddMonths(Date d, int months) {
  int total = d.year * 12 + (d.month - 1) + months;
  Date out{total / 12, total % 12 + 1, d.day};
  while (out.day > 28 && !ParseDate(FormatDate(out)).ok()) --out.day;
  return out;
}

namespace {

// Fills in the state of a deadline that has started and is due on `due`.
void Judge(DeadlineStatus& s, Date due, const std::string& done, const WorkingCalendar& calendar, Date today,
           int at_risk) {
  s.due = FormatDate(due);
  s.done = done;
  if (!done.empty()) {
    auto d = ParseDate(done);
    s.state = d.ok() && *d > due ? DeadlineState::kMetLate : DeadlineState::kMet;
    return;
  }
  s.working_days_left = calendar.WorkingDaysBetween(today, due).value_or(0);
  if (today > due)
    s.state = DeadlineState::kOverdue;
  else if (s.working_days_left <= at_risk)
    s.state = DeadlineState::kAtRisk;
  else
    s.state = DeadlineState::kDue;
}

std::optional<Date> DateField(const Record& r, const std::string& field) {
  auto d = ParseDate(r.Str(field));
  if (!d.ok()) return std::nullopt;
  return *d;
}

}  // namespace

std::vector<DeadlineStatus> EvaluateDeadlines(const crdt::Document& doc, const Framework& framework,
                                              const WorkingCalendar& calendar, Date today) {
  std::vector<DeadlineStatus> out;
  for (const auto& d : framework.deadlines) {
    DeadlineStatus s;
    s.id = d.id;
    s.name = d.name;
    auto from = First(doc, d.from_type);
    std::optional<Date> start;
    if (from && (d.when_field.empty() || from->Str(d.when_field) == d.when_value))
      start = DateField(*from, d.from_field);
    if (!start) {
      out.push_back(s);
      continue;
    }
    s.record = from->id;
    s.from = FormatDate(*start);
    Date due = d.working_days > 0 ? calendar.AddWorkingDays(*start, d.working_days).value_or(*start)
                                  : AddMonths(*start, d.months);
    auto done = First(doc, d.done_type);
    Judge(s, due, done ? done->Str(d.done_field) : "", calendar, today, d.at_risk_working_days);
    out.push_back(s);
  }
  // Written requests to agencies: due when asked, met when received.
  for (const auto& r : Records(doc, "info_request")) {
    auto due = DateField(r, "due_on");
    if (!due) continue;
    std::string agency;
    if (auto a = FindRecord(doc, r.Str("agency"))) agency = a->Str("name");
    DeadlineStatus s;
    s.id = "request";
    s.name = "Information from " + (agency.empty() ? std::string("an agency") : agency);
    s.record = r.id;
    s.from = r.Str("requested_on");
    Judge(s, *due, r.Str("received_on"), calendar, today, 2);
    out.push_back(s);
  }
  // Actions of the action plan: met once complete (the plan has no
  // completion date; the record's status says so).
  for (const auto& r : Records(doc, "action")) {
    auto due = DateField(r, "due_on");
    if (!due) continue;
    DeadlineStatus s;
    s.id = "action";
    s.name = "Action: " + r.Str("objective");
    s.record = r.id;
    bool complete = r.Str("status") == "complete";
    Judge(s, *due, "", calendar, today, 5);
    if (complete) s.state = DeadlineState::kMet;
    out.push_back(s);
  }
  return out;
}

}  // namespace caseboard::domain
