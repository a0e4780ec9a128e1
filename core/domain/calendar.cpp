#include "caseboard/domain/calendar.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace caseboard::domain {

using nlohmann::json;

namespace {

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Why `d` is not an acceptable date, or "" if it is.
std::string DateProblem(Date d) {
  if (d.year < kFirstYear || d.year > kLastYear) {
    return "the year must be " + std::to_string(kFirstYear) + " to " + std::to_string(kLastYear);
  }
  if (d.month < 1 || d.month > 12) return "there is no month " + std::to_string(d.month);
  if (d.day < 1 || d.day > DaysInMonth(d.year, d.month)) {
    char month[8];
    std::snprintf(month, sizeof month, "%04d-%02d", d.year, d.month);
    return std::string(month) + " has " + std::to_string(DaysInMonth(d.year, d.month)) + " days";
  }
  return "";
}

// Text from a user or a file, quoted for an error message: cut short, and
// with anything unprintable shown as \xNN so the message stays readable.
std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "\"";
}

const char* WeekdayName(Date d) {
  static const char* const kNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
  return kNames[Weekday(d)];
}

bool IsWeekend(Date d) { return Weekday(d) >= 5; }

Date FirstMonday(int year, int month) {
  const Date first{year, month, 1};
  return AddDays(first, (7 - Weekday(first)) % 7);
}

Date LastMonday(int year, int month) {
  const Date last{year, month, DaysInMonth(year, month)};
  return AddDays(last, -Weekday(last));
}

