// The hybrid logical clock: monotonic, causal, and bounded against clocks that run ahead.
#include <doctest/doctest.h>

#include "caseboard/clock/hlc.h"

using caseboard::clock::Hlc;
using caseboard::clock::HybridClock;

TEST_CASE("Now is strictly increasing even when the physical clock stalls or goes back") {
  uint64_t t = 1000;
  HybridClock c([&] { return t; });
  Hlc a = c.Now();
  Hlc b = c.Now();  // same millisecond
  CHECK(a < b);
  t = 900;  // the wall clock was set back
  Hlc d = c.Now();
  CHECK(b < d);
  t = 2000;
  Hlc e = c.Now();
  CHECK(e.wall_ms == 2000);
  CHECK(e.counter == 0);
}

TEST_CASE("Observe moves the clock past a received timestamp") {
  uint64_t t = 1000;
  HybridClock c([&] { return t; }, 60000);
  REQUIRE(c.Observe({5000, 7}).ok());
  Hlc next = c.Now();
  CHECK(Hlc{5000, 7} < next);
}

TEST_CASE("a timestamp beyond the allowed drift is refused and does not move the clock") {
  uint64_t t = 1'000'000;
  HybridClock c([&] { return t; }, 10 * 60 * 1000);
  CHECK(c.Plausible({t + 10 * 60 * 1000, 0}));
  CHECK_FALSE(c.Plausible({t + 10 * 60 * 1000 + 1, 0}));
  auto s = c.Observe({t + 24ull * 3600 * 1000, 0});  // a day ahead
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("ahead") != std::string::npos);
  CHECK(c.Now().wall_ms == t);  // not dragged forward
  CHECK(c.AheadBy({t + 5000, 0}) == 5000);
}

TEST_CASE("timestamps print as UTC") {
  CHECK(Hlc{1700000000123, 2}.ToString() == "2023-11-14T22:13:20.123Z+2");
}
