// The board's HTTP endpoints (docs/protocol.md, "Endpoints"), without the
// transport: a parsed request goes in, a response (or a long poll to start)
// comes out. http_server.cpp owns sockets, TLS and timers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "board.h"
#include "caseboard/bytes.h"
#include "rate_limiter.h"

namespace caseboard::server {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path and query, as sent
  std::optional<std::string> protocol;         // X-Caseboard-Protocol, if present
  std::string device, time, nonce, signature;  // the authentication headers ("" if absent)
  ByteView body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/cbor";
  Bytes body;
  uint64_t retry_after = 0;  // seconds, for 429
  // For the log only.
  std::string device;
  std::string error;
  std::string detail;
};

// GET /v1/reviews/{id}/wait, authenticated and checked for form: the
// transport waits (without holding a thread) and then calls FinishWait.
struct WaitRequest {
  std::string device;
  std::string review;
  uint64_t after = 0;
  int timeout_s = 0;
};

class Router {
 public:
  Router(Board& board, std::string ca_pem, RateLimiter& limiter)
      : board_(board), ca_pem_(std::move(ca_pem)), limiter_(limiter) {}

  std::variant<HttpResponse, WaitRequest> Handle(const HttpRequest& request);
  // The answer to a long poll once woken or timed out: the head now, unless
  // the device was revoked or removed from the review meanwhile.
  HttpResponse FinishWait(const WaitRequest& wait);

  Board& board() { return board_; }

  static HttpResponse Error(const ApiError& error, const std::string& device = "");

 private:
  Board& board_;
  std::string ca_pem_;
  RateLimiter& limiter_;
};

// The path of a target, without its query (what the log records).
std::string PathOf(const std::string& target);

}  // namespace caseboard::server
