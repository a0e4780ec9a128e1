// The England and Wales working-day calendar, checked against the bank
// holidays gov.uk publishes (https://www.gov.uk/bank-holidays) and known
// Easter dates, and the deadline arithmetic built on it.
#include <doctest/doctest.h>

#include <algorithm>
#include <climits>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "caseboard/domain/calendar.h"

using caseboard::Status;
using caseboard::domain::AddDays;
using caseboard::domain::CivilFromDays;
using caseboard::domain::Date;
using caseboard::domain::DaysFromCivil;
using caseboard::domain::EasterSunday;
using caseboard::domain::FormatDate;
using caseboard::domain::Holiday;
using caseboard::domain::HolidayException;
using caseboard::domain::IsValidDate;
using caseboard::domain::kFirstYear;
using caseboard::domain::kLastYear;
using caseboard::domain::ParseDate;
using caseboard::domain::Weekday;
using caseboard::domain::WorkingCalendar;
using nlohmann::json;

namespace doctest {
template <>
struct StringMaker<Date> {
  static String convert(const Date& d) { return FormatDate(d).c_str(); }
};
}  // namespace doctest

namespace {

Date D(const char* iso) {
  auto d = ParseDate(iso);
  REQUIRE_MESSAGE(d.ok(), d.status().ToString());
  return *d;
}

// "date name" lines, so a failure shows exactly which holiday differs.
std::vector<std::string> Lines(const std::vector<Holiday>& holidays) {
  std::vector<std::string> lines;
  for (const Holiday& h : holidays) lines.push_back(FormatDate(h.date) + " " + h.name);
  return lines;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("ParseDate accepts real dates and FormatDate writes them back") {
  CHECK(D("2024-03-28") == Date{2024, 3, 28});
  CHECK(D("2024-02-29") == Date{2024, 2, 29});  // leap year
  CHECK(D("2000-02-29") == Date{2000, 2, 29});  // divisible by 400: leap
  CHECK(D("1900-01-01") == Date{1900, 1, 1});
  CHECK(D("2200-12-31") == Date{2200, 12, 31});
  CHECK(FormatDate({2024, 3, 8}) == "2024-03-08");
  CHECK(FormatDate(D("1999-12-31")) == "1999-12-31");
}

TEST_CASE("ParseDate refuses anything else, quoting the text and saying what is wrong") {
  struct Case {
    const char* text;
    const char* why;
  };
  const Case cases[] = {
      {"", "YYYY-MM-DD"},
      {"2024-3-28", "YYYY-MM-DD"},
      {"28/03/2024", "YYYY-MM-DD"},
      {" 2024-03-28", "YYYY-MM-DD"},
      {"2024-03-28T09:00", "YYYY-MM-DD"},
      {"2024-0a-28", "YYYY-MM-DD"},
      {"+024-03-28", "YYYY-MM-DD"},
      {"2023-02-29", "2023-02 has 28 days"},
      {"1900-02-29", "1900-02 has 28 days"},  // divisible by 100 but not 400: not leap
      {"2100-02-29", "2100-02 has 28 days"},
      {"2024-04-31", "2024-04 has 30 days"},
      {"2024-01-00", "has 31 days"},
      {"2024-13-01", "no month 13"},
      {"2024-00-10", "no month 0"},
      {"1899-12-31", "1900 to 2200"},
      {"2201-01-01", "1900 to 2200"},
      {"0224-03-28", "1900 to 2200"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.text));
    auto d = ParseDate(c.text);
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == Status::Code::kInvalidArgument);
    CHECK(Contains(d.status().message(), std::string("\"") + c.text + "\""));
    CHECK(Contains(d.status().message(), c.why));
  }
  // Unprintable bytes are shown escaped and long text is cut short.
  auto binary = ParseDate(std::string("2024\x01\xff-28", 9));
  REQUIRE_FALSE(binary.ok());
  CHECK(Contains(binary.status().message(), "\"2024\\x01\\xff-28\""));
  auto long_text = ParseDate(std::string(1000, '7'));
  REQUIRE_FALSE(long_text.ok());
  CHECK(long_text.status().message().size() < 150);
  CHECK(Contains(long_text.status().message(), "...\""));
}

