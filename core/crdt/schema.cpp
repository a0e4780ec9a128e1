#include "caseboard/crdt/schema.h"

#include "caseboard/bytes.h"

#include <algorithm>
#include <cstdlib>

namespace caseboard::crdt {

const char* FieldTypeName(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return "string";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kDate:
      return "date";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kReference:
      return "reference";
    case FieldType::kStringSet:
      return "set of strings";
    case FieldType::kRefSet:
      return "set of references";
    case FieldType::kText:
      return "text";
  }
  return "unknown";
}

bool IsSet(FieldType t) { return t == FieldType::kStringSet || t == FieldType::kRefSet; }

Schema Schema::Base() {
  Schema s;
  s.Add({"review", "general", {{"title", {FieldType::kString}}}});
  s.Add({"note", "general", {{"title", {FieldType::kString}}, {"body", {FieldType::kText}}}});
  // Who uses a device, kept in the encrypted general compartment (membership
  // changes are readable by the server, so names never go there).
  s.Add({"device", "general", {{"device", {FieldType::kString}}, {"person", {FieldType::kString}}}});
  s.Add({"attachment",
         "general",
         {{"name", {FieldType::kString}},
          {"content", {FieldType::kString}},  // SHA-256 of the file, hex
          {"size", {FieldType::kInteger}},
          {"media_type", {FieldType::kString}},
          {"about", {FieldType::kReference}},
          // The key its chunks travel under between devices (hex), kept
          // only here, inside the review's encrypted changes.
          {"key", {FieldType::kString}}}});
  return s;
}

void Schema::Add(EntityType type) { types_[type.name] = std::move(type); }

const EntityType* Schema::Find(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

const FieldDef* Schema::Field(const std::string& type, const std::string& field) const {
  const EntityType* t = Find(type);
  if (!t) return nullptr;
  auto it = t->fields.find(field);
  return it == t->fields.end() ? nullptr : &it->second;
}

bool IsValidDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = std::atoi(s.substr(0, 4).c_str()), m = std::atoi(s.substr(5, 2).c_str()),
      d = std::atoi(s.substr(8, 2).c_str());
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

Status Schema::CheckValue(const std::string& type, const std::string& field, const nlohmann::json& v) const {
  const EntityType* t = Find(type);
  if (!t) return Status::InvalidArgument("unknown entity type '" + type + "'");
  auto it = t->fields.find(field);
  if (it == t->fields.end())
    return Status::InvalidArgument("type '" + type + "' has no field '" + field + "'");
  const FieldDef& f = it->second;
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("field '" + field + "' of '" + type + "' is a " + FieldTypeName(f.type) +
                                   ": " + why);
  };
  if (v.is_null() && !IsSet(f.type)) return Status::Ok();  // clearing a field
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kText:
    case FieldType::kStringSet:
      if (!v.is_string()) return bad("expected a string");
      if (!IsValidUtf8(v.get_ref<const std::string&>())) return bad("the text is not valid UTF-8");
      return Status::Ok();
    case FieldType::kInteger:
      if (!v.is_number_integer()) return bad("expected a whole number");
      return Status::Ok();
    case FieldType::kBoolean:
      if (!v.is_boolean()) return bad("expected true or false");
      return Status::Ok();
    case FieldType::kDate:
      if (!v.is_string() || !IsValidDate(v.get<std::string>())) return bad("expected a date as YYYY-MM-DD");
      return Status::Ok();
    case FieldType::kEnum: {
      if (!v.is_string() || !IsValidUtf8(v.get_ref<const std::string&>()))
        return bad("expected one of its values");
      if (std::find(f.values.begin(), f.values.end(), v.get<std::string>()) == f.values.end()) {
        std::string allowed;
        for (const auto& a : f.values) allowed += (allowed.empty() ? "" : ", ") + a;
        return bad("'" + v.get<std::string>() + "' is not one of: " + allowed);
      }
      return Status::Ok();
    }
    case FieldType::kReference:
    case FieldType::kRefSet:
      if (!v.is_string() || !IsId(v.get<std::string>())) return bad("expected an entity id");
      return Status::Ok();
  }
  return bad("unsupported");
}

Result<nlohmann::json> Schema::ParseValue(const std::string& type, const std::string& field,
                                          const std::string& text) const {
  const FieldDef* f = Field(type, field);
  if (!f) {
    if (!Find(type)) return Status::InvalidArgument("unknown entity type '" + type + "'");
    return Status::InvalidArgument("type '" + type + "' has no field '" + field + "'");
  }
  nlohmann::json v;
  switch (f->type) {
    case FieldType::kInteger: {
      char* end = nullptr;
      long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0')
        return Status::InvalidArgument("field '" + field + "' is an integer: '" + text +
                                       "' is not a whole number");
      v = n;
      break;
    }
    case FieldType::kBoolean:
      if (text == "true" || text == "yes")
        v = true;
      else if (text == "false" || text == "no")
        v = false;
      else
        return Status::InvalidArgument("field '" + field + "' is a boolean: use true or false");
      break;
    default:
      v = text;
  }
  CB_RETURN_IF_ERROR(CheckValue(type, field, v));
  return v;
}

}  // namespace caseboard::crdt
