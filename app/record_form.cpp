// "Fill in": forms for what the current stage asks for. The stage's gate
// names the records it needs; each gets a form whose widgets follow the
// schema (text boxes, dates, choices, yes/no, numbers), and each checklist
// of the gate its answers. Saving goes through ScrReview, so the workflow's
// rules (a rationale where the guidance requires one, and so on) apply and
// a refusal says why.
#include <imgui.h>

#include <cctype>
#include <map>
#include <set>
#include <string>

#include "app.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/domain/checklists.h"
#include "caseboard/domain/framework.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/domain/signoff.h"
#include "string_input.h"

namespace caseboard::app {
namespace {

std::string form_type;                      // the record type being filled in
bool form_new = false;                      // adding a new record rather than editing the one
std::map<std::string, std::string> inputs;  // field -> text in its widget
std::string form_message;
std::string form_entity;  // the record being edited, when there is one

// Values of the edited record that a concurrent write on another device set
// aside (last writer wins). Computed when the form loads and again when the
// review has new changes, not every frame: it walks the change graph.
std::vector<review::ConcurrentValue> set_aside;
size_t set_aside_changes = 0;  // Replica::change_count() when computed

bool InputString(const char* id, std::string& s, bool multiline) {
  if (multiline)
    return ImGui::InputTextMultiline(id, s.data(), s.size() + 1, ImVec2(-1, 64),
                                     ImGuiInputTextFlags_CallbackResize, ResizeString, &s);
  ImGui::SetNextItemWidth(-1);
  return ImGui::InputText(id, s.data(), s.size() + 1, ImGuiInputTextFlags_CallbackResize, ResizeString, &s);
}

std::string AsInput(const nlohmann::json& value) {
  if (value.is_array()) {
    std::string joined;
    for (const auto& e : value)
      joined += (joined.empty() ? "" : ",") + (e.is_string() ? e.get<std::string>() : e.dump());
    return joined;
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void FindSetAside(const review::Replica& r) {
  set_aside.clear();
  set_aside_changes = r.change_count();
  if (form_entity.empty()) return;
  auto found = r.ConcurrentValues(form_entity);
  if (found.ok()) set_aside = std::move(*found);
}

void Clear() {
  for (auto& [k, v] : inputs) crypto::Wipe(v.data(), v.size());
  inputs.clear();
  form_message.clear();
  form_entity.clear();
  set_aside.clear();
}

// Opens the form on one record.
void LoadRecord(const review::Replica& r, const domain::Record& rec) {
  Clear();
  form_type = rec.type;
  form_new = false;
  form_entity = rec.id;
  FindSetAside(r);
  for (const auto& [field, value] : rec.fields.items()) inputs[field] = AsInput(value);
}

// Opens the form on the review's record of `type` where there is one of a
// kind (made by saving if missing), or on a new one when `fresh`.
void Load(const review::Replica& r, const std::string& type, bool fresh) {
  auto rec = fresh ? std::nullopt : domain::First(r.document(), type);
  if (rec) return LoadRecord(r, *rec);
  Clear();
  form_type = type;
  form_new = fresh;
}

// Writes `value` to the field again: whichever value is chosen, the new
// write has seen both, so the field is settled on every device.
void Settle(App& app, review::Replica& r, const review::ConcurrentValue& v, const nlohmann::json& value) {
  Status s = domain::ScrReview(r).UpdateRecord(v.entity, {{v.field, value}});
  if (!s.ok()) {
    form_message = s.message();
    return;
  }
  inputs[v.field] = AsInput(value);
  form_message = "Settled: " + Readable(v.field) + " is now the value chosen.";
  FindSetAside(r);
  app.NoteActivity();
}

// Under a field: the value another device wrote at the same time, who wrote
// it and when, and the choice of keeping either.
void DrawSetAside(App& app, review::Replica& r, const std::string& field) {
  for (size_t i = 0; i < set_aside.size(); ++i) {
    const review::ConcurrentValue v = set_aside[i];  // a copy: Settle recomputes the list
    if (v.field != field) continue;
    ImGui::PushID(static_cast<int>(i));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram));
    std::string who = r.PersonOf(v.author);
    if (who.empty()) who = "device " + v.author.substr(0, 8);
    ImGui::TextWrapped("Also written at the same time by %s on %s: \"%s\"", who.c_str(),
                       LocalTime(v.hlc.wall_ms).c_str(), AsInput(v.value).c_str());
    ImGui::PopStyleColor();
    if (ImGui::SmallButton("Use this value")) Settle(app, r, v, v.value);
    ImGui::SameLine();
    if (ImGui::SmallButton("Keep the current value")) Settle(app, r, v, v.current);
    ImGui::PopID();
  }
}

void Save(App& app, review::Replica& r) {
  const crdt::EntityType* t = r.schema().Find(form_type);
  domain::Fields fields;
  for (const auto& [field, def] : t->fields) {
    auto it = inputs.find(field);
    if (it == inputs.end()) continue;
    if (it->second.empty()) continue;  // left empty: not set (clearing is the CLI's job)
    if (crdt::IsSet(def.type)) {
      nlohmann::json list = nlohmann::json::array();
      size_t start = 0;
      while (start <= it->second.size()) {
        size_t comma = it->second.find(',', start);
        std::string e =
            it->second.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!e.empty()) list.push_back(e);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      fields[field] = list;
      continue;
    }
    auto v = r.schema().ParseValue(form_type, field, it->second);
    if (!v.ok()) {
      form_message = v.status().message();
      return;
    }
    fields[field] = *v;
  }
  domain::ScrReview scr(r);
  Result<std::string> id = form_entity;
  if (!form_entity.empty()) {
    Status s = scr.UpdateRecord(form_entity, fields);
    if (!s.ok()) id = s;
  } else {
    id = form_new ? scr.AddRecord(form_type, fields) : scr.SetRecord(form_type, fields);
  }
  form_message = id.ok() ? "Saved." : id.status().message();
  if (id.ok() && form_new) {
    Load(r, form_type, true);  // ready for the next one
    form_message = "Added " + Readable(form_type) + ".";
  }
  if (id.ok()) app.NoteActivity();
}

void DrawForm(App& app, review::Replica& r) {
  const crdt::EntityType* t = r.schema().Find(form_type);
  if (!t) return;
  // The record may have gone (deleted on another device, or a key withdrawn).
  if (!form_entity.empty() && !domain::FindRecord(r.document(), form_entity)) {
    ImGui::TextDisabled("This record is no longer in the review.");
    return;
  }
  ImGui::Text("%s %s", form_new ? "New" : "The", Readable(form_type).c_str());
  if (!form_new && r.change_count() != set_aside_changes) FindSetAside(r);
  for (const auto& [field, def] : t->fields) {
    ImGui::PushID(field.c_str());
    std::string& value = inputs[field];
    ImGui::TextUnformatted(Readable(field).c_str());
    switch (def.type) {
      case crdt::FieldType::kEnum: {
        ImGui::SetNextItemWidth(320);
        if (ImGui::BeginCombo("##enum", value.empty() ? "(not set)" : value.c_str())) {
          for (const auto& option : def.values)
            if (ImGui::Selectable(option.c_str(), option == value)) value = option;
          ImGui::EndCombo();
        }
        break;
      }
      case crdt::FieldType::kBoolean: {
        bool b = value == "true";
        if (ImGui::Checkbox("##bool", &b)) value = b ? "true" : "false";
        break;
      }
      case crdt::FieldType::kText:
        InputString("##text", value, true);
        break;
      case crdt::FieldType::kReference: {
        if (def.ref_type.empty()) {  // any kind of record: its id
          InputString("##ref", value, false);
          break;
        }
        // A record of one kind: chosen by what it is, not typed as an id.
        auto target = domain::FindRecord(r.document(), value);
        std::string shown = target ? RecordLabel(r.document(), *target) : value.empty() ? "(not set)" : value;
        ImGui::SetNextItemWidth(480);
        if (ImGui::BeginCombo("##ref", shown.c_str())) {
          for (const auto& rec : domain::Records(r.document(), def.ref_type))
            if (ImGui::Selectable(RecordLabel(r.document(), rec).c_str(), rec.id == value)) value = rec.id;
          ImGui::EndCombo();
        }
        break;
      }
      case crdt::FieldType::kDate:
        ImGui::SetNextItemWidth(140);
        ImGui::InputTextWithHint("##date", "YYYY-MM-DD", value.data(), value.size() + 1,
                                 ImGuiInputTextFlags_CallbackResize, ResizeString, &value);
        break;
      default:
        InputString("##value", value, false);
        break;
    }
    DrawSetAside(app, r, field);
    ImGui::PopID();
  }
  if (ImGui::Button(form_new ? "Add" : "Save")) {
    // Changing a signed-off record breaks its sign-off everywhere: ask first.
    bool signed_off = false;
    if (!form_entity.empty())
      for (const auto& c : domain::CheckSignoffs(r, form_entity)) signed_off |= c.valid;
    if (signed_off)
      ImGui::OpenPopup("Change a signed-off record?");
    else
      Save(app, r);
  }
  if (ImGui::BeginPopupModal("Change a signed-off record?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted(
        "This record has been signed off. If you save a change, its sign-off will no longer\n"
        "hold on any device, and it will have to be signed off again.");
    if (ImGui::Button("Save the change")) {
      Save(app, r);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (!form_message.empty()) {
    ImGui::SameLine();
    ImGui::TextWrapped("%s", form_message.c_str());
  }
}

void DrawChecklist(review::Replica& r, const domain::Checklist& c) {
  if (!ImGui::CollapsingHeader((c.name + "##" + c.id).c_str())) return;
  ImGui::TextDisabled("%s", c.source.c_str());
  static const char* kAnswers[] = {"yes", "no", "unsure", "not_applicable", "done", "to_do"};
  for (const auto& item : c.items) {
    std::string current;
    for (const auto& a : domain::Records(r.document(), "checklist_answer"))
      if (a.Str("checklist") == c.id && a.Str("item") == item.id) current = a.Str("answer");
    ImGui::PushID(item.id.c_str());
    ImGui::SetNextItemWidth(150);
    if (ImGui::BeginCombo("##answer", current.empty() ? "(unanswered)" : current.c_str())) {
      for (const char* a : kAnswers)
        if (ImGui::Selectable(a, current == a)) domain::ScrReview(r).AnswerChecklist(c.id, item.id, a).ok();
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::TextWrapped("%s", item.text.c_str());
    ImGui::PopID();
  }
}

}  // namespace

void ForgetRecordForm() {
  Clear();
  form_type.clear();
}

void EditRecord(const review::Replica& r, const std::string& id) {
  if (auto rec = domain::FindRecord(r.document(), id)) LoadRecord(r, *rec);
}

void NewRecord(const review::Replica& r, const std::string& type) { Load(r, type, true); }

bool EditingRecord(const std::string& id) { return !id.empty() && form_entity == id; }

bool AddingRecord(const std::string& type) { return form_new && form_type == type; }

void DrawRecordEditor(App& app) {
  if (!form_type.empty()) DrawForm(app, *app.open_review());
}

void DrawRecordForms(App& app, const domain::WorkflowStatus& st) {
  review::Replica& r = *app.open_review();
  const domain::Framework* f = domain::FindFramework(st.framework);
  const domain::Stage* stage = f ? f->FindStage(st.stage) : nullptr;
  if (!stage) {
    ImGui::TextDisabled("Nothing to fill in at this stage.");
    return;
  }
  // The records and checklists this stage's gate asks for, in gate order.
  std::vector<std::pair<std::string, bool>> types;  // type, one of many (added) or the one record (edited)
  std::set<std::string> seen;
  // Named rules judge records too; these are the ones a person fills in.
  static const std::map<std::string, std::pair<std::string, bool>> kRuleRecords = {
      {"tor_complete", {"terms_of_reference", false}},
      {"chair_checklist_followed", {"chair_decision", false}},
      {"panel_views_reasoned", {"panel_view", true}},
      {"letters_sent", {"letter", true}}};
  for (const auto& req : stage->gate) {
    std::pair<std::string, bool> entry{req.type, req.kind == "records"};
    if (auto rule = kRuleRecords.find(req.rule); rule != kRuleRecords.end()) entry = rule->second;
    if (entry.first.empty() || !seen.insert(entry.first).second) continue;
    types.push_back(entry);
  }
  ImGui::BeginChild("types", ImVec2(260, 0), true);
  for (const auto& [type, many] : types) {
    std::string label = (many ? "+ " : "") + Readable(type);
    if (ImGui::Selectable(label.c_str(), form_type == type && form_new == many)) Load(r, type, many);
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("form");
  if (form_type.empty())
    ImGui::TextDisabled("Choose what to fill in on the left: '+' adds a new record.");
  else
    DrawForm(app, r);
  for (const auto& req : stage->gate)
    if (req.kind == "checklist")
      if (const domain::Checklist* c = domain::FindChecklist(req.checklist)) DrawChecklist(r, *c);
  ImGui::EndChild();
}

}  // namespace caseboard::app
