// Shared by demo.cpp (the helpers and BuildDemo) and demo_cases.cpp (the four
// case studies of guidance Appendix 3). Not part of the public API.
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "caseboard/domain/calendar.h"
#include "caseboard/domain/demo.h"
#include "caseboard/domain/scr_review.h"

namespace caseboard::domain::demo {

// What every case study is built with: the vault, the calendar and the day
// all its dates count from.
struct Ctx {
  store::Vault& vault;
  const WorkingCalendar& calendar;
  Date today;

  // `n` working days after `from` (before it when negative).
  Date Wd(Date from, int n) const { return calendar.AddWorkingDays(from, n).value_or(from); }
  Date Wd(int n) const { return Wd(today, n); }
  // `days` calendar days before today.
  Date Ago(int days) const { return AddDays(today, -days); }
};

inline std::string D(Date d) { return FormatDate(d); }

// Moves the review on with ScrReview::Advance until it reaches `stage`, so
// every gate on the way is really met; the error says what is missing.
Status AdvanceTo(ScrReview& r, const Ctx& c, const std::string& stage);

// Answers the first `count` items of `checklist` with `answer` (the rest
// stay "to_do"); `notes` adds a note to the items it names.
Status AnswerItems(ScrReview& r, const std::string& checklist, const std::string& answer,
                   const std::map<std::string, std::string>& notes = {},
                   size_t count = std::numeric_limits<size_t>::max(), const std::string& about = "");

struct Event {
  const char* agency;
  Date date;
  const char* time;  // "" when not known
  const char* significance;
  const char* text;
};
Status AddChronology(ScrReview& r, const std::string& source, const std::vector<Event>& events);

struct View {
  const char* member;
  const char* agency;
  const char* recommends;
  const char* rationale;
};
// Agency information logged for the panel, then each member's view.
Status PanelMeeting(ScrReview& r, Date on,
                    const std::vector<std::pair<const char*, const char*>>& information,
                    const std::vector<View>& views);

// The notification, the scoping and commissioning checklists and the
// methodology: everything the "commissioning" stage asks for.
struct Commissioning {
  Date notified_on;
  std::string methodology;
  std::string rationale;
  std::string proportionality;
  std::string limitations;
  std::map<std::string, std::string> scoping_notes;
};
Status Commission(ScrReview& r, const Commissioning& in);

struct Role {
  const char* role;
  const char* person;
  const char* agency;
  const char* independent;
};
// The terms of reference, key questions, roles, quality-assurance plan and
// the lead reviewer's contract (its first `contract_items` points agreed).
struct Terms {
  Date agreed_on;
  Date period_from, period_to;
  std::string purpose;
  std::string family;
  std::string other_processes;
  std::vector<std::string> key_questions;
  std::vector<Role> roles;
  size_t contract_items = std::numeric_limits<size_t>::max();
};
Result<std::vector<std::string>> AgreeTerms(ScrReview& r, const Terms& in);  // the key questions' ids

// The review's id, title and the stage ScrReview::Status reports.
Result<DemoReview> Summarise(ScrReview& r, const Ctx& c, const std::string& title);

Result<DemoReview> CaseStudy1(const Ctx& c);
Result<DemoReview> CaseStudy2(const Ctx& c);
Result<DemoReview> CaseStudy3(const Ctx& c);
Result<DemoReview> CaseStudy4(const Ctx& c);

}  // namespace caseboard::domain::demo