TEST_CASE("IsValidDate checks the range and the days of each month") {
  CHECK(IsValidDate({2024, 2, 29}));
  CHECK_FALSE(IsValidDate({2023, 2, 29}));
  CHECK_FALSE(IsValidDate({2024, 6, 31}));
  CHECK_FALSE(IsValidDate({1899, 12, 31}));
  CHECK_FALSE(IsValidDate({2201, 1, 1}));
  CHECK_FALSE(IsValidDate({}));
  CHECK_FALSE(IsValidDate({INT_MAX, 1, 1}));
  CHECK_FALSE(IsValidDate({2024, -1, 1}));
}

TEST_CASE("serial day numbers and weekdays") {
  CHECK(DaysFromCivil({1970, 1, 1}) == 0);
  CHECK(DaysFromCivil({2000, 3, 1}) == 11017);
  CHECK(DaysFromCivil({1969, 12, 31}) == -1);
  CHECK(CivilFromDays(-25567) == Date{1900, 1, 1});
  CHECK(Weekday({1970, 1, 1}) == 3);    // Thursday
  CHECK(Weekday({1900, 1, 1}) == 0);    // Monday
  CHECK(Weekday({2000, 1, 1}) == 5);    // Saturday
  CHECK(Weekday({2024, 12, 25}) == 2);  // Wednesday
  CHECK(Weekday({2200, 12, 31}) == 2);  // Wednesday
  CHECK(AddDays({2024, 2, 28}, 1) == Date{2024, 2, 29});
  CHECK(AddDays({2023, 2, 28}, 1) == Date{2023, 3, 1});
  CHECK(AddDays({2025, 1, 1}, -1) == Date{2024, 12, 31});

  // Every day of the accepted range round-trips and follows the one before.
  Date previous = CivilFromDays(DaysFromCivil({kFirstYear, 1, 1}) - 1);
  CHECK(previous == Date{1899, 12, 31});
  for (int64_t day = DaysFromCivil({kFirstYear, 1, 1}); day <= DaysFromCivil({kLastYear, 12, 31}); ++day) {
    const Date d = CivilFromDays(day);
    if (!IsValidDate(d) || DaysFromCivil(d) != day || !(previous < d) ||
        Weekday(d) != (Weekday(previous) + 1) % 7) {
      FAIL("serial day " << day << " gives " << FormatDate(d));
    }
    previous = d;
  }
  CHECK(previous == Date{kLastYear, 12, 31});
}

TEST_CASE("Easter Sunday for known years") {
  const char* const known[] = {
      "1900-04-15", "1954-04-18", "1981-04-19", "2000-04-23", "2008-03-23", "2011-04-24",
      "2016-03-27", "2018-04-01", "2019-04-21", "2020-04-12", "2021-04-04", "2022-04-17",
      "2023-04-09", "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2038-04-25",
  };
  for (const char* iso : known) {
    const Date easter = D(iso);
    CAPTURE(std::string(iso));
    CHECK(EasterSunday(easter.year) == easter);
  }
  CHECK(EasterSunday(2285) == Date{2285, 3, 22});  // the earliest possible, outside the accepted range
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    const Date easter = EasterSunday(year);
    CHECK(Weekday(easter) == 6);
    CHECK(Date{year, 3, 22} <= easter);
    CHECK(easter <= Date{year, 4, 25});
  }
}

