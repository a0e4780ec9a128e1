// "Publication": the publication check (core/domain/publication_check.h) on
// the texts destined for publication. Each hit is shown in its context; a
// name with a pseudonym is replaced with one click, everything else needs a
// person's rewording in the text itself.
#include <imgui.h>

#include <string>
#include <vector>

#include "app.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/domain/publication_check.h"
#include "caseboard/domain/records.h"

namespace caseboard::app {
namespace {

std::vector<domain::PublicationHit> hits;
std::string checked_review;
size_t checked_changes = static_cast<size_t>(-1);
std::string message;

void Check(const review::Replica& r) {
  ForgetPublicationPanel();
  hits = domain::ScanReview(r.document());
  checked_review = r.id();
  checked_changes = r.change_count();
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
  if (hits.empty()) {
    ImGui::TextUnformatted("Nothing identifying found in the texts destined for publication.");
    return;
  }
  ImGui::Text("%zu to look at before publication:", hits.size());
  ImGui::BeginChild("hits");
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
}

}  // namespace caseboard::app
