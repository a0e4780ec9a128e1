#include "caseboard/domain/chronology.h"

#include <algorithm>
#include <cctype>

#include "caseboard/domain/records.h"

namespace caseboard::domain {

using nlohmann::json;

json ChronologyRow::ToJson() const {
  return {{"id", id},
          {"date", date},
          {"time", time},
          {"agency", agency},
          {"event", event},
          {"source", source},
          {"significance", significance},
          {"compartment", compartment}};
}

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int Rank(const std::string& significance) {
  if (significance == "key") return 2;
  if (significance == "notable") return 1;
  return 0;
}

auto DateKey(const ChronologyRow& r) { return std::tie(r.date, r.time, r.agency, r.id); }

}  // namespace

Result<std::vector<ChronologyRow>> Chronology(const crdt::Document& doc, const ChronologyFilter& filter,
                                              ChronologySort sort, bool descending) {
  if (!filter.min_significance.empty() && filter.min_significance != "routine" &&
      filter.min_significance != "notable" && filter.min_significance != "key")
    return Status::InvalidArgument("significance is routine, notable or key, not '" +
                                   filter.min_significance + "'");
  for (const std::string* d : {&filter.from, &filter.to})
    if (!d->empty() && !crdt::IsValidDate(*d))
      return Status::InvalidArgument("expected a date as YYYY-MM-DD, got '" + *d + "'");
  std::string needle = Lower(filter.text);
  std::vector<ChronologyRow> rows;
  for (const auto& r : Records(doc, "chronology_entry")) {
    ChronologyRow row{r.id,           r.Str("date"),   r.Str("time"),         r.Str("agency"),
                      r.Str("event"), r.Str("source"), r.Str("significance"), r.compartment};
    if (!filter.agencies.empty()) {
      bool any = false;
      for (const auto& a : filter.agencies) any = any || Lower(a) == Lower(row.agency);
      if (!any) continue;
    }
    if (!filter.from.empty() && row.date < filter.from) continue;
    if (!filter.to.empty() && row.date > filter.to) continue;
    if (Rank(row.significance) < Rank(filter.min_significance)) continue;
    if (!needle.empty() && Lower(row.event).find(needle) == std::string::npos &&
        Lower(row.source).find(needle) == std::string::npos)
      continue;
    rows.push_back(std::move(row));
  }
  auto less = [sort](const ChronologyRow& a, const ChronologyRow& b) {
    switch (sort) {
      case ChronologySort::kAgency:
        if (Lower(a.agency) != Lower(b.agency)) return Lower(a.agency) < Lower(b.agency);
        break;
      case ChronologySort::kSignificance:
        if (Rank(a.significance) != Rank(b.significance)) return Rank(a.significance) > Rank(b.significance);
        break;
      case ChronologySort::kDate:
        break;
    }
    return DateKey(a) < DateKey(b);
  };
  std::sort(rows.begin(), rows.end(), less);
  if (descending) std::reverse(rows.begin(), rows.end());
  return rows;
}

}  // namespace caseboard::domain