TEST_CASE("bank holidays match gov.uk, substitute days included") {
  const WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  struct Year {
    int year;
    std::vector<std::string> holidays;
  };
  const Year years[] = {
      {2019,
       {"2019-01-01 New Year's Day", "2019-04-19 Good Friday", "2019-04-22 Easter Monday",
        "2019-05-06 Early May bank holiday", "2019-05-27 Spring bank holiday",
        "2019-08-26 Summer bank holiday", "2019-12-25 Christmas Day", "2019-12-26 Boxing Day"}},
      {2020,
       {"2020-01-01 New Year's Day", "2020-04-10 Good Friday", "2020-04-13 Easter Monday",
        "2020-05-08 Early May bank holiday (VE day)", "2020-05-25 Spring bank holiday",
        "2020-08-31 Summer bank holiday", "2020-12-25 Christmas Day",
        "2020-12-28 Boxing Day (substitute day)"}},
      // Christmas on a Saturday.
      {2021,
       {"2021-01-01 New Year's Day", "2021-04-02 Good Friday", "2021-04-05 Easter Monday",
        "2021-05-03 Early May bank holiday", "2021-05-31 Spring bank holiday",
        "2021-08-30 Summer bank holiday", "2021-12-27 Christmas Day (substitute day)",
        "2021-12-28 Boxing Day (substitute day)"}},
      // New Year on a Saturday, Christmas on a Sunday, and three exceptions.
      {2022,
       {"2022-01-03 New Year's Day (substitute day)", "2022-04-15 Good Friday", "2022-04-18 Easter Monday",
        "2022-05-02 Early May bank holiday", "2022-06-02 Spring bank holiday",
        "2022-06-03 Platinum Jubilee bank holiday", "2022-08-29 Summer bank holiday",
        "2022-09-19 Bank Holiday for the State Funeral of Queen Elizabeth II", "2022-12-26 Boxing Day",
        "2022-12-27 Christmas Day (substitute day)"}},
      // New Year on a Sunday.
      {2023,
       {"2023-01-02 New Year's Day (substitute day)", "2023-04-07 Good Friday", "2023-04-10 Easter Monday",
        "2023-05-01 Early May bank holiday", "2023-05-08 Bank holiday for the coronation of King Charles III",
        "2023-05-29 Spring bank holiday", "2023-08-28 Summer bank holiday", "2023-12-25 Christmas Day",
        "2023-12-26 Boxing Day"}},
      // Easter in March.
      {2024,
       {"2024-01-01 New Year's Day", "2024-03-29 Good Friday", "2024-04-01 Easter Monday",
        "2024-05-06 Early May bank holiday", "2024-05-27 Spring bank holiday",
        "2024-08-26 Summer bank holiday", "2024-12-25 Christmas Day", "2024-12-26 Boxing Day"}},
      {2025,
       {"2025-01-01 New Year's Day", "2025-04-18 Good Friday", "2025-04-21 Easter Monday",
        "2025-05-05 Early May bank holiday", "2025-05-26 Spring bank holiday",
        "2025-08-25 Summer bank holiday", "2025-12-25 Christmas Day", "2025-12-26 Boxing Day"}},
      // Boxing Day on a Saturday.
      {2026,
       {"2026-01-01 New Year's Day", "2026-04-03 Good Friday", "2026-04-06 Easter Monday",
        "2026-05-04 Early May bank holiday", "2026-05-25 Spring bank holiday",
        "2026-08-31 Summer bank holiday", "2026-12-25 Christmas Day",
        "2026-12-28 Boxing Day (substitute day)"}},
      // Christmas on a Saturday again.
      {2027,
       {"2027-01-01 New Year's Day", "2027-03-26 Good Friday", "2027-03-29 Easter Monday",
        "2027-05-03 Early May bank holiday", "2027-05-31 Spring bank holiday",
        "2027-08-30 Summer bank holiday", "2027-12-27 Christmas Day (substitute day)",
        "2027-12-28 Boxing Day (substitute day)"}},
      // Earlier exceptions: the royal wedding, and the spring holiday moved for the Diamond Jubilee.
      {2011,
       {"2011-01-03 New Year's Day (substitute day)", "2011-04-22 Good Friday", "2011-04-25 Easter Monday",
        "2011-04-29 Royal wedding", "2011-05-02 Early May bank holiday", "2011-05-30 Spring bank holiday",
        "2011-08-29 Summer bank holiday", "2011-12-26 Boxing Day",
        "2011-12-27 Christmas Day (substitute day)"}},
      {2012,
       {"2012-01-02 New Year's Day (substitute day)", "2012-04-06 Good Friday", "2012-04-09 Easter Monday",
        "2012-05-07 Early May bank holiday", "2012-06-04 Spring bank holiday",
        "2012-06-05 Queen's Diamond Jubilee", "2012-08-27 Summer bank holiday", "2012-12-25 Christmas Day",
        "2012-12-26 Boxing Day"}},
      {1999,
       {"1999-01-01 New Year's Day", "1999-04-02 Good Friday", "1999-04-05 Easter Monday",
        "1999-05-03 Early May bank holiday", "1999-05-31 Spring bank holiday",
        "1999-08-30 Summer bank holiday", "1999-12-27 Christmas Day (substitute day)",
        "1999-12-28 Boxing Day (substitute day)", "1999-12-31 Millennium Day"}},
  };
  for (const Year& y : years) {
    CAPTURE(y.year);
    CHECK(Lines(calendar.Holidays(y.year)) == y.holidays);
    for (const std::string& line : y.holidays) {
      const Date d = D(line.substr(0, 10).c_str());
      CHECK(calendar.IsHoliday(d));
      CHECK_FALSE(calendar.IsWorkingDay(d));
    }
  }
}

