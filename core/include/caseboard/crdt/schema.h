// The schema registry: which entity types a review may hold, their fields and
// field types. The engine refuses an op that does not fit, naming the field.
// core/crdt registers the engine's own types (review, note, attachment);
// core/domain adds the serious case review's types.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "caseboard/status.h"

namespace caseboard::crdt {

enum class FieldType {
  kString,   // a short string
  kInteger,  // a 64-bit signed integer
  kBoolean,
  kDate,       // "YYYY-MM-DD", a real calendar date
  kEnum,       // one of FieldDef::values
  kReference,  // the id of another entity (optionally of FieldDef::ref_type)
  kStringSet,  // add-wins set of strings
  kRefSet,     // add-wins set of entity ids
  kText,       // long text that merges character by character (text.h)
};

const char* FieldTypeName(FieldType t);
bool IsSet(FieldType t);

struct FieldDef {
  FieldDef(FieldType t = FieldType::kString, std::vector<std::string> allowed = {},
           std::string ref = {})  // NOLINT
      : type(t), values(std::move(allowed)), ref_type(std::move(ref)) {}
  FieldType type;
  std::vector<std::string> values;  // allowed values of an enum
  std::string ref_type;             // for references: the entity type referred to ("" = any)
};

struct EntityType {
  std::string name;
  std::string compartment = "general";  // where new entities of this type go by default
  std::map<std::string, FieldDef> fields;
};

class Schema {
 public:
  // The engine's own types: "review" (title), "note" (title, body), "device"
  // (who uses a device) and "attachment" (name, content hash, size, media type).
  static Schema Base();

  void Add(EntityType type);
  const EntityType* Find(const std::string& name) const;
  const std::map<std::string, EntityType>& types() const { return types_; }

  // Checks a value for a field of a type. For sets, `value` is one element.
  Status CheckValue(const std::string& type, const std::string& field, const nlohmann::json& value) const;
  const FieldDef* Field(const std::string& type, const std::string& field) const;

  // Parses command-line text ("2024-03-01", "42", "true") into the JSON value
  // a field of this type holds.
  Result<nlohmann::json> ParseValue(const std::string& type, const std::string& field,
                                    const std::string& text) const;

 private:
  std::map<std::string, EntityType> types_;
};

bool IsValidDate(const std::string& s);

}  // namespace caseboard::crdt
