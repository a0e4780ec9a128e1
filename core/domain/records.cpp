#include "caseboard/domain/records.h"

#include <algorithm>

namespace caseboard::domain {

using nlohmann::json;

const json* Record::Get(const std::string& field) const {
  auto it = fields.find(field);
  return it == fields.end() ? nullptr : &*it;
}

std::string Record::Str(const std::string& field) const {
  const json* v = Get(field);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

bool IsFilled(const json& v) {
  if (v.is_null()) return false;
  // json::empty() is false for every string, "" included.
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  if (v.is_array() || v.is_object()) return !v.empty();
  return true;
}

bool Record::Filled(const std::string& field) const {
  const json* v = Get(field);
  return v && IsFilled(*v);
}

static Record MakeRecord(const crdt::Document& doc, const std::string& id, const crdt::Entity& e) {
  json j = doc.EntityJson(id, e);
  return {id, e.type(), e.compartment(), e.creations.at(*e.scope()), j["fields"]};
}

std::vector<Record> Records(const crdt::Document& doc, const std::string& type) {
  std::vector<Record> out;
  for (const auto& [id, e] : doc.entities())
    if (e.visible() && e.type() == type) out.push_back(MakeRecord(doc, id, e));
  std::sort(out.begin(), out.end(), [](const Record& a, const Record& b) {
    return a.created != b.created ? a.created < b.created : a.id < b.id;
  });
  return out;
}

std::optional<Record> First(const crdt::Document& doc, const std::string& type) {
  auto all = Records(doc, type);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::optional<Record> FindRecord(const crdt::Document& doc, const std::string& id) {
  const crdt::Entity* e = doc.Find(id);
  if (!e || !e->visible()) return std::nullopt;
  return MakeRecord(doc, id, *e);
}

}  // namespace caseboard::domain
