// Small helpers shared by the SCR domain suites.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "caseboard/domain/calendar.h"

namespace caseboard::test {

// A date the test knows is valid ("2024-12-20").
inline domain::Date D(const char* text) {
  auto d = domain::ParseDate(text);
  REQUIRE_MESSAGE(d.ok(), d.status().ToString());
  return *d;
}

inline bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace caseboard::test