// The standing rules for one year, before the exceptions table, sorted.
std::vector<Holiday> RuleHolidays(int year) {
  const Date easter = EasterSunday(year);
  std::vector<Holiday> holidays = {
      {AddDays(easter, -2), "Good Friday"},
      {AddDays(easter, 1), "Easter Monday"},
      {FirstMonday(year, 5), "Early May bank holiday"},
      {LastMonday(year, 5), "Spring bank holiday"},
      {LastMonday(year, 8), "Summer bank holiday"},
  };
  const Holiday fixed[] = {
      {{year, 1, 1}, "New Year's Day"},
      {{year, 12, 25}, "Christmas Day"},
      {{year, 12, 26}, "Boxing Day"},
  };
  for (const Holiday& h : fixed) {
    if (!IsWeekend(h.date)) holidays.push_back(h);
  }
  // A fixed date at a weekend is observed on the next weekday that is not
  // already a holiday. Placing the weekday ones first and then the weekend
  // ones in date order gives the Christmas pairs: 25 December on a Saturday
  // moves to Monday 27 and Boxing Day to Tuesday 28; on a Sunday, Boxing Day
  // keeps Monday 26 and Christmas moves to Tuesday 27.
  auto taken = [&](Date d) {
    return std::any_of(holidays.begin(), holidays.end(), [&](const Holiday& h) { return h.date == d; });
  };
  for (const Holiday& h : fixed) {
    if (!IsWeekend(h.date)) continue;
    Date substitute = AddDays(h.date, 1);
    while (IsWeekend(substitute) || taken(substitute)) substitute = AddDays(substitute, 1);
    holidays.push_back({substitute, h.name + " (substitute day)"});
  }
  std::sort(holidays.begin(), holidays.end(),
            [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return holidays;
}

// The one-off and moved holidays declared since the rules took their present
// form in 1978, as gov.uk and the proclamations name them.
struct BuiltInException {
  Date date;
  const char* name;
  bool removes;
};
constexpr BuiltInException kBuiltInExceptions[] = {
    {{1981, 7, 29}, "Royal wedding", false},
    {{1995, 5, 1}, "Early May bank holiday (moved to 8 May for VE day)", true},
    {{1995, 5, 8}, "Early May bank holiday (VE day)", false},
    {{1999, 12, 31}, "Millennium Day", false},
    {{2002, 5, 27}, "Spring bank holiday (moved to 4 June)", true},
    {{2002, 6, 3}, "Queen's Golden Jubilee", false},
    {{2002, 6, 4}, "Spring bank holiday", false},
    {{2011, 4, 29}, "Royal wedding", false},
    {{2012, 5, 28}, "Spring bank holiday (moved to 4 June)", true},
    {{2012, 6, 4}, "Spring bank holiday", false},
    {{2012, 6, 5}, "Queen's Diamond Jubilee", false},
    {{2020, 5, 4}, "Early May bank holiday (moved to 8 May for VE day)", true},
    {{2020, 5, 8}, "Early May bank holiday (VE day)", false},
    {{2022, 5, 30}, "Spring bank holiday (moved to 2 June)", true},
    {{2022, 6, 2}, "Spring bank holiday", false},
    {{2022, 6, 3}, "Platinum Jubilee bank holiday", false},
    {{2022, 9, 19}, "Bank Holiday for the State Funeral of Queen Elizabeth II", false},
    {{2023, 5, 8}, "Bank holiday for the coronation of King Charles III", false},
};

// The names end up in JSON, and nlohmann::json throws when it writes a string
// that is not UTF-8; catching that here keeps the exception inside the library.
bool IsUtf8(const std::string& s) {
  try {
    (void)json(s).dump();
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

bool IsBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

// One row of the JSON table; the caller adds which row it was.
Result<HolidayException> ExceptionFromJson(const json& row) {
  if (!row.is_object())
    return Status::InvalidArgument("expected an object with \"date\", \"name\" and \"removes\"");
  for (const auto& item : row.items()) {
    const std::string& key = item.key();
    if (key != "date" && key != "name" && key != "removes") {
      return Status::InvalidArgument("unknown key " + Quote(key) +
                                     "; the keys are \"date\", \"name\" and \"removes\"");
    }
  }
  HolidayException e;
  const auto date = row.find("date");
  if (date == row.end() || !date->is_string()) {
    return Status::InvalidArgument("\"date\" must be a string such as \"2022-06-03\"");
  }
  CB_ASSIGN_OR_RETURN(e.date, ParseDate(date->get_ref<const std::string&>()));
  const auto name = row.find("name");
  if (name == row.end() || !name->is_string()) return Status::InvalidArgument("\"name\" must be a string");
  e.name = name->get<std::string>();
  const auto removes = row.find("removes");
  if (removes != row.end()) {
    if (!removes->is_boolean()) return Status::InvalidArgument("\"removes\" must be true or false");
    e.removes = removes->get<bool>();
  }
  return e;
}

// Answers "is this a working day?" for a run of consecutive dates, working
// out a year's holidays only when the run enters that year.
class WorkingDayCursor {
 public:
  explicit WorkingDayCursor(const WorkingCalendar& calendar) : calendar_(calendar) {}

  bool IsWorkingDay(Date d) {
    if (IsWeekend(d)) return false;
    if (d.year != year_) {
      year_ = d.year;
      holidays_ = calendar_.Holidays(year_);
    }
    return std::none_of(holidays_.begin(), holidays_.end(), [&](const Holiday& h) { return h.date == d; });
  }

 private:
  const WorkingCalendar& calendar_;
  int year_ = 0;  // never a valid year, so the first date loads its year
  std::vector<Holiday> holidays_;
};

}  // namespace

bool IsValidDate(Date d) { return DateProblem(d).empty(); }

Result<Date> ParseDate(std::string_view text) {
  auto refuse = [&](const std::string& why) {
    return Status::InvalidArgument(Quote(text) + " is not a date: " + why);
  };
  bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-';
  for (size_t i = 0; shape && i < text.size(); ++i) {
    if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) shape = false;
  }
  if (!shape) return refuse("expected YYYY-MM-DD, such as 2024-03-28");
  auto number = [&](size_t pos, size_t len) {
    int n = 0;
    for (size_t i = pos; i < pos + len; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  const Date d{number(0, 4), number(5, 2), number(8, 2)};
  const std::string problem = DateProblem(d);
  if (!problem.empty()) return refuse(problem);
  return d;
}

std::string FormatDate(Date d) {
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", d.year, d.month, d.day);
  return text;
}

// Howard Hinnant's days_from_civil and civil_from_days
// (http://howardhinnant.github.io/date_algorithms.html): years counted from
// 1 March, so the leap day falls at the end of the year, in 400-year eras.
// int64_t throughout so that no int year can overflow.
int64_t DaysFromCivil(Date d) {
  const int64_t y = int64_t{d.year} - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;                                     // [0, 399]
  const int64_t day_of_year = (153 * ((d.month + 9) % 12) + 2) / 5 + d.day - 1;  // [0, 365]
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

Date CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;  // [0, 399]
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;  // month from March, [0, 11]
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  return {static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0)), month, day};
}

Date DateOfMs(uint64_t unix_ms) { return CivilFromDays(static_cast<int64_t>(unix_ms / 86400000)); }

Date AddDays(Date d, int64_t n) { return CivilFromDays(DaysFromCivil(d) + n); }

int Weekday(Date d) {
  // 1970-01-01 was a Thursday (3); the double modulo keeps earlier dates positive.
  return static_cast<int>(((DaysFromCivil(d) + 3) % 7 + 7) % 7);
}

Date EasterSunday(int year) {
  const int a = year % 19;  // place in the 19-year Metonic cycle
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;  // days from 21 March to the Paschal full moon, roughly
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;  // days from the full moon to the Sunday after
  const int m = (a + 11 * h + 22 * l) / 451;
  const int n = h + l - 7 * m + 114;
  return {year, n / 31, n % 31 + 1};
}

WorkingCalendar WorkingCalendar::EnglandAndWales() {
  WorkingCalendar calendar;
  for (const BuiltInException& e : kBuiltInExceptions) {
    [[maybe_unused]] const Status s = calendar.AddException({e.date, e.name, e.removes});
    assert(s.ok() && "the built-in exceptions table must be consistent with the rules");
  }
  return calendar;
}

Status WorkingCalendar::AddException(HolidayException e) {
  const std::string date = FormatDate(e.date);
  const std::string problem = DateProblem(e.date);
  if (!problem.empty()) return Status::InvalidArgument("holiday exception on " + date + ": " + problem);
  if (IsBlank(e.name)) return Status::InvalidArgument("holiday exception on " + date + " needs a name");
  if (!IsUtf8(e.name))
    return Status::InvalidArgument("the name of the holiday exception on " + date + " is not UTF-8");

  const auto at = std::lower_bound(exceptions_.begin(), exceptions_.end(), e.date,
                                   [](const HolidayException& x, Date d) { return x.date < d; });
  if (at != exceptions_.end() && at->date == e.date) {
    return Status::AlreadyExists("the exceptions table already has a row for " + date + " (\"" + at->name +
                                 "\"); change that row rather than adding another");
  }
  const std::vector<Holiday> rules = RuleHolidays(e.date.year);
  const auto rule =
      std::find_if(rules.begin(), rules.end(), [&](const Holiday& h) { return h.date == e.date; });
  if (e.removes) {
    if (rule == rules.end()) {
      return Status::InvalidArgument(
          date + " is not a bank holiday under the standing rules, so there is nothing to remove");
    }
  } else {
    if (IsWeekend(e.date)) {
      return Status::InvalidArgument(date + " is a " + WeekdayName(e.date) +
                                     "; bank holidays fall on weekdays");
    }
    if (rule != rules.end()) {
      return Status::AlreadyExists(date + " is already a bank holiday (" + rule->name + ")");
    }
  }
  exceptions_.insert(at, std::move(e));
  return Status::Ok();
}

json WorkingCalendar::ExceptionsToJson() const {
  json table = json::array();
  for (const HolidayException& e : exceptions_) {
    table.push_back({{"date", FormatDate(e.date)}, {"name", e.name}, {"removes", e.removes}});
  }
  return table;
}

Status WorkingCalendar::LoadExceptions(const json& table) {
  if (!table.is_array()) {
    return Status::InvalidArgument(
        "the exceptions table must be a JSON array of {\"date\", \"name\", \"removes\"} objects");
  }
  // Build the new table on the side, so that a bad row leaves this calendar as it was.
  WorkingCalendar loaded;
  for (size_t i = 0; i < table.size(); ++i) {
    Result<HolidayException> row = ExceptionFromJson(table[i]);
    const Status s = row.ok() ? loaded.AddException(std::move(row).value()) : row.status();
    if (!s.ok()) {
      // Whatever the reason, the file is what is wrong, hence InvalidArgument throughout.
      return Status::InvalidArgument("exceptions table row " + std::to_string(i + 1) + ": " + s.message());
    }
  }
  exceptions_ = std::move(loaded.exceptions_);
  return Status::Ok();
}

std::vector<Holiday> WorkingCalendar::Holidays(int year) const {
  if (year < kFirstYear || year > kLastYear) return {};
  std::vector<Holiday> holidays = RuleHolidays(year);
  for (const HolidayException& e : exceptions_) {
    if (e.date.year != year) continue;
    if (e.removes) {
      std::erase_if(holidays, [&](const Holiday& h) { return h.date == e.date; });
    } else {
      holidays.push_back({e.date, e.name});
    }
  }
  std::sort(holidays.begin(), holidays.end(),
            [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return holidays;
}

bool WorkingCalendar::IsHoliday(Date d) const {
  if (!IsValidDate(d)) return false;
  const std::vector<Holiday> holidays = Holidays(d.year);
  return std::any_of(holidays.begin(), holidays.end(), [&](const Holiday& h) { return h.date == d; });
}

bool WorkingCalendar::IsWorkingDay(Date d) const { return IsValidDate(d) && !IsWeekend(d) && !IsHoliday(d); }

Result<Date> WorkingCalendar::AddWorkingDays(Date start, int n) const {
  const std::string problem = DateProblem(start);
  if (!problem.empty())
    return Status::InvalidArgument(FormatDate(start) + " is not a valid date: " + problem);
  WorkingDayCursor cursor(*this);
  const int step = n >= 0 ? 1 : -1;
  int64_t day = DaysFromCivil(start);
  // int64_t because -n overflows an int when n is INT_MIN.
  for (int64_t left = std::abs(int64_t{n}); left > 0;) {
    day += step;
    const Date d = CivilFromDays(day);
    if (d.year < kFirstYear || d.year > kLastYear) {
      return Status::InvalidArgument(std::to_string(n) + " working days from " + FormatDate(start) +
                                     " is outside the years " + std::to_string(kFirstYear) + " to " +
                                     std::to_string(kLastYear));
    }
    if (cursor.IsWorkingDay(d)) --left;
  }
  return CivilFromDays(day);
}

Result<int> WorkingCalendar::WorkingDaysBetween(Date from, Date to) const {
  for (Date d : {from, to}) {
    const std::string problem = DateProblem(d);
    if (!problem.empty()) return Status::InvalidArgument(FormatDate(d) + " is not a valid date: " + problem);
  }
  if (to < from) return -WorkingDaysBetween(to, from).value();
  WorkingDayCursor cursor(*this);
  int count = 0;  // at most the days in kFirstYear..kLastYear, so an int is enough
  for (int64_t day = DaysFromCivil(from) + 1, last = DaysFromCivil(to); day <= last; ++day) {
    if (cursor.IsWorkingDay(CivilFromDays(day))) ++count;
  }
  return count;
}

}  // namespace caseboard::domain
