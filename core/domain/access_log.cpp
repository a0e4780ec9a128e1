#include "caseboard/domain/access_log.h"

#include <algorithm>
#include <ctime>

#include "caseboard/domain/records.h"

namespace caseboard::domain {
namespace {

std::string UtcTime(uint64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Result<bool> LogAccess(review::Replica& replica, const std::string& action, const std::string& record,
                       const std::string& how) {
  if (action != "opened" && action != "exported" && action != "printed")
    return Status::InvalidArgument("unknown access '" + action + "'");
  auto rec = FindRecord(replica.document(), record);
  if (!rec) return Status::NotFound("no record " + record + " in this review");
  if (rec->compartment != "restricted") return false;
  if (!replica.membership().CanWrite(replica.device(), "restricted")) return false;
  CB_RETURN_IF_ERROR(
      replica.AddEntity("access_log", {{"action", action}, {"record", record}, {"how", how}}, "restricted")
          .status());
  return true;
}

std::vector<AccessEntry> AccessLog(const crdt::Document& doc) {
  std::vector<std::pair<crdt::Stamp, AccessEntry>> entries;
  for (const auto& r : Records(doc, "access_log")) {
    AccessEntry e{r.Str("action"), r.Str("record"),  "",
                  r.Str("how"),    r.created.author, UtcTime(r.created.hlc.wall_ms)};
    if (auto target = FindRecord(doc, e.record)) e.record_type = target->type;
    entries.emplace_back(r.created, std::move(e));
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<AccessEntry> out;
  for (auto& [stamp, e] : entries) out.push_back(std::move(e));
  return out;
}

}  // namespace caseboard::domain
