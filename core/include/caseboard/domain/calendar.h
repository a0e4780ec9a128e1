// Working days in England and Wales, for deadlines such as "notify within 5
// working days" or "rapid review within 15 working days".
//
// A working day is a weekday that is not a bank holiday (guidance
// FRAMEWORKS.md, "Working days"). Bank holidays come from the standing rules
// (fixed dates, Easter, Mondays in May and August, and a substitute weekday
// for a fixed date that falls at a weekend) plus a table of exceptions: the
// one-off holidays Parliament declares and the rule holidays it moves. The
// table is data rather than code so that an administrator can add the next
// one without waiting for a new release.
//
// Dates are calendar dates with no time or time zone: a deadline is a day in
// England, not an instant.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Only the declaration: most users of the calendar never touch the table.
#include <nlohmann/json_fwd.hpp>

#include "caseboard/status.h"

namespace caseboard::domain {

// The years a date may have. Wide enough for any chronology or deadline;
// narrow enough that a slip such as "0224" or "2224" is caught on entry.
inline constexpr int kFirstYear = 1900;
inline constexpr int kLastYear = 2200;

struct Date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  // Fields compare in declaration order, which is chronological order.
  auto operator<=>(const Date&) const = default;
};

// True for a real date (2024-02-29 is, 2023-02-29 is not) in kFirstYear..kLastYear.
bool IsValidDate(Date d);
// Exactly "YYYY-MM-DD", the form dates take in records and files. The error
// quotes the text and says what is wrong with it.
Result<Date> ParseDate(std::string_view text);
std::string FormatDate(Date d);  // "YYYY-MM-DD"

// Calendar arithmetic in the proleptic Gregorian calendar. These take any real
// date, even outside kFirstYear..kLastYear, so a step just past the edge is
// still right; callers check IsValidDate where the range matters.
int64_t DaysFromCivil(Date d);     // days since 1970-01-01
Date CivilFromDays(int64_t days);  // inverse of DaysFromCivil
Date DateOfMs(uint64_t unix_ms);   // the UTC day of a time in ms since 1970
Date AddDays(Date d, int64_t n);   // calendar days, n may be negative
int Weekday(Date d);               // 0 = Monday .. 6 = Sunday (ISO order)
// Easter Sunday by the Anonymous Gregorian (Meeus/Jones/Butcher) algorithm;
// right for every year from 1583.
Date EasterSunday(int year);

struct Holiday {
  Date date;
  std::string name;  // as gov.uk lists it, e.g. "Boxing Day (substitute day)"
  bool operator==(const Holiday&) const = default;
};

// One row of the exceptions table: a holiday added on `date`, or (removes) a
// rule holiday on `date` that was moved away, making it a working day. A
// move is a removal plus an addition.
struct HolidayException {
  Date date;
  std::string name;  // says why, e.g. "Platinum Jubilee bank holiday"
  bool removes = false;
  bool operator==(const HolidayException&) const = default;
};

// The England and Wales calendar. The standing rules are those in force
// since 1978 (the first early May holiday); earlier years get the same rules,
// which is not how they were, but no deadline reaches back that far.
class WorkingCalendar {
 public:
  // The rules plus every exception declared so far (1981 to 2023; the table
  // is in calendar.cpp).
  static WorkingCalendar EnglandAndWales();

  // Adds a row to the table. InvalidArgument if the date is not valid, the
  // name is blank or not UTF-8, an added holiday falls at a weekend (bank
  // holidays are weekdays, so that is a slip) or a removal names a day that
  // is not a rule holiday. AlreadyExists if the table has a row for that date
  // or an added day is already a rule holiday. On error nothing changes.
  Status AddException(HolidayException e);
  const std::vector<HolidayException>& exceptions() const { return exceptions_; }  // sorted by date

  // The table for an administrator to keep and edit:
  //   [{"date": "2022-06-03", "name": "Platinum Jubilee bank holiday", "removes": false}, ...]
  nlohmann::json ExceptionsToJson() const;
  // Replaces the whole table with `table`, in the form ExceptionsToJson
  // writes ("removes" may be left out, meaning false). All or nothing: any
  // bad row gives InvalidArgument naming the row and the problem, and the
  // calendar is unchanged. Unknown keys are refused, so that a misspelt
  // "remove" cannot quietly turn a removal into an extra holiday.
  Status LoadExceptions(const nlohmann::json& table);

  // The bank holidays of `year`, sorted, as gov.uk lists them: a holiday that
  // falls at a weekend appears only as its substitute weekday, so every date
  // is a weekday. Empty outside kFirstYear..kLastYear.
  std::vector<Holiday> Holidays(int year) const;
  bool IsHoliday(Date d) const;     // false for an invalid date
  bool IsWorkingDay(Date d) const;  // false for an invalid date

  // The n-th working day after `start`, not counting start itself: "within 5
  // working days" of Friday 2024-12-20 ends on 2024-12-31. n = 0 gives start
  // (working day or not); a negative n counts back. InvalidArgument if start
  // is not valid or the answer is outside kFirstYear..kLastYear.
  Result<Date> AddWorkingDays(Date start, int n) const;
  // Working days after `from` up to and including `to`, or
  // -WorkingDaysBetween(to, from) when to < from. For n >= 0,
  // WorkingDaysBetween(d, AddWorkingDays(d, n)) is n. InvalidArgument if
  // either date is not valid.
  Result<int> WorkingDaysBetween(Date from, Date to) const;

 private:
  WorkingCalendar() = default;  // no table: only EnglandAndWales() gives a usable calendar

  std::vector<HolidayException> exceptions_;
};

}  // namespace caseboard::domain