TEST_CASE("a moved or weekend holiday is a working day or a weekend, not a holiday") {
  const WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  CHECK(calendar.IsWorkingDay(D("2020-05-04")));  // early May moved to VE day
  CHECK(calendar.IsWorkingDay(D("2022-05-30")));  // spring holiday moved to 2 June
  CHECK(calendar.IsWorkingDay(D("2012-05-28")));
  CHECK_FALSE(calendar.IsHoliday(D("2021-12-25")));  // a Saturday: the holiday is Monday 27th
  CHECK_FALSE(calendar.IsWorkingDay(D("2021-12-25")));
  CHECK(calendar.IsWorkingDay(D("2024-12-27")));
  CHECK(calendar.IsWorkingDay(D("2024-12-24")));
  CHECK_FALSE(calendar.IsHoliday({2023, 2, 29}));
  CHECK_FALSE(calendar.IsWorkingDay({2023, 2, 29}));
  CHECK_FALSE(calendar.IsWorkingDay({2300, 1, 2}));
  CHECK(calendar.Holidays(kFirstYear - 1).empty());
  CHECK(calendar.Holidays(kLastYear + 1).empty());
}

TEST_CASE("every year has its holidays sorted, on distinct weekdays") {
  const WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    CAPTURE(year);
    const std::vector<Holiday> holidays = calendar.Holidays(year);
    bool has_exception = false;
    for (const HolidayException& e : calendar.exceptions()) has_exception |= e.date.year == year;
    if (!has_exception) CHECK(holidays.size() == 8);
    for (size_t i = 0; i < holidays.size(); ++i) {
      CHECK(holidays[i].date.year == year);
      CHECK(Weekday(holidays[i].date) < 5);
      if (i > 0) CHECK(holidays[i - 1].date < holidays[i].date);
    }
  }
}

TEST_CASE("AddWorkingDays skips weekends, Easter, Christmas and exceptions") {
  const WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  struct Case {
    const char* start;
    int n;
    const char* expected;
  };
  const Case cases[] = {
      {"2024-12-20", 0, "2024-12-20"},
      {"2024-12-21", 0, "2024-12-21"},  // n = 0 gives start even at a
                                        // weekend
      {"2024-12-20", 1, "2024-12-23"},
      {"2024-12-20", 3, "2024-12-27"},  // over Christmas and Boxing Day
      {"2024-12-20", 5, "2024-12-31"},  // 23, 24, 27, 30, 31 December
      {"2024-12-20", 6, "2025-01-02"},  // over New Year's Day
      {"2024-12-21", 1, "2024-12-23"},  // from a Saturday
      {"2024-03-28", 1, "2024-04-02"},  // over Good Friday and Easter Monday
      {"2025-04-17", 1, "2025-04-22"},
      {"2024-03-25", 15, "2024-04-17"},  // a rapid review across Easter
      {"2026-12-24", 1, "2026-12-29"},   // Boxing Day substitute on Monday 28th
      {"2027-12-24", 1, "2027-12-29"},   // both Christmas substitutes
      {"2027-12-24", 4, "2028-01-04"},   // and New Year's Day substitute on Monday 3rd
      {"1999-12-24", 1, "1999-12-29"},   // Christmas on a Saturday...
      {"1999-12-24", 3, "2000-01-04"},   // ...the Millennium and New Year's Day substitute
      {"2022-05-27", 1, "2022-05-30"},   // the moved spring holiday is a working day...
      {"2022-05-27", 4, "2022-06-06"},   // ...and 2 and 3 June are not
      {"2022-09-16", 1, "2022-09-20"},   // the State funeral
      {"2025-01-02", -1, "2024-12-31"},
      {"2024-04-02", -1, "2024-03-28"},
      {"2024-12-31", -5, "2024-12-20"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.start));
    CAPTURE(c.n);
    auto end = calendar.AddWorkingDays(D(c.start), c.n);
    REQUIRE_MESSAGE(end.ok(), end.status().ToString());
    CHECK(*end == D(c.expected));
  }
}

