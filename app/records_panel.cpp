// The Records tab: every record of the open review, by type, with the same
// form as "Fill in" for editing any of them or adding one of any type, so
// work that belongs to a later stage (or was missed at an earlier one) never
// needs the command line. Records whose fields were written on two devices
// at once are marked; their form shows both values and lets a person choose.
#include <imgui.h>

#include <map>
#include <set>
#include <string>

#include "app.h"
#include "caseboard/domain/records.h"
#include "pseudonyms.h"

namespace caseboard::app {
namespace {

// Types whose records are made by their own actions, not a form: signed
// statements (sign-offs), files, checklist answers, the review itself.
const std::set<std::string> kNotByForm = {"scr",     "review",        "device",     "checklist_answer",
                                          "signoff", "board_signoff", "attachment", "quality_marker"};

// Entities with values set aside by a concurrent write, and how many;
// recomputed when the review has new changes.
std::map<std::string, int> set_aside;
std::string new_type;  // chosen in "Add a record"
std::string set_aside_review;
size_t set_aside_changes = static_cast<size_t>(-1);

void RefreshSetAside(const review::Replica& r) {
  if (r.id() == set_aside_review && r.change_count() == set_aside_changes) return;
  set_aside.clear();
  set_aside_review = r.id();
  set_aside_changes = r.change_count();
  if (auto all = r.ConcurrentValues(); all.ok())
    for (const auto& v : *all) ++set_aside[v.entity];
}

void DrawRecord(App& app, const review::Replica& r, const domain::Record& rec, const Pseudonyms& names,
                bool editable) {
  ImGui::PushID(rec.id.c_str());
  if (rec.compartment != "general")
    ImGui::TextColored(ImVec4(0.8f, 0.4f, 0.1f, 1), "[%s]", rec.compartment.c_str());
  if (auto it = set_aside.find(rec.id); it != set_aside.end()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram));
    ImGui::TextWrapped("%d value%s written at the same time on another device: open it to choose.",
                       it->second, it->second == 1 ? "" : "s");
    ImGui::PopStyleColor();
  }
  if (EditingRecord(rec.id)) {
    DrawRecordEditor(app);
    if (ImGui::Button("Done")) ForgetRecordForm();
  } else {
    for (const auto& [field, value] : rec.fields.items()) {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      ImGui::TextWrapped("%s: %s", Readable(field).c_str(), names.Apply(text).c_str());
    }
    if (editable && ImGui::SmallButton("Edit")) EditRecord(r, rec.id);
  }
  ImGui::Separator();
  ImGui::PopID();
}

}  // namespace

void DrawRecordsPanel(App& app, const Pseudonyms& names) {
  review::Replica& r = *app.open_review();
  RefreshSetAside(r);
  // One scrolling area: a new record's form can be longer than the window.
  ImGui::BeginChild("records");
  if (!set_aside.empty())
    ImGui::TextWrapped(
        "Some records have values written at the same time on two devices. Both are kept; "
        "the marked records let you choose which stands.");
  // Any kind of record, whatever the stage.
  ImGui::TextUnformatted("Add a record:");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(260);
  if (ImGui::BeginCombo("##new_type", new_type.empty() ? "(choose a kind)" : Readable(new_type).c_str())) {
    for (const auto& [type, def] : r.schema().types())
      if (!kNotByForm.count(type) && type != "note" &&
          ImGui::Selectable(Readable(type).c_str(), type == new_type))
        new_type = type;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(new_type.empty());
  if (ImGui::Button("New")) NewRecord(r, new_type);
  ImGui::EndDisabled();
  if (!new_type.empty() && AddingRecord(new_type)) {
    ImGui::Indent();
    DrawRecordEditor(app);
    if (ImGui::Button("Done")) ForgetRecordForm();
    ImGui::Unindent();
  }
  ImGui::Separator();
  for (const auto& [type, def] : r.schema().types()) {
    if (type == "scr" || type == "review" || type == "device") continue;
    auto records = domain::Records(r.document(), type);
    if (records.empty()) continue;
    std::string header = Readable(type) + " (" + std::to_string(records.size()) + ")###" + type;
    if (!ImGui::CollapsingHeader(header.c_str())) continue;
    ImGui::PushID(type.c_str());
    ImGui::Indent();
    for (const auto& rec : records) DrawRecord(app, r, rec, names, !kNotByForm.count(type));
    ImGui::Unindent();
    ImGui::PopID();
  }
  // Records this device has no key for exist, but their content never shows.
  for (const auto& c : crdt::kCompartments)
    if (!r.has_key(c) && r.membership().members().size() > 0)
      ImGui::TextDisabled(
          "Material in the %s compartment exists for this review; this device holds no key for it.",
          c.c_str());
  ImGui::EndChild();
}

}  // namespace caseboard::app
