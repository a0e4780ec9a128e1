// The server's log: one JSON object per line on stderr. Request lines record
// method, path (ids only, no query), status, device, duration and byte
// counts; never bodies, tokens or signatures (docs/protocol.md, "Limits").
#pragma once

#include <cstdint>
#include <string>

namespace caseboard::server {

struct RequestLog {
  std::string method;
  std::string path;  // without the query
  int status = 0;
  std::string device;  // empty before authentication
  double ms = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  std::string error;   // the error code, for refused requests
  std::string detail;  // why an internal error happened (for the operator)
};

void LogRequest(const RequestLog& entry);
// An event that is not a request: "listening", "stopping", a failed accept...
void LogEvent(const std::string& event, const std::string& message = "");

}  // namespace caseboard::server
