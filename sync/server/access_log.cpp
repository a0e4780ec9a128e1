#include "access_log.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace caseboard::server {

namespace {

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

void Emit(const nlohmann::json& j) {
  // One fwrite per line: stdio's lock keeps lines from different threads whole.
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void LogRequest(const RequestLog& e) {
  nlohmann::json j = {{"time", NowIso()},   {"method", e.method}, {"path", e.path},
                      {"status", e.status}, {"device", e.device}, {"ms", std::round(e.ms * 100) / 100},
                      {"in", e.bytes_in},   {"out", e.bytes_out}};
  if (!e.error.empty()) j["error"] = e.error;
  if (!e.detail.empty()) j["detail"] = e.detail;
  Emit(j);
}

void LogEvent(const std::string& event, const std::string& message) {
  nlohmann::json j = {{"time", NowIso()}, {"event", event}};
  if (!message.empty()) j["message"] = message;
  Emit(j);
}

}  // namespace caseboard::server
