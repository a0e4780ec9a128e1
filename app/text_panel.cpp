// Long texts (report bodies, interview notes, findings): an editor bound to
// the text CRDT. Each edit the person makes becomes InsertText/DeleteText at
// the changed place, so concurrent edits from other devices merge character
// by character; the replica signs a burst of typing as one change when the
// person pauses, leaves the field, or locks.
#include <imgui.h>

#include <string>

#include "app.h"
#include "caseboard/bytes.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/domain/records.h"
#include "pseudonyms.h"

namespace caseboard::app {
namespace {

struct Target {
  std::string entity, field;
};
Target target;
std::string buffer;  // what the widget shows and edits
bool was_active = false;
char note_title[160];

size_t CodePointsIn(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Turns the widget's new text into the edit that makes the CRDT text read
// the same: the common prefix and suffix stay, the middle is replaced.
Status ApplyEdit(review::Replica& r, const std::string& before, const std::string& after) {
  size_t prefix = 0;
  while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix]) ++prefix;
  while (prefix > 0 && (static_cast<unsigned char>(before[prefix]) & 0xC0) == 0x80) --prefix;
  size_t suffix = 0;
  while (suffix < before.size() - prefix && suffix < after.size() - prefix &&
         before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
    ++suffix;
  while (suffix > 0 && (static_cast<unsigned char>(before[before.size() - suffix]) & 0xC0) == 0x80) --suffix;
  size_t at = CodePointsIn(std::string_view(before).substr(0, prefix));
  std::string_view removed = std::string_view(before).substr(prefix, before.size() - prefix - suffix);
  std::string_view added = std::string_view(after).substr(prefix, after.size() - prefix - suffix);
  if (!removed.empty())
    CB_RETURN_IF_ERROR(r.DeleteText(target.entity, target.field, at, CodePointsIn(removed)));
  if (!added.empty()) CB_RETURN_IF_ERROR(r.InsertText(target.entity, target.field, at, added));
  return Status::Ok();
}

std::string CurrentText(const review::Replica& r) {
  const crdt::Entity* e = r.document().Find(target.entity);
  const crdt::TextSequence* t = e ? e->Text(target.field) : nullptr;
  return t ? t->Text() : std::string();
}

int Resize(ImGuiInputTextCallbackData* data) {
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    auto* s = static_cast<std::string*>(data->UserData);
    s->resize(static_cast<size_t>(data->BufTextLen));
    data->Buf = s->data();
  }
  return 0;
}

}  // namespace

void ForgetTextPanel() {
  crypto::Wipe(buffer.data(), buffer.size());
  buffer.clear();
  target = {};
  was_active = false;
}

void DrawTextPanel(App& app) {
  review::Replica& r = *app.open_review();
  ImGui::BeginChild("texts", ImVec2(280, 0), true);
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##note", "New note's title", note_title, sizeof note_title);
  if (ImGui::Button("Add a note", ImVec2(-1, 0)) && note_title[0]) {
    auto id = r.AddEntity("note", {{"title", std::string(note_title)}});
    if (id.ok()) {
      r.FlushText().ok();
      ForgetTextPanel();
      target = {*id, "body"};
      note_title[0] = '\0';
    } else {
      app.Say("Could not add the note: " + id.status().message());
    }
  }
  ImGui::Separator();
  for (const auto& [type, def] : r.schema().types()) {
    if (type == "scr") continue;  // the workflow's own record
    for (const auto& [field, fdef] : def.fields) {
      if (fdef.type != crdt::FieldType::kText) continue;
      for (const auto& rec : domain::Records(r.document(), type)) {
        std::string label = rec.Str("title");
        if (label.empty()) label = rec.Str("name");
        if (label.empty()) label = rec.id.substr(0, 8);
        label = type + ": " + label + " (" + field + ")";
        if (app.privacy()) label = Pseudonyms::From(r.document()).Apply(label);
        bool selected = target.entity == rec.id && target.field == field;
        if (ImGui::Selectable((label + "##" + rec.id + field).c_str(), selected) && !selected) {
          r.FlushText().ok();
          ForgetTextPanel();
          target = {rec.id, field};
        }
      }
    }
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("editor");
  if (target.entity.empty()) {
    ImGui::TextDisabled("Choose a text on the left to read or edit it.");
    ImGui::EndChild();
    return;
  }
  if (app.privacy()) {
    // Privacy mode shows pseudonyms, so the text is for reading only.
    ImGui::TextWrapped("%s", Pseudonyms::From(r.document()).Apply(CurrentText(r)).c_str());
    ImGui::EndChild();
    return;
  }
  // Others' edits land while the field is not being typed in.
  if (!was_active) buffer = CurrentText(r);
  std::string before = buffer;
  ImGui::InputTextMultiline("##text", buffer.data(), buffer.size() + 1, ImVec2(-1, -1),
                            ImGuiInputTextFlags_CallbackResize, Resize, &buffer);
  bool active = ImGui::IsItemActive();
  if (buffer != before) {
    Status s = ApplyEdit(r, before, buffer);
    if (!s.ok()) {
      app.Say("That edit could not be kept: " + s.message());
      buffer = CurrentText(r);
    }
  }
  if (was_active && !active) r.FlushText().ok();  // leaving the field signs the burst
  was_active = active;
  crypto::Wipe(before.data(), before.size());
  ImGui::EndChild();
}

}  // namespace caseboard::app