TEST_CASE("AddWorkingDays refuses an invalid start and answers outside the accepted years") {
  const WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  auto invalid = calendar.AddWorkingDays({2023, 2, 29}, 5);
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.status().code() == Status::Code::kInvalidArgument);
  CHECK(Contains(invalid.status().message(), "2023-02-29"));

  auto past_end = calendar.AddWorkingDays(D("2200-12-30"), 5);
  REQUIRE_FALSE(past_end.ok());
  CHECK(Contains(past_end.status().message(), "outside the years 1900 to 2200"));
  CHECK_FALSE(calendar.AddWorkingDays(D("1900-01-02"), -5).ok());
  CHECK_FALSE(calendar.AddWorkingDays(D("2024-01-01"), INT_MAX).ok());
  CHECK_FALSE(calendar.AddWorkingDays(D("2024-01-01"), INT_MIN).ok());
  CHECK(calendar.AddWorkingDays(D("2200-12-30"), 1).ok());
}

TEST_CASE("WorkingDaysBetween counts after from, up to and including to") {
  const WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  auto between = [&](const char* from, const char* to) {
    auto n = calendar.WorkingDaysBetween(D(from), D(to));
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    return *n;
  };
  CHECK(between("2024-12-20", "2024-12-20") == 0);
  CHECK(between("2024-12-20", "2024-12-31") == 5);
  CHECK(between("2024-12-31", "2024-12-20") == -5);
  CHECK(between("2024-12-21", "2024-12-22") == 0);  // a weekend
  CHECK(between("2024-12-21", "2024-12-23") == 1);
  CHECK(between("2024-12-24", "2024-12-26") == 0);  // Christmas and Boxing Day
  CHECK(between("2024-03-25", "2024-04-17") == 15);
  // Whole years: weekdays less the gov.uk holidays above.
  CHECK(between("2021-12-31", "2022-12-31") == 260 - 10);
  CHECK(between("2022-12-31", "2023-12-31") == 260 - 9);
  CHECK(between("2023-12-31", "2024-12-31") == 262 - 8);
  CHECK(between("2024-12-31", "2025-12-31") == 261 - 8);

  auto invalid = calendar.WorkingDaysBetween(D("2024-01-01"), {2024, 13, 1});
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.status().code() == Status::Code::kInvalidArgument);
  CHECK(Contains(invalid.status().message(), "2024-13-01"));
  CHECK_FALSE(calendar.WorkingDaysBetween({1899, 12, 31}, D("2024-01-01")).ok());
}

TEST_CASE("AddWorkingDays and WorkingDaysBetween agree") {
  const WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  for (Date d = D("2019-01-01"); d <= D("2027-12-31"); d = AddDays(d, 1)) {
    for (int n : {0, 1, 5, 15, 20}) {
      auto end = calendar.AddWorkingDays(d, n);
      REQUIRE(end.ok());
      auto count = calendar.WorkingDaysBetween(d, *end);
      REQUIRE(count.ok());
      if (*count != n || (n > 0 && !calendar.IsWorkingDay(*end))) {
        FAIL(n << " working days from " << FormatDate(d) << " gave " << FormatDate(*end));
      }
      auto back = calendar.AddWorkingDays(*end, -n);
      REQUIRE(back.ok());
      // Counting back lands on d, or on the last working day before it when d is not one.
      if (calendar.IsWorkingDay(d) && *back != d) FAIL("back from " << FormatDate(*end));
    }
  }
  auto all = calendar.WorkingDaysBetween({kFirstYear, 1, 1}, {kLastYear, 12, 31});
  REQUIRE(all.ok());
  CHECK(*calendar.AddWorkingDays({kFirstYear, 1, 1}, *all) == Date{kLastYear, 12, 31});
}

