#include "caseboard/domain/framework.h"

#include <cstdlib>
#include <set>

#include "caseboard/domain/checklists.h"
#include "caseboard/domain/scr_schema.h"

namespace caseboard::domain {

using nlohmann::json;

const Stage* Framework::FindStage(const std::string& stage_id) const {
  int i = StageIndex(stage_id);
  return i < 0 ? nullptr : &stages[static_cast<size_t>(i)];
}

int Framework::StageIndex(const std::string& stage_id) const {
  for (size_t i = 0; i < stages.size(); ++i)
    if (stages[i].id == stage_id) return static_cast<int>(i);
  return -1;
}

namespace {

const std::set<std::string> kRules = {"signoffs_valid", "tor_complete", "letters_sent",
                                      "panel_views_reasoned", "chair_checklist_followed"};

Result<std::string> Str(const json& j, const char* key, const std::string& where, bool required = true) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(where + ": missing \"" + key + "\"");
    return std::string();
  }
  if (!it->is_string()) return Status::InvalidArgument(where + ": \"" + key + "\" must be a string");
  return it->get<std::string>();
}

Result<int> Int(const json& j, const char* key, const std::string& where, int fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 100000)
    return Status::InvalidArgument(where + ": \"" + key + "\" must be a whole number of at least 0");
  return it->get<int>();
}

// A misspelt key ("value" for "values") must not quietly loosen a gate.
Status OnlyKeys(const json& j, std::initializer_list<const char*> keys, const std::string& where) {
  for (const auto& [k, v] : j.items()) {
    bool known = false;
    for (const char* key : keys) known = known || k == key;
    if (!known) return Status::InvalidArgument(where + ": unknown key \"" + k + "\"");
  }
  return Status::Ok();
}

Status CheckField(const crdt::Schema& schema, const std::string& type, const std::string& field,
                  const std::string& where) {
  if (!schema.Find(type)) return Status::InvalidArgument(where + ": unknown record type '" + type + "'");
  if (!field.empty() && !schema.Field(type, field))
    return Status::InvalidArgument(where + ": record type '" + type + "' has no field '" + field + "'");
  return Status::Ok();
}

Status CheckDateField(const crdt::Schema& schema, const std::string& type, const std::string& field,
                      const std::string& where) {
  CB_RETURN_IF_ERROR(CheckField(schema, type, field, where));
  if (schema.Field(type, field)->type != crdt::FieldType::kDate)
    return Status::InvalidArgument(where + ": '" + type + "." + field + "' is not a date");
  return Status::Ok();
}

Result<Requirement> ParseRequirement(const crdt::Schema& schema, const json& j, const std::string& where) {
  if (!j.is_object()) return Status::InvalidArgument(where + ": a requirement must be an object");
  CB_RETURN_IF_ERROR(
      OnlyKeys(j, {"kind", "label", "type", "field", "checklist", "rule", "min", "all", "values"}, where));
  Requirement r;
  CB_ASSIGN_OR_RETURN(r.kind, Str(j, "kind", where));
  CB_ASSIGN_OR_RETURN(r.label, Str(j, "label", where));
  CB_ASSIGN_OR_RETURN(r.type, Str(j, "type", where, false));
  CB_ASSIGN_OR_RETURN(r.field, Str(j, "field", where, false));
  CB_ASSIGN_OR_RETURN(r.checklist, Str(j, "checklist", where, false));
  CB_ASSIGN_OR_RETURN(r.rule, Str(j, "rule", where, false));
  CB_ASSIGN_OR_RETURN(r.min, Int(j, "min", where, 1));
  if (auto a = j.find("all"); a != j.end()) {
    if (!a->is_boolean()) return Status::InvalidArgument(where + ": \"all\" must be true or false");
    r.all = a->get<bool>();
  }
  if (auto v = j.find("values"); v != j.end()) {
    if (!v->is_array()) return Status::InvalidArgument(where + ": \"values\" must be a list");
    for (const auto& e : *v) r.values.push_back(e);
  }
  if (r.kind == "field") {
    if (r.field.empty()) return Status::InvalidArgument(where + ": a \"field\" requirement names a field");
    CB_RETURN_IF_ERROR(CheckField(schema, r.type, r.field, where));
    for (const auto& v : r.values)
      CB_RETURN_IF_ERROR(schema.CheckValue(r.type, r.field, v).WithContext(where));
  } else if (r.kind == "records") {
    CB_RETURN_IF_ERROR(CheckField(schema, r.type, r.field, where));
    if (r.field.empty() && !r.values.empty())
      return Status::InvalidArgument(where + ": \"values\" needs a \"field\"");
    for (const auto& v : r.values)
      CB_RETURN_IF_ERROR(schema.CheckValue(r.type, r.field, v).WithContext(where));
  } else if (r.kind == "checklist") {
    if (!FindChecklist(r.checklist))
      return Status::InvalidArgument(where + ": unknown checklist '" + r.checklist + "'");
  } else if (r.kind == "rule") {
    if (!kRules.count(r.rule)) return Status::InvalidArgument(where + ": unknown rule '" + r.rule + "'");
  } else {
    return Status::InvalidArgument(where + ": unknown requirement kind '" + r.kind +
                                   "' (field, records, checklist or rule)");
  }
  return r;
}

