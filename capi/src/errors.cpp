// Status codes, messages and the library's memory (caseboard.h: ERRORS, MEMORY).
#include "errors.h"

#include <openssl/crypto.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace caseboard::capi {

caseboard_status CodeOf(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return CASEBOARD_OK;
    case Status::Code::kInvalidArgument:
      return CASEBOARD_INVALID_ARGUMENT;
    case Status::Code::kNotFound:
      return CASEBOARD_NOT_FOUND;
    case Status::Code::kAlreadyExists:
      return CASEBOARD_ALREADY_EXISTS;
    case Status::Code::kCorruption:
      return CASEBOARD_CORRUPTION;
    case Status::Code::kAuthFailed:
      return CASEBOARD_AUTH_FAILED;
    case Status::Code::kLocked:
      return CASEBOARD_LOCKED;
    case Status::Code::kBusy:
      return CASEBOARD_BUSY;
    case Status::Code::kUnsupported:
      return CASEBOARD_UNSUPPORTED;
    case Status::Code::kIOError:
      return CASEBOARD_IO_ERROR;
    case Status::Code::kInternal:
      return CASEBOARD_INTERNAL;
    case Status::Code::kRevoked:
      return CASEBOARD_REVOKED;
  }
  return CASEBOARD_INTERNAL;
}

char* CopyString(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

void SetString(char** out, const std::string& s) {
  if (out) *out = CopyString(s);
}

caseboard_status Report(const Outcome& outcome, char** error) {
  if (outcome.status.ok() && !outcome.cancelled) return CASEBOARD_OK;
  caseboard_status code = outcome.cancelled ? CASEBOARD_CANCELLED : CodeOf(outcome.status.code());
  if (error) {
    // Out of memory while reporting: the code still says what happened.
    try {
      *error = CopyString(outcome.status.message());
    } catch (...) {
      *error = nullptr;
    }
  }
  return code;
}

caseboard_status ReportException(const char* what, char** error) {
  if (error) {
    try {
      *error = CopyString(std::string("internal error: ") + what);
    } catch (...) {
      *error = nullptr;
    }
  }
  return CASEBOARD_INTERNAL;
}

}  // namespace caseboard::capi

extern "C" {

const char* caseboard_status_name(caseboard_status status) {
  switch (status) {
    case CASEBOARD_OK:
      return "ok";
    case CASEBOARD_INVALID_ARGUMENT:
      return "invalid_argument";
    case CASEBOARD_NOT_FOUND:
      return "not_found";
    case CASEBOARD_ALREADY_EXISTS:
      return "already_exists";
    case CASEBOARD_CORRUPTION:
      return "corruption";
    case CASEBOARD_AUTH_FAILED:
      return "auth_failed";
    case CASEBOARD_LOCKED:
      return "locked";
    case CASEBOARD_BUSY:
      return "busy";
    case CASEBOARD_UNSUPPORTED:
      return "unsupported";
    case CASEBOARD_IO_ERROR:
      return "io_error";
    case CASEBOARD_INTERNAL:
      return "internal";
    case CASEBOARD_CANCELLED:
      return "cancelled";
    case CASEBOARD_REVOKED:
      return "revoked";
  }
  return "unknown";
}

const char* caseboard_version(void) { return CASEBOARD_VERSION_STRING; }

void caseboard_string_free(char* s) {
  if (!s) return;
  OPENSSL_cleanse(s, std::strlen(s));
  std::free(s);
}

void caseboard_buffer_free(uint8_t* data, size_t size) {
  if (!data) return;
  OPENSSL_cleanse(data, size);
  std::free(data);
}

}  // extern "C"
