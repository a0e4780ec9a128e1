// Reading a review's records: the visible entities of one type, in the order
// they were created, with their fields as JSON (texts as plain strings).
//
// When two devices create a one-of-a-kind record (the referral, the chair's
// decision) offline at the same time, both survive the merge; Records()
// returns both and First() the earlier, so every device reads the same one,
// and the workflow warns that there are two.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "caseboard/crdt/document.h"

namespace caseboard::domain {

struct Record {
  std::string id;
  std::string type;
  std::string compartment;
  crdt::Stamp created;
  nlohmann::json fields;  // field -> value; unset fields are absent

  const nlohmann::json* Get(const std::string& field) const;
  // A string, text, date or enum field's value ("" when unset).
  std::string Str(const std::string& field) const;
  // Set, and not an empty string or empty set.
  bool Filled(const std::string& field) const;
};

// Holds something: not null, not an empty string, set or list.
bool IsFilled(const nlohmann::json& v);

std::vector<Record> Records(const crdt::Document& doc, const std::string& type);
std::optional<Record> First(const crdt::Document& doc, const std::string& type);
std::optional<Record> FindRecord(const crdt::Document& doc, const std::string& id);

}  // namespace caseboard::domain
