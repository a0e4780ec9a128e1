// Hybrid logical clock (Kulkarni et al.): physical milliseconds plus a
// counter, tie-broken by device id, giving every change a timestamp that
// respects causality and totally orders concurrent edits.
//
// A device whose clock runs far ahead would otherwise win every concurrent
// conflict until real time caught up, and drag every peer's clock forward
// with it. So a timestamp more than `max_drift_ms` ahead of our own physical
// clock is refused (Observe returns kInvalidArgument); the review engine
// holds such a change until its time becomes plausible.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

#include "caseboard/status.h"

namespace caseboard::clock {

struct Hlc {
  uint64_t wall_ms = 0;
  uint32_t counter = 0;
  auto operator<=>(const Hlc&) const = default;
  std::string ToString() const;  // "2026-11-24T11:33:44.123Z+5"
};

class HybridClock {
 public:
  static constexpr uint64_t kDefaultMaxDriftMs = 10 * 60 * 1000;  // ten minutes

  using PhysicalClock = std::function<uint64_t()>;  // milliseconds since the Unix epoch
  static uint64_t SystemNowMs();

  explicit HybridClock(PhysicalClock physical = SystemNowMs, uint64_t max_drift_ms = kDefaultMaxDriftMs)
      : physical_(std::move(physical)), max_drift_ms_(max_drift_ms) {}

  // A timestamp for a new local event, greater than every one seen before.
  Hlc Now();
  // Merges a timestamp seen in a received change, or refuses one too far ahead.
  Status Observe(const Hlc& remote);
  // True if `t` is within the accepted drift of our physical clock.
  bool Plausible(const Hlc& t) const;
  // How far `t` is ahead of our physical clock, in ms (0 if not ahead).
  uint64_t AheadBy(const Hlc& t) const;

  const Hlc& last() const { return last_; }
  void Restore(const Hlc& last) { last_ = std::max(last_, last); }
  uint64_t max_drift_ms() const { return max_drift_ms_; }

 private:
  PhysicalClock physical_;
  uint64_t max_drift_ms_;
  Hlc last_;
};

}  // namespace caseboard::clock
