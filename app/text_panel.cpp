// Long texts (report bodies, interview notes, findings): an editor bound to
// the text CRDT. Each edit the person makes becomes InsertText/DeleteText at
// the changed place, so concurrent edits from other devices merge character
// by character; the replica signs a burst of typing as one change when the
// person pauses, leaves the field, or locks.
//
// Others' edits arrive while the person types: a sync running in the
// background has its turns with the vault from inside the editor's
// callback, once that frame's keystrokes are in the replica (vault_turns.h).
// What it brought in replaces the widget's text, and the cursor and
// selection are carried by anchors (the character before each), so they
// stay by the same characters however much text arrived before them.
#include <imgui.h>
#include <imgui_internal.h>  // ImGuiInputTextState: the undo history, the text Escape restores

#include <cstring>
#include <optional>
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
int active_frame = -1;  // the last frame the field was active in
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
Status ApplyEdit(review::Replica& r, const std::string& before, std::string_view after) {
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
  std::string_view added = after.substr(prefix, after.size() - prefix - suffix);
  if (!removed.empty())
    CB_RETURN_IF_ERROR(r.DeleteText(target.entity, target.field, at, CodePointsIn(removed)));
  if (!added.empty()) CB_RETURN_IF_ERROR(r.InsertText(target.entity, target.field, at, added));
  return Status::Ok();
}

const crdt::TextSequence* Sequence(const review::Replica& r) {
  const crdt::Entity* e = r.document().Find(target.entity);
  return e ? e->Text(target.field) : nullptr;
}

std::string CurrentText(const review::Replica& r) {
  const crdt::TextSequence* t = Sequence(r);
  return t ? t->Text() : std::string();
}

// The byte offset of code point `n` in `s` (its end if shorter).
size_t ByteOffsetOf(std::string_view s, size_t n) {
  size_t i = 0;
  for (; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n-- == 0) break;
  return i;
}

// The editor's callback, for the frame it runs in.
App* editing_app = nullptr;
review::Replica* editing_replica = nullptr;

// Puts `text` in the active widget, moving the cursor and selection to the
// given code point positions. The widget's undo history and the text Escape
// would restore are of the text before, so they go.
void ReplaceWidgetText(ImGuiInputTextCallbackData* data, const std::string& text, size_t cursor,
                       size_t sel_start, size_t sel_end) {
  data->DeleteChars(0, data->BufTextLen);
  data->InsertChars(0, text.data(), text.data() + text.size());
  data->CursorPos = static_cast<int>(ByteOffsetOf(text, cursor));
  data->SelectionStart = static_cast<int>(ByteOffsetOf(text, sel_start));
  data->SelectionEnd = static_cast<int>(ByteOffsetOf(text, sel_end));
  if (ImGuiInputTextState* st = ImGui::GetInputTextState(ImGui::GetActiveID())) {
    st->Stb.undostate.undo_point = 0;
    st->Stb.undostate.undo_char_point = 0;
    st->Stb.undostate.redo_point = STB_TEXTEDIT_UNDOSTATECOUNT;
    st->Stb.undostate.redo_char_point = STB_TEXTEDIT_UNDOCHARCOUNT;
    st->InitialTextA.resize(static_cast<int>(text.size()) + 1);
    std::memcpy(st->InitialTextA.Data, text.c_str(), text.size() + 1);
  }
}

// Every frame while the field is active, after ImGui has applied the frame's keystrokes.
int EditorCallback(ImGuiInputTextCallbackData* data) {
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) return ResizeString(data);
  if (data->EventFlag != ImGuiInputTextFlags_CallbackAlways) return 0;
  App& app = *editing_app;
  review::Replica& r = *editing_replica;
  // 1. The keystrokes, in the text they were typed into. (Compared in
  // place: this runs every frame, and the text may be long.)
  std::string_view now(data->Buf, static_cast<size_t>(data->BufTextLen));
  bool reload = false;
  if (now != synced) {
    Status s = ApplyEdit(r, synced, now);
    if (!s.ok()) {
      app.Say("That edit could not be kept: " + s.message());
      reload = true;
    }
    synced.assign(now);
  }
  // 2. A waiting sync's turn, with the cursor and selection anchored first.
  if (!reload && !app.sync_wants_vault()) return 0;
  std::string_view text(data->Buf, static_cast<size_t>(data->BufTextLen));
  crdt::TextAnchor cursor, sel_start, sel_end;
  if (const crdt::TextSequence* t = Sequence(r)) {
    cursor = t->AnchorAt(CodePointsIn(text.substr(0, static_cast<size_t>(data->CursorPos))));
    sel_start = t->AnchorAt(CodePointsIn(text.substr(0, static_cast<size_t>(data->SelectionStart))));
    sel_end = t->AnchorAt(CodePointsIn(text.substr(0, static_cast<size_t>(data->SelectionEnd))));
  }
  size_t changes = r.change_count();
  app.LendVault();
  if (!reload && r.change_count() == changes) return 0;
  const crdt::TextSequence* t = Sequence(r);  // gone if the record was destroyed
  std::string merged = t ? t->Text() : std::string();
  ReplaceWidgetText(data, merged, t ? t->PositionOf(cursor) : 0, t ? t->PositionOf(sel_start) : 0,
                    t ? t->PositionOf(sel_end) : 0);
  synced = std::move(merged);
  synced_changes = r.change_count();
  return 0;
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
  active_frame = -1;
}

void SelectText(const std::string& entity, const std::string& field) {
  ForgetTextPanel();
  target = {entity, field};
}

// Only if the field was active on the frame before: a field left behind by
// a tab switch no longer runs its callback, and the frame must lend instead.
bool TextPanelTyping() { return active_frame >= 0 && active_frame == ImGui::GetFrameCount() - 1; }

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
  std::optional<Target> chosen;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(texts.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const ListedText& t = texts[static_cast<size_t>(i)];
      bool selected = target.entity == t.entity && target.field == t.field;
      if (ImGui::Selectable((t.label + "##" + t.entity + t.field).c_str(), selected) && !selected)
        chosen = Target{t.entity, t.field};
    }
  }
  // Only now: ForgetTextPanel clears the list the loop reads.
  if (chosen) {
    r.FlushText().ok();
    ForgetTextPanel();
    target = std::move(*chosen);
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
  // While the field is not being typed in, the widget shows the CRDT's
  // text, read again only when the review has changed (a long text costs
  // more than a frame to read). While it is, the callback keeps the two
  // together, edit by edit.
  if (!was_active && r.change_count() != synced_changes) {
    buffer = CurrentText(r);
    synced = buffer;
    synced_changes = r.change_count();
  }
  editing_app = &app;
  editing_replica = &r;
  bool edited = ImGui::InputTextMultiline(
      "##text", buffer.data(), buffer.size() + 1, ImVec2(-1, -1),
      ImGuiInputTextFlags_CallbackResize | ImGuiInputTextFlags_CallbackAlways, EditorCallback, &buffer);
  bool active = ImGui::IsItemActive();
  if (active) active_frame = ImGui::GetFrameCount();
  // An edit on the frame the field was left (the callback no longer runs then).
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
