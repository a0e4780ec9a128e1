// A token bucket per device (docs/protocol.md, "Limits"): `rate` requests a
// second sustained, bursts of up to `burst`. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace caseboard::server {

class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // 0 if `key` may make a request at `now_ms` (and counts it); otherwise the
  // whole seconds to wait before the next one would pass (for Retry-After).
  uint64_t Take(const std::string& key, uint64_t now_ms);

 private:
  struct Bucket {
    double tokens = 0;
    uint64_t last_ms = 0;
  };
  double rate_, burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
  uint64_t last_sweep_ms_ = 0;
};

}  // namespace caseboard::server