TEST_CASE("the built-in exceptions table") {
  const WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  const auto& table = calendar.exceptions();
  for (size_t i = 1; i < table.size(); ++i) CHECK(table[i - 1].date < table[i].date);
  auto has = [&](const char* iso, bool removes) {
    return std::any_of(table.begin(), table.end(),
                       [&](const HolidayException& e) { return e.date == D(iso) && e.removes == removes; });
  };
  const char* const added[] = {"1981-07-29", "1995-05-08", "1999-12-31", "2002-06-03", "2002-06-04",
                               "2011-04-29", "2012-06-04", "2012-06-05", "2020-05-08", "2022-06-02",
                               "2022-06-03", "2022-09-19", "2023-05-08"};
  const char* const removed[] = {"1995-05-01", "2002-05-27", "2012-05-28", "2020-05-04", "2022-05-30"};
  for (const char* iso : added) {
    CAPTURE(std::string(iso));
    CHECK(has(iso, false));
  }
  for (const char* iso : removed) {
    CAPTURE(std::string(iso));
    CHECK(has(iso, true));
  }
  // Every row made it in (EnglandAndWales only asserts that in debug builds).
  CHECK(table.size() == std::size(added) + std::size(removed));
}

TEST_CASE("an administrator can add a one-off holiday and move a rule holiday") {
  WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  const size_t before = calendar.exceptions().size();
  CHECK(calendar.IsWorkingDay(D("2030-06-07")));
  REQUIRE(calendar.AddException({D("2030-06-07"), "Hypothetical one-off holiday"}).ok());
  CHECK(calendar.IsHoliday(D("2030-06-07")));
  CHECK(*calendar.AddWorkingDays(D("2030-06-06"), 1) == D("2030-06-10"));

  // Move spring 2030 from 27 May to 3 June.
  REQUIRE(calendar.AddException({D("2030-05-27"), "Spring bank holiday (moved to 3 June)", true}).ok());
  REQUIRE(calendar.AddException({D("2030-06-03"), "Spring bank holiday"}).ok());
  CHECK(calendar.IsWorkingDay(D("2030-05-27")));
  CHECK(calendar.IsHoliday(D("2030-06-03")));
  CHECK(Lines(calendar.Holidays(2030)) ==
        std::vector<std::string>{"2030-01-01 New Year's Day", "2030-04-19 Good Friday",
                                 "2030-04-22 Easter Monday", "2030-05-06 Early May bank holiday",
                                 "2030-06-03 Spring bank holiday", "2030-06-07 Hypothetical one-off holiday",
                                 "2030-08-26 Summer bank holiday", "2030-12-25 Christmas Day",
                                 "2030-12-26 Boxing Day"});
  CHECK(calendar.exceptions().size() == before + 3);
  const auto& table = calendar.exceptions();
  CHECK(std::is_sorted(table.begin(), table.end(),
                       [](const HolidayException& a, const HolidayException& b) { return a.date < b.date; }));
}

TEST_CASE("AddException refuses duplicates and slips, and changes nothing when it does") {
  WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  const auto before = calendar.exceptions();
  struct Case {
    HolidayException e;
    Status::Code code;
    const char* why;
  };
  const Case cases[] = {
      {{D("2022-06-03"), "Again"}, Status::Code::kAlreadyExists, "already has a row for 2022-06-03"},
      {{D("2020-05-04"), "Again", true}, Status::Code::kAlreadyExists, "already has a row for 2020-05-04"},
      {{D("2024-12-25"), "Extra Christmas"},
       Status::Code::kAlreadyExists,
       "already a bank holiday (Christmas Day)"},
      {{D("2021-12-27"), "Extra"}, Status::Code::kAlreadyExists, "Christmas Day (substitute day)"},
      {{D("2030-06-08"), "Saturday holiday"}, Status::Code::kInvalidArgument, "is a Saturday"},
      {{D("2030-06-04"), "Not a holiday", true}, Status::Code::kInvalidArgument, "nothing to remove"},
      {{D("2021-12-25"), "Weekend Christmas", true}, Status::Code::kInvalidArgument, "nothing to remove"},
      {{D("2030-06-04"), ""}, Status::Code::kInvalidArgument, "needs a name"},
      {{D("2030-06-04"), " \t"}, Status::Code::kInvalidArgument, "needs a name"},
      {{D("2030-06-04"), "Bad \xff byte"}, Status::Code::kInvalidArgument, "not UTF-8"},
      {{{2030, 2, 30}, "No such day"}, Status::Code::kInvalidArgument, "2030-02 has 28 days"},
      {{{2201, 6, 4}, "Too late"}, Status::Code::kInvalidArgument, "1900 to 2200"},
  };
  for (const Case& c : cases) {
    CAPTURE(FormatDate(c.e.date));
    CAPTURE(c.e.name);
    const Status s = calendar.AddException(c.e);
    CHECK(s.code() == c.code);
    CHECK_MESSAGE(Contains(s.message(), c.why), s.message());
  }
  CHECK(calendar.exceptions() == before);
}

