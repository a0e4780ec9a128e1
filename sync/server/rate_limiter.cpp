#include "rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace caseboard::server {

uint64_t RateLimiter::Take(const std::string& key, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  // Buckets that have refilled completely are the same as no bucket: drop
  // them now and then so that the map stays the size of the active devices.
  if (now_ms > last_sweep_ms_ + 60000) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double idle_s = static_cast<double>(now_ms - std::min(now_ms, it->second.last_ms)) / 1000.0;
      it = it->second.tokens + idle_s * rate_ >= burst_ ? buckets_.erase(it) : std::next(it);
    }
    last_sweep_ms_ = now_ms;
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now_ms});
  Bucket& b = it->second;
  if (!fresh && now_ms > b.last_ms) {
    b.tokens = std::min(burst_, b.tokens + static_cast<double>(now_ms - b.last_ms) / 1000.0 * rate_);
    b.last_ms = now_ms;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return static_cast<uint64_t>(std::max(1.0, std::ceil((1.0 - b.tokens) / rate_)));
}

}  // namespace caseboard::server
