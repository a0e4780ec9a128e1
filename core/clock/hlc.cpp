#include "caseboard/clock/hlc.h"

#include <chrono>
#include <ctime>

namespace caseboard::clock {

std::string Hlc::ToString() const {
  std::time_t secs = static_cast<std::time_t>(wall_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03u", static_cast<unsigned>(wall_ms % 1000));
  out += ms;
  out += "Z";
  if (counter) out += "+" + std::to_string(counter);
  return out;
}

uint64_t HybridClock::SystemNowMs() {
  using namespace std::chrono;
  return static_cast<uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

Hlc HybridClock::Now() {
  uint64_t pt = physical_();
  if (pt > last_.wall_ms) {
    last_ = {pt, 0};
  } else {
    ++last_.counter;
  }
  return last_;
}

bool HybridClock::Plausible(const Hlc& t) const { return t.wall_ms <= physical_() + max_drift_ms_; }

uint64_t HybridClock::AheadBy(const Hlc& t) const {
  uint64_t pt = physical_();
  return t.wall_ms > pt ? t.wall_ms - pt : 0;
}

Status HybridClock::Observe(const Hlc& remote) {
  if (!Plausible(remote))
    return Status::InvalidArgument("timestamp " + remote.ToString() + " is " +
                                   std::to_string(AheadBy(remote) / 1000) +
                                   " s ahead of this device's clock");
  uint64_t pt = physical_();
  Hlc next;
  next.wall_ms = std::max({pt, last_.wall_ms, remote.wall_ms});
  if (next.wall_ms == last_.wall_ms && next.wall_ms == remote.wall_ms) {
    next.counter = std::max(last_.counter, remote.counter) + 1;
  } else if (next.wall_ms == last_.wall_ms) {
    next.counter = last_.counter + 1;
  } else if (next.wall_ms == remote.wall_ms) {
    next.counter = remote.counter + 1;
  }
  last_ = next;
  return Status::Ok();
}

}  // namespace caseboard::clock
