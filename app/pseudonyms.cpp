#include "pseudonyms.h"

#include <algorithm>

#include "caseboard/domain/records.h"

namespace caseboard::app {

Pseudonyms Pseudonyms::From(const crdt::Document& doc) {
  Pseudonyms p;
  int n = 0;
  for (const auto& r : domain::Records(doc, "person")) {
    ++n;
    std::string name = r.Str("name");
    if (name.empty()) continue;
    std::string pseudonym = r.Str("pseudonym");
    p.names_.emplace_back(name, pseudonym.empty() ? "Person " + std::to_string(n) : pseudonym);
    // Each part of a full name on its own too ("Anna" of "Anna Smith").
    size_t space = name.find(' ');
    if (space != std::string::npos && space >= 3)
      p.names_.emplace_back(name.substr(0, space),
                            pseudonym.empty() ? "Person " + std::to_string(n) : pseudonym);
  }
  std::sort(p.names_.begin(), p.names_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return p;
}

std::string Pseudonyms::Apply(const std::string& text) const {
  std::string out = text;
  for (const auto& [name, pseudonym] : names_) {
    for (size_t at = out.find(name); at != std::string::npos; at = out.find(name, at + pseudonym.size()))
      out.replace(at, name.size(), pseudonym);
  }
  return out;
}

std::string Pseudonymise(const std::string&) { return "(review title hidden)"; }

}  // namespace caseboard::app
