// The review's files (agency reports, recordings, letters): look at one,
// and see whether the records it belongs to are signed off. Adding a file
// is add_file_form.cpp.
//
// Looking at one decrypts it into
// memory only ("View here"), into a buffer wiped when the view closes, the
// review closes or the vault locks. A program that needs a path gets a copy
// in a private in-memory folder (private_temp.h), wiped on "Done" or lock.
#include <fcntl.h>
#include <imgui.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/signoff.h"
#include "private_temp.h"
#include "pseudonyms.h"
#include "string_input.h"
#include "theme_colors.h"

namespace caseboard::app {
namespace {

// "View here" keeps at most this much of a file in memory: enough to read a
// long report, and it bounds what a large recording costs. The whole file
// is still read through, so its content hash is checked.
constexpr size_t kViewKeep = 256 * 1024;
constexpr size_t kHexShown = 256;

struct SignoffLine {
  std::string text;
  bool valid = false;
};

// One attachment as the list shows it, rebuilt when the review changes.
struct FileRow {
  std::string entity;
  std::string name;  // pseudonymised in privacy mode
  std::string media_type;
  int64_t size = -1;  // -1: not recorded
  std::string compartment;
  enum Where { kHere, kToCome, kUnknown } where = kUnknown;
  // The records that refer to it, each with the sign-offs covering it.
  struct Ref {
    std::string label;
    std::vector<SignoffLine> signoffs;
  };
  std::vector<Ref> records;
};

std::string list_review;
size_t list_changes = static_cast<size_t>(-1);
bool list_private = false;
std::vector<FileRow> rows;
std::vector<FileTarget> targets;
std::string open_error;

// The file decrypted for "View here".
struct Viewed {
  std::string entity, label;
  std::string bytes;  // at most kViewKeep of it
  std::string shown;  // the text as shown (pseudonymised in privacy mode)
  bool shown_private = false;
  uint64_t total = 0;  // the file's whole size
  bool text = false;
};
Viewed viewed;

void WipeString(std::string& s) {
  crypto::Wipe(s.data(), s.size());
  s.clear();
  s.shrink_to_fit();
}

void CloseView() {
  WipeString(viewed.bytes);
  WipeString(viewed.shown);
  viewed = {};
}

// Text if it is UTF-8 without control characters other than layout ones. A
// sequence cut short by kViewKeep at the very end still counts as text.
bool LooksLikeText(const std::string& s, bool truncated) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') return false;
      if (c == 0x7F) return false;
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0) return false;
    if (i + len > s.size()) return truncated;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// The list, the records that refer to each file, and the sign-offs that
// cover those records. Sign-off checks verify signatures, so this runs only
// when the review changes, not every frame.
void Rebuild(App& app) {
  review::Replica& r = *app.open_review();
  const crdt::Document& doc = r.document();
  Pseudonyms names = app.privacy() ? Pseudonyms::From(doc) : Pseudonyms();
  rows.clear();
  targets.clear();

  std::map<std::string, FileRow::Where> where;
  for (const auto& f : r.Files()) where[f.entity] = f.here ? FileRow::kHere : FileRow::kToCome;

  // Which records hold sets of files, and what each holds.
  std::map<std::string, std::vector<const FileTarget*>> referred_by;
  for (const auto& [type, def] : r.schema().types())
    for (const auto& [field, fdef] : def.fields) {
      if (fdef.type != crdt::FieldType::kRefSet || fdef.ref_type != "attachment") continue;
      for (const auto& rec : domain::Records(doc, type))
        targets.push_back({rec.id, field, names.Apply(RecordLabel(doc, rec)), rec.compartment});
    }
  for (const auto& t : targets) {
    auto rec = domain::FindRecord(doc, t.entity);
    const nlohmann::json* files = rec ? rec->Get(t.field) : nullptr;
    if (!files || !files->is_array()) continue;
    for (const auto& id : *files)
      if (id.is_string()) referred_by[id.get<std::string>()].push_back(&t);
  }

  for (const auto& rec : domain::Records(doc, "attachment")) {
    FileRow row;
    row.entity = rec.id;
    row.name = names.Apply(rec.Str("name"));
    if (row.name.empty()) row.name = "(no name)";
    row.media_type = rec.Str("media_type");
    if (const nlohmann::json* size = rec.Get("size"); size && size->is_number_integer())
      row.size = size->get<int64_t>();
    row.compartment = rec.compartment;
    if (auto w = where.find(rec.id); w != where.end()) row.where = w->second;
    for (const FileTarget* t : referred_by[rec.id]) {
      FileRow::Ref ref{t->label, {}};
      // A sign-off covers the record with its files' content hashes, so it
      // is the record's sign-offs that say whether this file is signed off.
      for (const auto& c : domain::CheckSignoffs(r, t->entity)) {
        SignoffLine line;
        line.valid = c.valid;
        std::string who = c.signer.empty() ? "someone" : names.Apply(c.signer);
        if (!c.signer_role.empty()) who += " (" + c.signer_role + ")";
        line.text = "Signed off by " + who + (c.signed_on.empty() ? "" : " on " + c.signed_on) +
                    (c.valid ? ": still valid" : ": no longer valid: " + c.reason);
        ref.signoffs.push_back(std::move(line));
      }
      row.records.push_back(std::move(ref));
    }
    rows.push_back(std::move(row));
  }
}

// Decrypts into memory. Only the first kViewKeep bytes are kept, in a
// buffer reserved up front so it never reallocates (a reallocation would
// leave an unwiped copy behind on the heap).
void ViewHere(App& app, const FileRow& row) {
  CloseView();
  open_error.clear();
  if (!app.LogAccess("opened", row.entity, "viewed in the app")) return;
  viewed.entity = row.entity;
  viewed.label = row.name;
  viewed.bytes.reserve(kViewKeep);
  Status s = app.open_review()->ExtractFile(row.entity, [](ByteView data) {
    size_t keep = std::min(data.size(), kViewKeep - viewed.bytes.size());
    viewed.bytes.append(reinterpret_cast<const char*>(data.data()), keep);
    viewed.total += data.size();
    return Status::Ok();
  });
  if (!s.ok()) {
    CloseView();
    open_error = "Could not open " + row.name + ": " + s.message();
    return;
  }
  viewed.text = LooksLikeText(viewed.bytes, viewed.total > viewed.bytes.size());
}

// A plain file name for the copy: the other program shows it, and the
// extension tells the desktop which program to use.
std::string CopyName(const std::string& name) {
  std::string out;
  for (char c : name) out += (c == '/' || c == '\0') ? '_' : c;
  if (out.empty() || out == "." || out == "..") out = "attachment";
  return out;
}

void OpenElsewhere(App& app, const FileRow& row) {
  open_error.clear();
  if (!app.LogAccess("opened", row.entity, "opened in another program")) return;
  review::Replica& r = *app.open_review();
  auto copy = MakePrivateCopy(row.entity, row.name, CopyName(row.name),
                              [&](const store::WriteFn& write) { return r.ExtractFile(row.entity, write); });
  if (!copy.ok()) {
    open_error = "Could not open " + row.name + " in another program: " + copy.status().message();
    return;
  }
  Status s = OpenInDefaultProgram(copy->path);
  if (!s.ok()) {
    // No program will read it: the copy goes at once.
    WipePrivateCopy(copy->path).ok();
    open_error = "Could not open " + row.name + " in another program: " + s.message();
  }
}

void DrawCopies() {
  const auto& copies = PrivateCopies();
  if (copies.empty()) return;
  ImGui::Spacing();
  ImGui::TextColored(kRestrictedColor, "Open in another program");
  ImGui::TextWrapped(
      "A decrypted copy of each file below exists in a private folder in memory until you press Done or "
      "the vault locks. Close it in the other program first.");
  for (size_t i = 0; i < copies.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    std::string path = copies[i].path;
    if (ImGui::SmallButton("Done")) {
      Status s = WipePrivateCopy(path);
      if (!s.ok()) open_error = "Could not wipe the copy: " + s.message();
      ImGui::PopID();
      break;  // the list changed
    }
    ImGui::SameLine();
    ImGui::TextWrapped("%s  (%s)", copies[i].label.c_str(), path.c_str());
    ImGui::PopID();
  }
}

bool HasCopy(const std::string& entity) {
  for (const auto& c : PrivateCopies())
    if (c.entity == entity) return true;
  return false;
}

void DrawList(App& app) {
  ImGui::Spacing();
  ImGui::Text("Files in this review (%zu)", rows.size());
  ImGui::Separator();
  if (rows.empty()) {
    ImGui::TextWrapped(
        "No files yet. Add an agency report, a recording or a letter: type its path above, or drop it "
        "onto this window. Files are encrypted in this vault, and go to the board only as sealed pieces.");
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
  float height = viewed.entity.empty() ? 0 : std::max(120.0f, ImGui::GetContentRegionAvail().y * 0.4f);
  if (!ImGui::BeginTable("files", 5, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("File", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn("Size", ImGuiTableColumnFlags_WidthFixed, 80);
  ImGui::TableSetupColumn("Where", ImGuiTableColumnFlags_WidthFixed, 150);
  ImGui::TableSetupColumn("Records and sign-off", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn("Open", ImGuiTableColumnFlags_WidthFixed, 275);
  ImGui::TableHeadersRow();
  const FileRow* view = nullptr;
  const FileRow* open = nullptr;
  for (const auto& row : rows) {
    ImGui::PushID(row.entity.c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (row.compartment != "general") {
      ImGui::TextColored(kRestrictedColor, "[%s]", row.compartment.c_str());
      ImGui::SameLine();
    }
    ImGui::TextWrapped("%s", row.name.c_str());
    if (!row.media_type.empty()) ImGui::TextDisabled("%s", row.media_type.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(HumanSize(row.size).c_str());
    ImGui::TableNextColumn();
    switch (row.where) {
      case FileRow::kHere:
        ImGui::TextWrapped("In this vault");
        break;
      case FileRow::kToCome:
        ImGui::TextWrapped("Still to come from the board");
        break;
      case FileRow::kUnknown:
        ImGui::TextWrapped("Not known (attached by an older version)");
        break;
    }
    ImGui::TableNextColumn();
    if (row.records.empty()) {
      ImGui::TextDisabled("Not part of any record, so no sign-off covers it.");
    } else {
      for (const auto& ref : row.records) {
        ImGui::TextWrapped("%s", ref.label.c_str());
        ImGui::Indent();
        if (ref.signoffs.empty()) ImGui::TextDisabled("Not signed off yet.");
        for (const auto& s : ref.signoffs) {
          if (!s.valid) ImGui::PushStyleColor(ImGuiCol_Text, kInvalidColor);
          ImGui::TextWrapped("%s", s.text.c_str());
          if (!s.valid) ImGui::PopStyleColor();
        }
        ImGui::Unindent();
      }
    }
    ImGui::TableNextColumn();
    bool here = row.where != FileRow::kToCome;
    ImGui::BeginDisabled(!here);
    if (ImGui::SmallButton(viewed.entity == row.entity ? "Viewing" : "View here")) view = &row;
    ImGui::SameLine();
    ImGui::BeginDisabled(HasCopy(row.entity));
    if (ImGui::SmallButton("Open in another program")) open = &row;
    ImGui::EndDisabled();
    ImGui::EndDisabled();
    ImGui::PopID();
  }
  ImGui::EndTable();
  if (view) ViewHere(app, *view);
  if (open) OpenElsewhere(app, *open);
}

void DrawViewer(App& app) {
  if (viewed.entity.empty()) return;
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::Text("%s  (%s)", viewed.label.c_str(), HumanSize(static_cast<int64_t>(viewed.total)).c_str());
  ImGui::SameLine();
  if (ImGui::SmallButton("Close")) {
    CloseView();
    return;
  }
  ImGui::TextDisabled("Decrypted in memory only; wiped when you close it, leave the review or lock.");
  ImGui::BeginChild("view", ImVec2(0, 0), true);
  if (viewed.text) {
    // In privacy mode the text goes through the pseudonyms too; the result
    // is kept (and wiped with the rest) rather than made every frame.
    const std::string* text = &viewed.bytes;
    if (app.privacy()) {
      if (!viewed.shown_private) {
        WipeString(viewed.shown);
        viewed.shown = Pseudonyms::From(app.open_review()->document()).Apply(viewed.bytes);
        viewed.shown_private = true;
      }
      text = &viewed.shown;
    } else if (viewed.shown_private) {
      WipeString(viewed.shown);
      viewed.shown_private = false;
    }
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(text->data(), text->data() + text->size());
    ImGui::PopTextWrapPos();
    if (viewed.total > viewed.bytes.size())
      ImGui::TextDisabled("Only the first %s are shown here; open it in another program to read it all.",
                          HumanSize(static_cast<int64_t>(viewed.bytes.size())).c_str());
  } else {
    ImGui::TextWrapped(
        "This is not plain text, so only its first bytes are shown. Open it in another program to see it "
        "as it is meant to be seen.");
    ImGui::Spacing();
    size_t n = std::min(viewed.bytes.size(), kHexShown);
    char line[128];
    for (size_t at = 0; at < n; at += 16) {
      int used = std::snprintf(line, sizeof line, "%06zx ", at);
      for (size_t k = at; k < at + 16; ++k) {
        if (k < n)
          used += std::snprintf(line + used, sizeof line - static_cast<size_t>(used), " %02x",
                                static_cast<unsigned char>(viewed.bytes[k]));
        else
          used += std::snprintf(line + used, sizeof line - static_cast<size_t>(used), "   ");
      }
      ImGui::TextUnformatted(line);
    }
    crypto::Wipe(line, sizeof line);
  }
  ImGui::EndChild();
}

}  // namespace

void ForgetAttachmentsPanel() {
  CloseView();
  WipeAllPrivateCopies();
  rows.clear();
  targets.clear();
  list_review.clear();
  list_changes = static_cast<size_t>(-1);
  open_error.clear();
  ForgetAddFileForm();
}

void DrawAttachmentsPanel(App& app) {
  review::Replica& r = *app.open_review();
  if (r.id() != list_review || r.change_count() != list_changes || app.privacy() != list_private) {
    Rebuild(app);
    list_review = r.id();
    list_changes = r.change_count();
    list_private = app.privacy();
  }
  DrawAddFileForm(app, targets);
  DrawCopies();
  if (!open_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, kInvalidColor);
    ImGui::TextWrapped("%s", open_error.c_str());
    ImGui::PopStyleColor();
  }
  // Files in compartments this device holds no key for exist, but never show.
  for (const auto& c : crdt::kCompartments)
    if (!r.has_key(c) && r.membership().members().size() > 0)
      ImGui::TextDisabled(
          "Files in the %s compartment may exist for this review; this device holds no key for it.",
          c.c_str());
  DrawList(app);
  DrawViewer(app);
}

}  // namespace caseboard::app
