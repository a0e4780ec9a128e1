// "Publication": the publication check (core/domain/publication_check.h) on
// the texts destined for publication, and the export of the publication pack
// (export/). Each hit is shown in its context; a name with a pseudonym is
// replaced with one click, everything else needs a person's rewording in the
// text itself. The pack exports only when the check is clean, or as a draft
// marked so on every page.
#include <imgui.h>

#include <cctype>
#include <cstring>
#include <string>
#include <vector>

#include "app.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/domain/publication_check.h"
#include "caseboard/domain/publication_pack.h"
#include "caseboard/domain/records.h"
#include "caseboard/export/pack_export.h"
#include "string_input.h"

namespace caseboard::app {
namespace {

std::vector<domain::PublicationHit> hits;
std::string checked_review;
size_t checked_changes = static_cast<size_t>(-1);
std::string message;
std::string blind;  // why the check cannot run on this device ("" when it can)

int export_format = 0;  // exporting::Format
std::string export_path;
bool export_draft = false;
std::string export_message;

const char* const kExtensions[] = {".pdf", ".html", ".docx"};

void Check(const review::Replica& r) {
  ForgetPublicationPanel();
  blind = domain::PublicationCheckBlind(r);
  if (blind.empty()) hits = domain::ScanReview(r.document());
  checked_review = r.id();
  checked_changes = r.change_count();
}

// A file name from the review's title (a pseudonym), in the home folder.
std::string DefaultExportPath(const review::Replica& r) {
  std::string name;
  for (char c : r.title()) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return "~/" + name + "-publication-pack" + kExtensions[export_format];
}

void Export(const review::Replica& r) {
  auto pack = domain::BuildPublicationPack(r);
  if (!pack.ok()) {
    export_message = pack.status().message();
    return;
  }
  if (pack->draft() && !export_draft) {
    export_message = "The check still finds " + std::to_string(pack->check_findings) +
                     " thing(s) above. Deal with them, or tick \"Export as a draft\" for the panel to read.";
    return;
  }
  auto format = static_cast<exporting::Format>(export_format);
  auto bytes = exporting::Render(*pack, format);
  std::string path = CleanTypedPath(export_path);
  Status s = bytes.ok() ? exporting::WriteFile(path, *bytes) : bytes.status();
  export_message = s.ok() ? std::string("Exported ") + (pack->draft() ? "a draft " : "") + "to " + path + "."
                          : "Not exported: " + s.message();
}

void DrawExport(App& app, const review::Replica& r) {
  ImGui::Separator();
  ImGui::TextUnformatted("Export the publication pack");
  ImGui::TextWrapped(
      "The final report (its sections, then the findings and recommendations), the summary the publication "
      "plan names, and the board's response, as one file. It is plaintext: keep it where only you can read "
      "it until it is published.");
  bool changed = false;
  for (int i = 0; i < 3; ++i) {
    if (i) ImGui::SameLine();
    changed |= ImGui::RadioButton(i == 0 ? "PDF" : i == 1 ? "HTML" : "Word (DOCX)", &export_format, i);
  }
  if (export_path.empty()) export_path = DefaultExportPath(r);
  if (changed)  // keep the chosen name, change the extension
    for (const char* ext : kExtensions)
      if (export_path.size() > std::strlen(ext) && export_path.ends_with(ext)) {
        export_path.resize(export_path.size() - std::strlen(ext));
        export_path += kExtensions[export_format];
        break;
      }
  ImGui::SetNextItemWidth(-120);
  bool enter = ImGui::InputText("##export_path", export_path.data(), export_path.capacity() + 1,
                                ImGuiInputTextFlags_CallbackResize | ImGuiInputTextFlags_EnterReturnsTrue,
                                ResizeString, &export_path);
  ImGui::SameLine();
  if (ImGui::Button("Export", ImVec2(-1, 0)) || enter) {
    Export(r);
    app.NoteActivity();
  }
  if (!hits.empty())
    ImGui::Checkbox("Export as a draft, marked \"not for publication\" on every page", &export_draft);
  if (!export_message.empty()) ImGui::TextWrapped("%s", export_message.c_str());
}

}  // namespace

void ForgetPublicationPanel() {
  for (auto& h : hits) {
    crypto::Wipe(h.found.data(), h.found.size());
    crypto::Wipe(h.context.data(), h.context.size());
  }
  hits.clear();
  checked_review.clear();
  checked_changes = static_cast<size_t>(-1);
  message.clear();
  blind.clear();
  export_path.clear();
  export_message.clear();
  export_draft = false;
}

void DrawPublicationPanel(App& app) {
  review::Replica& r = *app.open_review();
  // Scanned again whenever the review changes, here or by sync.
  if (r.id() != checked_review || r.change_count() != checked_changes) {
    std::string keep = message;
    Check(r);
    message = keep;
  }
  ImGui::TextWrapped(
      "Report sections, findings, recommendations, the board's response and media statements are checked "
      "for real names, full dates, postcodes, addresses, schools, exact ages and the details flagged as "
      "identifying. Pseudonyms are never flagged.");
  if (!message.empty()) ImGui::TextWrapped("%s", message.c_str());
  ImGui::Separator();
  if (!blind.empty()) {
    ImGui::TextWrapped("The check cannot run here: %s.", blind.c_str());
    return;
  }
  if (hits.empty()) {
    ImGui::TextUnformatted("Nothing identifying found in the texts destined for publication.");
    DrawExport(app, r);
    return;
  }
  ImGui::Text("%zu to look at before publication:", hits.size());
  // The hits scroll; the export stays in view below them.
  ImGui::BeginChild("hits", ImVec2(0, -11 * ImGui::GetFrameHeightWithSpacing()));
  for (size_t i = 0; i < hits.size(); ++i) {
    const domain::PublicationHit h = hits[i];  // a copy: replacing rescans
    ImGui::PushID(static_cast<int>(i));
    std::string where = h.entity;
    if (auto rec = domain::FindRecord(r.document(), h.entity)) where = RecordLabel(r.document(), *rec);
    ImGui::TextColored(ImVec4(0.85f, 0.45f, 0.1f, 1), "%s", Readable(h.kind).c_str());
    ImGui::SameLine();
    ImGui::Text("\"%s\" in %s (%s)", h.found.c_str(), where.c_str(), Readable(h.field).c_str());
    ImGui::Indent();
    ImGui::TextWrapped("%s", h.context.c_str());
    if (!h.replacement.empty() && ImGui::SmallButton(("Replace with \"" + h.replacement + "\"").c_str())) {
      Status s = domain::ReplaceHit(r, h);
      message = s.ok() ? "Replaced \"" + h.found + "\" with \"" + h.replacement + "\"." : s.message();
      app.NoteActivity();
    }
    ImGui::Unindent();
    ImGui::Separator();
    ImGui::PopID();
  }
  ImGui::EndChild();
  DrawExport(app, r);
}

}  // namespace caseboard::app