TEST_CASE("the exceptions table round-trips through JSON") {
  WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  REQUIRE(calendar.AddException({D("2030-06-07"), "Hypothetical one-off holiday"}).ok());
  const json table = calendar.ExceptionsToJson();
  REQUIRE(table.is_array());
  CHECK(table.size() == calendar.exceptions().size());
  CHECK(table[0] == json{{"date", "1981-07-29"}, {"name", "Royal wedding"}, {"removes", false}});

  // Through text, as an administrator would keep it, into a calendar without the extra row.
  WorkingCalendar reloaded = WorkingCalendar::EnglandAndWales();
  REQUIRE(reloaded.LoadExceptions(json::parse(table.dump(2))).ok());
  CHECK(reloaded.exceptions() == calendar.exceptions());
  CHECK(reloaded.ExceptionsToJson() == table);
  CHECK(reloaded.IsHoliday(D("2030-06-07")));

  // Loading replaces the table: an empty one leaves only the rules.
  REQUIRE(reloaded.LoadExceptions(json::array()).ok());
  CHECK(reloaded.exceptions().empty());
  CHECK(reloaded.IsHoliday(D("2020-05-04")));
  CHECK_FALSE(reloaded.IsHoliday(D("2020-05-08")));

  // "removes" may be left out.
  REQUIRE(reloaded.LoadExceptions(json::parse(R"([{"date": "2030-06-07", "name": "One-off"}])")).ok());
  REQUIRE(reloaded.exceptions().size() == 1);
  CHECK_FALSE(reloaded.exceptions()[0].removes);
}

TEST_CASE("LoadExceptions refuses a bad table, naming the row and the problem, and changes nothing") {
  WorkingCalendar calendar = WorkingCalendar::EnglandAndWales();
  const auto before = calendar.exceptions();
  struct Case {
    const char* table;
    const char* why;
  };
  const Case cases[] = {
      {R"({"date": "2030-06-07", "name": "x"})", "must be a JSON array"},
      {R"(null)", "must be a JSON array"},
      {R"(["2030-06-07"])", "row 1: expected an object"},
      {R"([{"date": "2030-06-07", "name": "ok"}, {"name": "no date"}])", "row 2: \"date\" must be a string"},
      {R"([{"date": 20300607, "name": "number"}])", "row 1: \"date\" must be a string"},
      {R"([{"date": "2030-6-7", "name": "short"}])", "row 1: \"2030-6-7\" is not a date"},
      {R"([{"date": "2030-02-30", "name": "no such day"}])", "2030-02 has 28 days"},
      {R"([{"date": "2030-06-07"}])", "row 1: \"name\" must be a string"},
      {R"([{"date": "2030-06-07", "name": 7}])", "\"name\" must be a string"},
      {R"([{"date": "2030-06-07", "name": "x", "removes": "yes"}])", "\"removes\" must be true or false"},
      {R"([{"date": "2030-05-27", "name": "x", "remove": true}])", "unknown key \"remove\""},
      {R"([{"date": "2030-06-07", "name": "a"}, {"date": "2030-06-07", "name": "b"}])",
       "row 2: the exceptions table already has a row for 2030-06-07"},
      {R"([{"date": "2030-06-08", "name": "Saturday"}])", "is a Saturday"},
      {R"([{"date": "2030-06-04", "name": "x", "removes": true}])", "nothing to remove"},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.table));
    const Status s = calendar.LoadExceptions(json::parse(c.table));
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK_MESSAGE(Contains(s.message(), c.why), s.message());
    CHECK(calendar.exceptions() == before);
  }
}
