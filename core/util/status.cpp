#include "caseboard/status.h"

namespace caseboard {

const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kInvalidArgument:
      return "Invalid argument";
    case Status::Code::kNotFound:
      return "Not found";
    case Status::Code::kAlreadyExists:
      return "Already exists";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kAuthFailed:
      return "Authentication failed";
    case Status::Code::kLocked:
      return "Locked";
    case Status::Code::kBusy:
      return "Busy";
    case Status::Code::kUnsupported:
      return "Unsupported";
    case Status::Code::kIOError:
      return "I/O error";
    case Status::Code::kInternal:
      return "Internal error";
    case Status::Code::kRevoked:
      return "Revoked";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace caseboard
