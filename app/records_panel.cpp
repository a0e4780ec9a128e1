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
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/domain/calendar.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/domain/signoff.h"
#include "pseudonyms.h"
#include "string_input.h"

namespace caseboard::app {
namespace {

// Types whose records are made by their own actions, not a form: signed
// statements (sign-offs), files, checklist answers, the review itself, the
// access log.
const std::set<std::string> kNotByForm = {"scr",       "review",        "device",     "checklist_answer",
                                          "signoff",   "board_signoff", "attachment", "quality_marker",
                                          "access_log"};

// Entities with values set aside by a concurrent write, and how many;
// recomputed when the review has new changes.
std::map<std::string, int> set_aside;
std::string new_type;  // chosen in "Add a record"

// Kinds a senior manager signs off (guidance: agency reports and their
// addenda); the board's own sign-off of the final report is board_signoff.
const std::set<std::string> kSignable = {"agency_report", "addendum"};

// Sign-offs by subject, checked (signature and content hash) when the
// review changes; and the sign-off being written, if any.
std::map<std::string, std::vector<domain::SignoffCheck>> signoffs;
struct SignoffDraft {
  std::string subject, signer, role, statement, date, message;
};
SignoffDraft draft;

void ForgetDraft() {
  for (std::string* f : {&draft.signer, &draft.role, &draft.statement, &draft.date, &draft.message})
    crypto::Wipe(f->data(), f->size());
  draft = {};
}
std::string set_aside_review;
size_t set_aside_changes = static_cast<size_t>(-1);

void RefreshSetAside(const review::Replica& r) {
  if (r.id() == set_aside_review && r.change_count() == set_aside_changes) return;
  set_aside.clear();
  set_aside_review = r.id();
  set_aside_changes = r.change_count();
  if (auto all = r.ConcurrentValues(); all.ok())
    for (const auto& v : *all) ++set_aside[v.entity];
  signoffs.clear();
  for (auto& c : domain::CheckSignoffs(r)) signoffs[c.subject].push_back(std::move(c));
}

bool Input(const char* label, std::string& s, float width) {
  ImGui::SetNextItemWidth(width);
  return ImGui::InputText(label, s.data(), s.size() + 1, ImGuiInputTextFlags_CallbackResize, ResizeString,
                          &s);
}

// Who signed the record off, and whether each sign-off still holds (a
// change to the record after signing breaks it, on every device).
void DrawSignoffs(const std::string& id) {
  auto it = signoffs.find(id);
  if (it == signoffs.end()) return;
  for (const auto& c : it->second) {
    if (c.valid)
      ImGui::TextWrapped("Signed off by %s%s%s on %s.", c.signer.c_str(), c.signer_role.empty() ? "" : ", ",
                         c.signer_role.c_str(), c.signed_on.c_str());
    else
      ImGui::TextColored(ImVec4(0.85f, 0.25f, 0.2f, 1), "Sign-off by %s on %s NO LONGER HOLDS: %s",
                         c.signer.c_str(), c.signed_on.c_str(), c.reason.c_str());
    if (!c.publication_check.empty())
      ImGui::TextWrapped(
          "Publication check when signed: %s%s", c.publication_check.c_str(),
          c.publication_texts_changed ? " (the texts destined for publication have changed since)" : "");
  }
}

void DrawSignoffForm(App& app, review::Replica& r) {
  ImGui::Indent();
  Input("Signed by", draft.signer, 320);
  Input("Role", draft.role, 320);
  Input("Date (YYYY-MM-DD)", draft.date, 140);
  ImGui::TextUnformatted("Statement");
  ImGui::InputTextMultiline("##statement", draft.statement.data(), draft.statement.size() + 1, ImVec2(-1, 48),
                            ImGuiInputTextFlags_CallbackResize, ResizeString, &draft.statement);
  if (ImGui::Button("Sign with this device's key")) {
    auto date = domain::ParseDate(draft.date);
    if (!date.ok()) {
      draft.message = date.status().message();
    } else if (auto id = domain::ScrReview(r).SignOff(draft.subject, draft.signer, draft.role,
                                                      draft.statement, *date);
               id.ok()) {
      ForgetDraft();
      app.NoteActivity();
    } else {
      draft.message = id.status().message();
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) ForgetDraft();
  if (!draft.message.empty()) ImGui::TextWrapped("%s", draft.message.c_str());
  ImGui::Unindent();
}

void DrawRecord(App& app, review::Replica& r, const domain::Record& rec, const Pseudonyms& names,
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
    const crdt::EntityType* type = r.schema().Find(rec.type);
    for (const auto& [field, value] : rec.fields.items()) {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      // A reference reads as what it points at, not as an id.
      auto def = type ? type->fields.find(field) : decltype(type->fields)::const_iterator();
      if (type && def != type->fields.end() && def->second.type == crdt::FieldType::kReference &&
          value.is_string())
        if (auto target = domain::FindRecord(r.document(), text)) {
          text = RecordLabel(r.document(), *target);
          if (target->type == field)
            text = text.substr(text.find(": ") + 2);  // "Agency: Agency: X" reads "Agency: X"
        }
      ImGui::TextWrapped("%s: %s", Readable(field).c_str(), names.Apply(text).c_str());
    }
    DrawSignoffs(rec.id);
    if (editable && ImGui::SmallButton("Edit")) EditRecord(r, rec.id);
    if (kSignable.count(rec.type) && draft.subject != rec.id) {
      ImGui::SameLine();
      if (ImGui::SmallButton("Sign off...")) {
        ForgetDraft();
        draft.subject = rec.id;
        draft.date = domain::FormatDate(app.today());
        draft.statement =
            "I have read this report and confirm it is a true account of our agency's involvement.";
      }
    }
    if (draft.subject == rec.id) DrawSignoffForm(app, r);
  }
  ImGui::Separator();
  ImGui::PopID();
}

}  // namespace

void ForgetRecordsPanel() {
  ForgetDraft();
  signoffs.clear();
  set_aside.clear();
  set_aside_review.clear();
  set_aside_changes = static_cast<size_t>(-1);
}

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
  // While a new record is being written, its form has the tab to itself.
  if (!new_type.empty() && AddingRecord(new_type)) {
    ImGui::Indent();
    DrawRecordEditor(app);
    if (ImGui::Button("Done")) ForgetRecordForm();
    ImGui::Unindent();
    ImGui::EndChild();
    return;
  }
  ImGui::Separator();
  for (const auto& [type, def] : r.schema().types()) {
    if (type == "scr" || type == "review" || type == "device") continue;
    auto records = domain::Records(r.document(), type);
    if (records.empty()) continue;
    std::string header = Readable(type) + " (" + std::to_string(records.size()) + ")###" + type;
    bool open = ImGui::CollapsingHeader(header.c_str());
    // Opening a kind shows its records: the restricted ones among them are
    // logged as opened, once per opening (the log itself is not).
    if (open && ImGui::IsItemToggledOpen() && type != "access_log") {
      bool logged = true;
      for (const auto& rec : records)
        logged = logged && app.LogAccess("opened", rec.id, "the app's Records tab");
      if (!logged) {
        ImGui::GetStateStorage()->SetInt(ImGui::GetID(header.c_str()),
                                         0);  // closed again: nothing shown unlogged
        continue;
      }
    }
    if (!open) continue;
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
