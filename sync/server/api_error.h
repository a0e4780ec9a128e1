// How the board refuses a request: an HTTP status and one of the error codes
// of docs/protocol.md, with a message for a person. Messages never contain
// content or secrets (they go back to the client and into no log).
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "caseboard/status.h"

namespace caseboard::server {

struct ApiError {
  int http_status = 500;
  std::string code;  // protocol, bad_request, unauthenticated, forbidden, ...
  std::string message;
  // For the operator's log only, never sent: why an internal error happened.
  std::string detail;

  static ApiError Make(int http_status, const char* code, std::string message) {
    ApiError e;
    e.http_status = http_status;
    e.code = code;
    e.message = std::move(message);
    return e;
  }
  static ApiError Protocol(std::string m) { return Make(400, "protocol", std::move(m)); }
  static ApiError BadRequest(std::string m) { return Make(400, "bad_request", std::move(m)); }
  static ApiError Unauthenticated(std::string m) { return Make(401, "unauthenticated", std::move(m)); }
  static ApiError Forbidden(std::string m) { return Make(403, "forbidden", std::move(m)); }
  static ApiError NotFound(std::string m) { return Make(404, "not_found", std::move(m)); }
  static ApiError Conflict(std::string m) { return Make(409, "conflict", std::move(m)); }
  static ApiError TooLarge(std::string m) { return Make(413, "too_large", std::move(m)); }
  static ApiError RateLimited(std::string m) { return Make(429, "rate_limited", std::move(m)); }
  static ApiError Internal(std::string m) { return Make(500, "internal", std::move(m)); }

  // A storage or library failure. The Status message can name files, so it
  // is kept for the operator's log (`detail`) and the client gets a generic one.
  static ApiError FromStatus(const Status& s);
};

// Either a T or an ApiError, like Result<T> for the board's request handlers.
template <typename T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  ApiResult(ApiError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const ApiError& error() const { return std::get<ApiError>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, ApiError> v_;
};

}  // namespace caseboard::server

// Returns an ApiError from the enclosing function when a Status is not OK.
#define CB_API_RETURN_IF_ERROR(expr)                                       \
  do {                                                                     \
    ::caseboard::Status cb_api_status_ = (expr);                           \
    if (!cb_api_status_.ok()) return ApiError::FromStatus(cb_api_status_); \
  } while (0)

// Assigns the value of a Result to `lhs`, or returns it as an ApiError.
#define CB_API_ASSIGN_OR_RETURN(lhs, expr) \
  CB_API_ASSIGN_OR_RETURN_IMPL(CB_CONCAT(cb_api_result_, __LINE__), lhs, expr)
#define CB_API_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)        \
  auto tmp = (expr);                                        \
  if (!tmp.ok()) return ApiError::FromStatus(tmp.status()); \
  lhs = std::move(tmp).value()
