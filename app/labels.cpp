// Readable names for what the schema calls by id, shared by every screen
// that lists records, so "agency_report" reads "Agency report" everywhere.
#include <algorithm>
#include <cctype>

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

}  // namespace caseboard::app
