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
#include "string_input.h"

namespace caseboard::app {
namespace {

std::string form_type;                      // the record type being filled in
bool form_new = false;                      // adding a new record rather than editing the one
std::map<std::string, std::string> inputs;  // field -> text in its widget
std::string form_message;

// "aware_on" -> "Aware on": field ids read as words.
std::string Label(const std::string& id) {
  std::string out = id;
  for (char& c : out)
    if (c == '_') c = ' ';
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

bool InputString(const char* id, std::string& s, bool multiline) {
  if (multiline)
    return ImGui::InputTextMultiline(id, s.data(), s.size() + 1, ImVec2(-1, 64),
                                     ImGuiInputTextFlags_CallbackResize, ResizeString, &s);
  ImGui::SetNextItemWidth(-1);
  return ImGui::InputText(id, s.data(), s.size() + 1, ImGuiInputTextFlags_CallbackResize, ResizeString, &s);
}

void Load(const review::Replica& r, const std::string& type, bool fresh) {
  for (auto& [k, v] : inputs) crypto::Wipe(v.data(), v.size());
  inputs.clear();
  form_type = type;
  form_new = fresh;
  form_message.clear();
  if (fresh) return;
  if (auto rec = domain::First(r.document(), type))
    for (const auto& [field, value] : rec->fields.items()) {
      if (value.is_array()) {
        std::string joined;
        for (const auto& e : value) joined += (joined.empty() ? "" : ",") + e.get<std::string>();
        inputs[field] = joined;
      } else {
        inputs[field] = value.is_string() ? value.get<std::string>() : value.dump();
      }
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
  auto id = form_new ? scr.AddRecord(form_type, fields) : scr.SetRecord(form_type, fields);
  form_message = id.ok() ? "Saved." : id.status().message();
  if (id.ok() && form_new) Load(r, form_type, true);
  (void)app;
}

void DrawForm(App& app, review::Replica& r) {
  const crdt::EntityType* t = r.schema().Find(form_type);
  if (!t) return;
  ImGui::Text("%s %s", form_new ? "New" : "The", Label(form_type).c_str());
  for (const auto& [field, def] : t->fields) {
    ImGui::PushID(field.c_str());
    std::string& value = inputs[field];
    ImGui::TextUnformatted(Label(field).c_str());
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
      case crdt::FieldType::kDate:
        ImGui::SetNextItemWidth(140);
        ImGui::InputTextWithHint("##date", "YYYY-MM-DD", value.data(), value.size() + 1,
                                 ImGuiInputTextFlags_CallbackResize, ResizeString, &value);
        break;
      default:
        InputString("##value", value, false);
        break;
    }
    ImGui::PopID();
  }
  if (ImGui::Button(form_new ? "Add" : "Save")) Save(app, r);
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
  for (auto& [k, v] : inputs) crypto::Wipe(v.data(), v.size());
  inputs.clear();
  form_type.clear();
  form_message.clear();
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
    std::string label = (many ? "+ " : "") + type;
    if (ImGui::Selectable(label.c_str(), form_type == type)) Load(r, type, many);
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
