// The C API's boundary: every entry point runs its body through Guard, which
// turns a Status (or a C++ exception, which must never reach C) into a
// caseboard_status and a malloc'ed message for the caller.
#pragma once

#include <string>
#include <utility>

#include "caseboard/caseboard.h"
#include "caseboard/status.h"

namespace caseboard::capi {

// A body's result: a Status, or a cancellation (which Status has no code
// for, because nothing below the C API cancels on its own).
struct Outcome {
  Outcome(Status s) : status(std::move(s)) {}  // NOLINT: implicit by design, like Result
  static Outcome Cancel(std::string message) {
    Outcome o(Status::IOError(std::move(message)));
    o.cancelled = true;
    return o;
  }
  Status status;
  bool cancelled = false;
};

caseboard_status CodeOf(Status::Code code);

// A malloc'ed copy the caller frees with caseboard_string_free. Throws
// std::bad_alloc when out of memory (Guard reports it).
char* CopyString(const std::string& s);

// Sets *out (when out is not NULL) to a copy of s.
void SetString(char** out, const std::string& s);

caseboard_status Report(const Outcome& outcome, char** error);
caseboard_status ReportException(const char* what, char** error);

template <typename F>
caseboard_status Guard(char** error, F&& body) {
  if (error) *error = nullptr;
  try {
    return Report(body(), error);
  } catch (const std::exception& e) {
    return ReportException(e.what(), error);
  } catch (...) {
    return ReportException("an unknown exception", error);
  }
}

// For required pointer arguments.
inline Status NotNull(const void* p, const char* what) {
  return p ? Status::Ok() : Status::InvalidArgument(std::string(what) + " is NULL");
}

}  // namespace caseboard::capi