Result<Deadline> ParseDeadline(const crdt::Schema& schema, const json& j, const std::string& where) {
  if (!j.is_object()) return Status::InvalidArgument(where + ": a deadline must be an object");
  CB_RETURN_IF_ERROR(OnlyKeys(j,
                              {"id", "name", "from_type", "from_field", "when_field", "when_value",
                               "done_type", "done_field", "working_days", "months", "at_risk_working_days"},
                              where));
  Deadline d;
  CB_ASSIGN_OR_RETURN(d.id, Str(j, "id", where));
  CB_ASSIGN_OR_RETURN(d.name, Str(j, "name", where));
  CB_ASSIGN_OR_RETURN(d.from_type, Str(j, "from_type", where));
  CB_ASSIGN_OR_RETURN(d.from_field, Str(j, "from_field", where));
  CB_ASSIGN_OR_RETURN(d.when_field, Str(j, "when_field", where, false));
  CB_ASSIGN_OR_RETURN(d.when_value, Str(j, "when_value", where, false));
  CB_ASSIGN_OR_RETURN(d.done_type, Str(j, "done_type", where));
  CB_ASSIGN_OR_RETURN(d.done_field, Str(j, "done_field", where));
  CB_ASSIGN_OR_RETURN(d.working_days, Int(j, "working_days", where, 0));
  CB_ASSIGN_OR_RETURN(d.months, Int(j, "months", where, 0));
  CB_ASSIGN_OR_RETURN(d.at_risk_working_days, Int(j, "at_risk_working_days", where, 2));
  if ((d.working_days > 0) == (d.months > 0))
    return Status::InvalidArgument(where + ": give either \"working_days\" or \"months\"");
  CB_RETURN_IF_ERROR(CheckDateField(schema, d.from_type, d.from_field, where));
  CB_RETURN_IF_ERROR(CheckDateField(schema, d.done_type, d.done_field, where));
  if (!d.when_field.empty()) CB_RETURN_IF_ERROR(CheckField(schema, d.from_type, d.when_field, where));
  return d;
}

}  // namespace

Result<Framework> ParseFramework(const json& doc) {
  if (!doc.is_object()) return Status::InvalidArgument("a framework must be a JSON object");
  static const crdt::Schema schema = ScrSchema();
  Framework f;
  CB_ASSIGN_OR_RETURN(f.id, Str(doc, "id", "framework"));
  std::string where = "framework '" + f.id + "'";
  CB_RETURN_IF_ERROR(OnlyKeys(doc, {"id", "name", "description", "stages", "deadlines"}, where));
  CB_ASSIGN_OR_RETURN(f.name, Str(doc, "name", where));
  CB_ASSIGN_OR_RETURN(f.description, Str(doc, "description", where, false));
  auto stages = doc.find("stages");
  if (stages == doc.end() || !stages->is_array() || stages->empty())
    return Status::InvalidArgument(where + ": \"stages\" must be a non-empty list");
  std::set<std::string> ids;
  for (const auto& sj : *stages) {
    Stage s;
    if (!sj.is_object()) return Status::InvalidArgument(where + ": a stage must be an object");
    CB_ASSIGN_OR_RETURN(s.id, Str(sj, "id", where));
    std::string swhere = where + ", stage '" + s.id + "'";
    CB_RETURN_IF_ERROR(OnlyKeys(sj, {"id", "name", "guidance", "gate"}, swhere));
    if (!ids.insert(s.id).second) return Status::InvalidArgument(swhere + ": the id is used twice");
    CB_ASSIGN_OR_RETURN(s.name, Str(sj, "name", swhere));
    CB_ASSIGN_OR_RETURN(s.guidance, Str(sj, "guidance", swhere, false));
    if (auto g = sj.find("gate"); g != sj.end()) {
      if (!g->is_array()) return Status::InvalidArgument(swhere + ": \"gate\" must be a list");
      for (const auto& rj : *g) {
        CB_ASSIGN_OR_RETURN(Requirement r, ParseRequirement(schema, rj, swhere));
        s.gate.push_back(std::move(r));
      }
    }
    f.stages.push_back(std::move(s));
  }
  if (auto dl = doc.find("deadlines"); dl != doc.end()) {
    if (!dl->is_array()) return Status::InvalidArgument(where + ": \"deadlines\" must be a list");
    for (const auto& dj : *dl) {
      CB_ASSIGN_OR_RETURN(Deadline d, ParseDeadline(schema, dj, where + ", a deadline"));
      f.deadlines.push_back(std::move(d));
    }
  }
  return f;
}

const std::vector<Framework>& BuiltinFrameworks() {
  static const std::vector<Framework> kFrameworks = [] {
    std::vector<Framework> out;
    for (const auto& doc : BuiltinFrameworkDocuments()) {
      auto f = ParseFramework(doc);
      // The built-in documents are checked by the tests; a broken one is a
      // programming error, not input to recover from.
      if (!f.ok()) std::abort();
      out.push_back(std::move(*f));
    }
    return out;
  }();
  return kFrameworks;
}

const Framework* FindFramework(const std::string& id) {
  for (const auto& f : BuiltinFrameworks())
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace caseboard::domain
