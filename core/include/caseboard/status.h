// Status and Result: how errors cross library boundaries in Caseboard.
//
// Exceptions never leave a library. A function that can fail returns a Status,
// or a Result<T> that holds either a value or a Status. The message is written
// for a person: it says what failed and, where possible, what to do about it.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace caseboard {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the caller's input is malformed
    kNotFound,         // the thing asked for does not exist
    kAlreadyExists,    // creating something that is already there
    kCorruption,       // stored data is damaged or was tampered with
    kAuthFailed,       // a tag, signature or passphrase did not check out
    kLocked,           // the vault is locked; unlock first
    kBusy,             // another process holds what we need (the vault's writer lock)
    kUnsupported,      // a newer format or a feature this build does not have
    kIOError,          // the operating system refused a read or write
    kInternal,         // a library we call failed in a way we did not expect
    kRevoked,          // the board revoked this device: it must wipe its vault
  };

  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status AuthFailed(std::string m) { return {Code::kAuthFailed, std::move(m)}; }
  static Status Locked(std::string m) { return {Code::kLocked, std::move(m)}; }
  static Status Busy(std::string m) { return {Code::kBusy, std::move(m)}; }
  static Status Unsupported(std::string m) { return {Code::kUnsupported, std::move(m)}; }
  static Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
  static Status Revoked(std::string m) { return {Code::kRevoked, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsAuthFailed() const { return code_ == Code::kAuthFailed; }
  bool IsRevoked() const { return code_ == Code::kRevoked; }

  // Adds context in front of the message: "opening record x: <message>".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

  // "Corruption: <message>", for logs and tests.
  std::string ToString() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

const char* CodeName(Status::Code code);

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "a Result needs a value or an error");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace caseboard

// Returns early from the enclosing function when a Status is not OK.
#define CB_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::caseboard::Status cb_status_ = (expr); \
    if (!cb_status_.ok()) return cb_status_; \
  } while (0)

#define CB_CONCAT_INNER(a, b) a##b
#define CB_CONCAT(a, b) CB_CONCAT_INNER(a, b)

// Assigns the value of a Result to `lhs`, or returns its Status from the enclosing function.
#define CB_ASSIGN_OR_RETURN(lhs, expr) CB_ASSIGN_OR_RETURN_IMPL(CB_CONCAT(cb_result_, __LINE__), lhs, expr)
#define CB_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
