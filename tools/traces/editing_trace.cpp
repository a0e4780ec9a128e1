#include "editing_trace.h"

#include <zlib.h>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

namespace caseboard::traces {

size_t EditingTrace::patch_count() const {
  size_t n = 0;
  for (const Txn& t : txns) n += t.patches.size();
  return n;
}

static Result<std::string> ReadGzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Status::IOError("cannot open trace " + path);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  bool failed = n < 0;
  gzclose(f);
  if (failed) return Status::Corruption("trace " + path + " is not valid gzip");
  return out;
}

// "2021-04-19T06:06:58.219Z" -> milliseconds since the epoch (0 if unparsable).
static int64_t ParseTime(const std::string& s) {
  std::tm tm{};
  int ms = 0;
  if (sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
             &tm.tm_sec, &ms) < 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

Result<EditingTrace> LoadEditingTrace(const std::string& path) {
  CB_ASSIGN_OR_RETURN(std::string text, ReadGzip(path));
  EditingTrace trace;
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    trace.concurrent = j.value("kind", "") == "concurrent";
    trace.agents = j.value("numAgents", 1u);
    trace.end_content = j.at("endContent").get<std::string>();
    for (const auto& t : j.at("txns")) {
      Txn txn;
      if (t.contains("time") && t["time"].is_string()) txn.time_ms = ParseTime(t["time"].get<std::string>());
      if (trace.concurrent) {
        txn.agent = t.at("agent").get<uint32_t>();
        txn.parents = t.at("parents").get<std::vector<uint32_t>>();
      }
      for (const auto& p : t.at("patches"))
        txn.patches.push_back({p.at(0).get<uint32_t>(), p.at(1).get<uint32_t>(), p.at(2).get<std::string>()});
      trace.txns.push_back(std::move(txn));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption("trace " + path + " is malformed: " + e.what());
  }
  return trace;
}

std::string TracesDir() {
  if (const char* dir = std::getenv("CASEBOARD_TRACES_DIR"); dir && *dir) return dir;
  return CASEBOARD_SOURCE_TRACES_DIR;
}

}  // namespace caseboard::traces
