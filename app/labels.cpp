// Readable names for what the schema calls by id, shared by every screen
// that lists records, so "agency_report" reads "Agency report" everywhere;
// and file sizes in words.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "app.h"
#include "caseboard/domain/records.h"

namespace caseboard::app {

std::string Readable(const std::string& id) {
  // Where the id drops the hyphen the English word has.
  if (id == "signoff") return "Sign-off";
  std::string s = id;
  std::replace(s.begin(), s.end(), '_', ' ');
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string RecordLabel(const crdt::Document& doc, const domain::Record& rec) {
  std::string what = rec.Str("title");
  if (what.empty() && rec.Filled("agency") && rec.Get("agency")->is_string())
    if (auto agency = domain::FindRecord(doc, rec.Get("agency")->get<std::string>()))
      what = agency->Str("name");
  if (what.empty()) what = rec.Str("name");
  if (what.empty()) what = rec.Str("question");
  if (what.empty()) {
    what = rec.Str("held_on");
    if (!rec.Str("by").empty()) what += (what.empty() ? "" : " by ") + rec.Str("by");
  }
  if (what.empty()) what = rec.id.substr(0, 8);
  return Readable(rec.type) + ": " + what;
}

std::string HumanSize(int64_t n) {
  if (n < 0) return "size not recorded";
  char buf[32];
  if (n < 1024)
    std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(n));
  else if (n < 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f KB", n / 1024.0);
  else if (n < 1024LL * 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f MB", n / (1024.0 * 1024));
  else
    std::snprintf(buf, sizeof buf, "%.2f GB", n / (1024.0 * 1024 * 1024));
  return buf;
}

}  // namespace caseboard::app
