#include "caseboard/crdt/document.h"

#include "caseboard/bytes.h"

namespace caseboard::crdt {

using nlohmann::json;

std::string Stamp::Tag(const std::string& author, uint64_t seq, uint32_t op) {
  return author + ":" + std::to_string(seq) + ":" + std::to_string(op);
}

static bool IsNonEmptyString(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

Status CheckOp(const Schema& schema, const Op& op) {
  if (!op.is_object() || !IsNonEmptyString(op, "o") || !IsNonEmptyString(op, "e") ||
      !IsNonEmptyString(op, "t"))
    return Status::InvalidArgument("malformed op: needs o, e and t");
  const std::string& kind = op["o"].get_ref<const std::string&>();
  const std::string& type = op["t"].get_ref<const std::string&>();
  if (!IsId(op["e"].get_ref<const std::string&>()))
    return Status::InvalidArgument("malformed entity id in op");
  if (!schema.Find(type))
    return Status::InvalidArgument("unknown entity type '" + (IsValidUtf8(type) ? type : "?") + "'");
  if (kind == "create" || kind == "delete" || kind == "restore") return Status::Ok();
  if (kind != "set" && kind != "add" && kind != "remove" && kind != "text")
    return Status::InvalidArgument("unknown op '" + (IsValidUtf8(kind) ? kind : "?") + "'");
  if (!IsNonEmptyString(op, "f")) return Status::InvalidArgument("op '" + kind + "' needs a field");
  const std::string& field = op["f"].get_ref<const std::string&>();
  const FieldDef* def = schema.Field(type, field);
  if (!def)
    return Status::InvalidArgument("type '" + type + "' has no field '" + (IsValidUtf8(field) ? field : "?") +
                                   "'");
  if (kind == "text" || def->type == FieldType::kText) {
    if (kind != "text" || def->type != FieldType::kText)
      return Status::InvalidArgument("field '" + field + "' is a " + FieldTypeName(def->type) + "; '" + kind +
                                     "' does not apply to it");
    auto x = op.find("x");
    if (x == op.end() || !x->is_binary()) return Status::InvalidArgument("a text op needs its edits");
    return TextSequence::CheckBatch(x->get_binary());
  }
  if ((kind == "set") == IsSet(def->type))
    return Status::InvalidArgument("field '" + field + "' is a " + FieldTypeName(def->type) + "; '" + kind +
                                   "' does not apply to it");
  if (!op.contains("v")) return Status::InvalidArgument("op '" + kind + "' on '" + field + "' has no value");
  if (kind != "set" && op["v"].is_null()) return Status::InvalidArgument("a set element cannot be null");
  if (kind == "remove") {
    auto tags = op.find("tags");
    if (tags == op.end() || !tags->is_array())
      return Status::InvalidArgument("remove needs the tags it observed");
    for (const auto& t : *tags)
      if (!t.is_string()) return Status::InvalidArgument("remove tags must be strings");
  }
  return schema.CheckValue(type, field, op["v"]);
}

std::string Scope(const std::string& compartment, const std::string& type) {
  return compartment + "/" + type;
}

const std::string* Entity::scope() const {
  const std::string* best = nullptr;
  const Stamp* best_stamp = nullptr;
  for (const auto& [scope, stamp] : creations)
    if (!best_stamp || stamp < *best_stamp) best = &scope, best_stamp = &stamp;
  return best;
}

std::string Entity::type() const {
  const std::string* s = scope();
  return s ? s->substr(s->find('/') + 1) : std::string();
}

std::string Entity::compartment() const {
  const std::string* s = scope();
  return s ? s->substr(0, s->find('/')) : std::string();
}

bool Entity::visible() const {
  const std::string* s = scope();
  if (!s) return false;
  auto it = deleted.find(*s);
  return it == deleted.end() || !it->second.value.get<bool>();
}

const json* Entity::Field(const std::string& field) const {
  const std::string* s = scope();
  if (!s) return nullptr;
  auto it = registers.find(*s + "/" + field);
  return it == registers.end() || it->second.value.is_null() ? nullptr : &it->second.value;
}

std::vector<std::string> Entity::LiveTags(const std::string& field, const std::string& element) const {
  std::vector<std::string> out;
  const std::string* s = scope();
  if (!s) return out;
  auto it = set_adds.find(*s + "/" + field);
  if (it == set_adds.end()) return out;
  auto el = it->second.find(element);
  if (el == it->second.end()) return out;
  for (const auto& tag : el->second)
    if (!removed_tags.count(tag)) out.push_back(tag);
  return out;
}

const TextSequence* Entity::Text(const std::string& field) const {
  const std::string* s = scope();
  if (!s) return nullptr;
  auto it = texts.find(*s + "/" + field);
  return it == texts.end() ? nullptr : &it->second;
}

std::set<std::string> Entity::SetValue(const std::string& field) const {
  std::set<std::string> out;
  const std::string* s = scope();
  if (!s) return out;
  auto it = set_adds.find(*s + "/" + field);
  if (it == set_adds.end()) return out;
  for (const auto& [element, tags] : it->second)
    for (const auto& tag : tags)
      if (!removed_tags.count(tag)) {
        out.insert(element);
        break;
      }
  return out;
}

static void ApplyLww(std::map<std::string, Register>& regs, const std::string& key, const json& value,
                     const Stamp& stamp) {
  auto [it, inserted] = regs.try_emplace(key, Register{value, stamp});
  if (!inserted && it->second.stamp < stamp) it->second = {value, stamp};
}

void Document::Apply(const Op& op, const Stamp& stamp, const std::string& compartment, const std::string& tag,
                     const TextSequence::Provenance* from) {
  const std::string& kind = op["o"].get_ref<const std::string&>();
  const std::string& id = op["e"].get_ref<const std::string&>();
  std::string scope = Scope(compartment, op["t"].get_ref<const std::string&>());
  Entity& e = entities_[id];
  if (kind == "create") {
    auto [it, inserted] = e.creations.try_emplace(scope, stamp);
    if (!inserted && stamp < it->second) it->second = stamp;
  } else if (kind == "delete" || kind == "restore") {
    ApplyLww(e.deleted, scope, kind == "delete", stamp);
  } else if (kind == "set") {
    ApplyLww(e.registers, scope + "/" + op["f"].get<std::string>(), op["v"], stamp);
  } else if (kind == "add") {
    e.set_adds[scope + "/" + op["f"].get<std::string>()][op["v"].get<std::string>()].insert(tag);
  } else if (kind == "remove") {
    for (const auto& t : op["tags"]) e.removed_tags.insert(t.get<std::string>());
  } else if (kind == "text") {
    // CheckOp has decoded the batch already, so this cannot fail.
    (void)e.texts[scope + "/" + op["f"].get<std::string>()].Apply(stamp.author, op["x"].get_binary(), from);
  }
}

TextSequence* Document::EditableText(const Schema& schema, const std::string& id, const std::string& field) {
  auto it = entities_.find(id);
  if (it == entities_.end() || !it->second.visible()) return nullptr;
  Entity& e = it->second;
  const FieldDef* def = schema.Field(e.type(), field);
  if (!def || def->type != FieldType::kText) return nullptr;
  return &e.texts[*e.scope() + "/" + field];
}

const Entity* Document::Find(const std::string& id) const {
  auto it = entities_.find(id);
  return it == entities_.end() || !it->second.visible() ? nullptr : &it->second;
}

json Document::EntityJson(const std::string& id, const Entity& e) const {
  json fields = json::object();
  const std::string prefix = *e.scope() + "/";
  for (const auto& [key, reg] : e.registers)
    if (key.compare(0, prefix.size(), prefix) == 0 && !reg.value.is_null())
      fields[key.substr(prefix.size())] = reg.value;
  for (const auto& [key, adds] : e.set_adds) {
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    auto values = e.SetValue(key.substr(prefix.size()));
    if (!values.empty()) fields[key.substr(prefix.size())] = json(values);
  }
  for (const auto& [key, text] : e.texts)
    if (key.compare(0, prefix.size(), prefix) == 0 && text.size() > 0)
      fields[key.substr(prefix.size())] = text.Text();
  return {{"id", id}, {"type", e.type()}, {"compartment", e.compartment()}, {"fields", fields}};
}

json Document::Canonical() const {
  json entities = json::object();
  for (const auto& [id, e] : entities_)
    if (e.visible()) entities[id] = EntityJson(id, e);
  return {{"entities", entities}};
}

static json StampJson(const Stamp& s) { return json::array({s.hlc.wall_ms, s.hlc.counter, s.author, s.op}); }
static Stamp StampFrom(const json& j) {
  return {{j.at(0).get<uint64_t>(), j.at(1).get<uint32_t>()},
          j.at(2).get<std::string>(),
          j.at(3).get<uint32_t>()};
}

static json RegistersJson(const std::map<std::string, Register>& regs) {
  json out = json::object();
  for (const auto& [k, r] : regs) out[k] = {r.value, StampJson(r.stamp)};
  return out;
}

static std::map<std::string, Register> RegistersFrom(const json& j) {
  std::map<std::string, Register> out;
  for (const auto& [k, r] : j.items()) out[k] = {r.at(0), StampFrom(r.at(1))};
  return out;
}

json Document::Serialize() const {
  json out = json::object();
  for (const auto& [id, e] : entities_) {
    json creations = json::object();
    for (const auto& [scope, stamp] : e.creations) creations[scope] = StampJson(stamp);
    json texts = json::object();
    for (const auto& [key, text] : e.texts) texts[key] = json::binary_t(text.Encode());
    out[id] = {{"c", creations},
               {"f", RegistersJson(e.registers)},
               {"d", RegistersJson(e.deleted)},
               {"s", e.set_adds},
               {"r", e.removed_tags},
               {"x", texts}};
  }
  return out;
}

Result<Document> Document::Deserialize(const json& j) {
  Document d;
  try {
    for (const auto& [id, v] : j.items()) {
      Entity e;
      for (const auto& [scope, stamp] : v.at("c").items()) e.creations[scope] = StampFrom(stamp);
      e.registers = RegistersFrom(v.at("f"));
      e.deleted = RegistersFrom(v.at("d"));
      for (const auto& [key, adds] : v.at("s").items())
        e.set_adds[key] = adds.get<std::map<std::string, std::set<std::string>>>();
      e.removed_tags = v.at("r").get<std::set<std::string>>();
      for (const auto& [key, bytes] : v.at("x").items()) {
        CB_ASSIGN_OR_RETURN(e.texts[key], TextSequence::Decode(bytes.get_binary()));
      }
      d.entities_[id] = std::move(e);
    }
  } catch (const json::exception& ex) {
    return Status::Corruption(std::string("review snapshot is malformed: ") + ex.what());
  }
  return d;
}

}  // namespace caseboard::crdt
