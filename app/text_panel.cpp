// Long texts (report bodies, interview notes, findings): an editor bound to
// the text CRDT. Each edit the person makes becomes InsertText/DeleteText at
// the changed place, so concurrent edits from other devices merge character
// by character; the replica signs a burst of typing as one change when the
// person pauses, leaves the field, or locks.
#include <imgui.h>

#include <string>
#include <vector>

#include "app.h"
#include "caseboard/bytes.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/domain/records.h"
#include "pseudonyms.h"
#include "string_input.h"

namespace caseboard::app {
namespace {

struct Target {
  std::string entity, field;
};
Target target;
std::string buffer;                               // what the widget shows and edits
std::string synced;                               // the CRDT text as of the last sync with the buffer
size_t synced_changes = static_cast<size_t>(-1);  // the replica's change count then
bool was_active = false;
char note_title[160];

struct ListedText {
  std::string entity, field, label;
};
std::vector<ListedText> texts;
size_t list_changes = static_cast<size_t>(-1);
bool list_private = false;

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

}  // namespace

void ForgetTextPanel() {
  crypto::Wipe(buffer.data(), buffer.size());
  crypto::Wipe(synced.data(), synced.size());
  buffer.clear();
  synced.clear();
  synced_changes = static_cast<size_t>(-1);
  texts.clear();
  list_changes = static_cast<size_t>(-1);
  target = {};
  was_active = false;
}

void SelectText(const std::string& entity, const std::string& field) {
  ForgetTextPanel();
  target = {entity, field};
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
  // The list of texts is rebuilt only when the review changes: a review
  // may hold thousands of records with text fields.
  if (r.change_count() != list_changes || app.privacy() != list_private) {
    texts.clear();
    Pseudonyms names = app.privacy() ? Pseudonyms::From(r.document()) : Pseudonyms();
    for (const auto& [type, def] : r.schema().types()) {
      if (type == "scr") continue;  // the workflow's own record
      for (const auto& [field, fdef] : def.fields) {
        if (fdef.type != crdt::FieldType::kText) continue;
        for (const auto& rec : domain::Records(r.document(), type)) {
          std::string label = rec.Str("title");
          if (label.empty()) label = rec.Str("name");
          if (label.empty()) label = rec.id.substr(0, 8);
          texts.push_back({rec.id, field, names.Apply(type + ": " + label + " (" + field + ")")});
        }
      }
    }
    list_changes = r.change_count();
    list_private = app.privacy();
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(texts.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const ListedText& t = texts[static_cast<size_t>(i)];
      bool selected = target.entity == t.entity && target.field == t.field;
      if (ImGui::Selectable((t.label + "##" + t.entity + t.field).c_str(), selected) && !selected) {
        r.FlushText().ok();
        ForgetTextPanel();
        target = {t.entity, t.field};
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
  // Others' edits land while the field is not being typed in. Reading a
  // long text out of the CRDT costs more than a frame, so it happens only
  // when the review has changed since.
  if (!was_active && r.change_count() != synced_changes) {
    buffer = CurrentText(r);
    synced = buffer;
    synced_changes = r.change_count();
  }
  bool edited = ImGui::InputTextMultiline("##text", buffer.data(), buffer.size() + 1, ImVec2(-1, -1),
                                          ImGuiInputTextFlags_CallbackResize, ResizeString, &buffer);
  bool active = ImGui::IsItemActive();
  if (edited && buffer != synced) {
    Status s = ApplyEdit(r, synced, buffer);
    if (!s.ok()) {
      app.Say("That edit could not be kept: " + s.message());
      buffer = CurrentText(r);
    }
    synced = buffer;
  }
  if (was_active && !active) {
    r.FlushText().ok();  // leaving the field signs the burst
    synced_changes = r.change_count();
  }
  was_active = active;
  ImGui::EndChild();
}

}  // namespace caseboard::app
