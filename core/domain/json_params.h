// Reading named parameters out of a JSON object, with errors a person can
// act on ("'type' must be a string"). Shared by read_models.cpp and
// commands.cpp; private to core.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "caseboard/domain/scr_review.h"
#include "caseboard/status.h"

namespace caseboard::domain::params {

inline Status RequireObject(const nlohmann::json& p, const std::string& what) {
  if (p.is_null() || p.is_object()) return Status::Ok();
  return Status::InvalidArgument(what + " must be a JSON object");
}

// An absent or null member gives nullopt; one of another type an error.
inline Result<std::optional<std::string>> OptString(const nlohmann::json& p, const char* key) {
  if (!p.is_object() || !p.contains(key) || p[key].is_null()) return std::optional<std::string>();
  if (!p[key].is_string()) return Status::InvalidArgument(std::string("'") + key + "' must be a string");
  return std::optional<std::string>(p[key].get<std::string>());
}

inline Result<std::string> String(const nlohmann::json& p, const char* key,
                                  const std::string& fallback = "") {
  CB_ASSIGN_OR_RETURN(auto s, OptString(p, key));
  return s.value_or(fallback);
}

inline Result<std::string> RequiredString(const nlohmann::json& p, const char* key) {
  CB_ASSIGN_OR_RETURN(auto s, OptString(p, key));
  if (!s || s->empty())
    return Status::InvalidArgument(std::string("needs '") + key + "' (a non-empty string)");
  return *s;
}

inline Result<bool> Bool(const nlohmann::json& p, const char* key, bool fallback = false) {
  if (!p.is_object() || !p.contains(key) || p[key].is_null()) return fallback;
  if (!p[key].is_boolean())
    return Status::InvalidArgument(std::string("'") + key + "' must be true or false");
  return p[key].get<bool>();
}

inline Result<int64_t> RequiredInt(const nlohmann::json& p, const char* key) {
  if (!p.is_object() || !p.contains(key) || !p[key].is_number_integer())
    return Status::InvalidArgument(std::string("needs '") + key + "' (a whole number)");
  return p[key].get<int64_t>();
}

// A JSON object of record fields; absent means none.
inline Result<Fields> FieldsOf(const nlohmann::json& p, const char* key) {
  Fields out;
  if (!p.is_object() || !p.contains(key) || p[key].is_null()) return out;
  if (!p[key].is_object())
    return Status::InvalidArgument(std::string("'") + key + "' must be an object of field: value");
  for (const auto& [k, v] : p[key].items()) out[k] = v;
  return out;
}

}  // namespace caseboard::domain::params
