// Privacy mode: real names on screen replaced by the review's pseudonyms, for
// working in public places or sharing a screen.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "caseboard/crdt/document.h"

namespace caseboard::app {

class Pseudonyms {
 public:
  // Every person record's name and its pseudonym ("Person N" when none is
  // set), longest names first so "Anna Smith" goes before "Anna".
  static Pseudonyms From(const crdt::Document& doc);
  std::string Apply(const std::string& text) const;

 private:
  std::vector<std::pair<std::string, std::string>> names_;
};

// A review title in the list, where no person records are open: the title
// may itself hold a name, so privacy mode shows only a neutral label.
std::string Pseudonymise(const std::string& title);

}  // namespace caseboard::app
