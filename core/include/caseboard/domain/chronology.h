// The multi-agency chronology: every agency's chronology entries merged into
// one timeline, filtered and sorted. Entries made on different devices
// offline simply merge (each is its own record); the order is by date, then
// time (entries without a time come first on their day), then agency, then
// id, so every device lists them identically.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "caseboard/crdt/document.h"

namespace caseboard::domain {

struct ChronologyRow {
  std::string id;
  std::string date;  // YYYY-MM-DD
  std::string time;  // HH:MM or ""
  std::string agency;
  std::string event;
  std::string source;
  std::string significance;
  std::string compartment;
  nlohmann::json ToJson() const;
};

struct ChronologyFilter {
  std::vector<std::string> agencies;  // any of these (case-insensitive); empty = all
  std::string from, to;               // inclusive dates; "" = open
  std::string min_significance;       // "notable" keeps notable and key
  std::string text;                   // in event or source, case-insensitive
};

enum class ChronologySort { kDate, kAgency, kSignificance };

Result<std::vector<ChronologyRow>> Chronology(const crdt::Document& doc, const ChronologyFilter& filter = {},
                                              ChronologySort sort = ChronologySort::kDate,
                                              bool descending = false);

}  // namespace caseboard::domain
