// "Data protection": the review's retention schedule and legal hold, the
// subject access bundle for one person, and the access log of restricted
// records (core/domain/retention.h, subject_access.h, access_log.h). The
// schedule and the hold are edited as the `retention` record in the
// Records tab; this panel reads them, and an owner destroys what is due here.
#include <imgui.h>

#include <string>
#include <vector>

#include "app.h"
#include "caseboard/domain/access_log.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/retention.h"
#include "caseboard/domain/subject_access.h"
#include "caseboard/export/pack_export.h"
#include "caseboard/export/subject_access_export.h"
#include "pseudonyms.h"
#include "string_input.h"

namespace caseboard::app {
namespace {

std::string subject;  // the person record chosen for subject access
std::string bundle_path;
std::string bundle_message;
std::string destroy_kind;  // the kind the confirmation dialog is about
std::string destroy_message;

// The schedule, computed again only when the review or the day changes (not every frame).
struct RetentionCache {
  std::string review;
  size_t changes = static_cast<size_t>(-1);
  domain::Date today;
  domain::RetentionReport report;
  std::vector<review::Destruction> destructions;
} cache;

const RetentionCache& Retention(App& app, const review::Replica& r) {
  if (cache.review != r.id() || cache.changes != r.change_count() || !(cache.today == app.today())) {
    cache.review = r.id();
    cache.changes = r.change_count();
    cache.today = app.today();
    cache.report = domain::CheckRetention(r.document(), app.today());
    cache.destructions = r.Destructions();
  }
  return cache;
}

std::string StateText(const domain::RetentionItem& i, const std::string& starts_from) {
  if (i.state == "not_set") return "kept: the board has not set a period";
  if (i.state == "no_start") return std::to_string(i.years) + " years once the review is " + starts_from;
  if (i.state == "kept") return "kept until " + i.due;
  if (i.state == "due") return "DUE for destruction since " + i.due;
  if (i.state == "done") return "destroyed (due since " + i.due + ")";
  return "on legal hold";
}

// The one confirmed action that destroys a kind of material everywhere.
void DrawDestroyDialog(App& app, review::Replica& r, const domain::RetentionReport& report) {
  if (!destroy_kind.empty() && !ImGui::IsPopupOpen("Destroy material?"))
    ImGui::OpenPopup("Destroy material?");
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(520, 0));
  if (!ImGui::BeginPopupModal("Destroy material?", nullptr, ImGuiWindowFlags_NoResize)) return;
  const domain::RetentionItem* item = nullptr;
  for (const auto& i : report.items)
    if (i.kind == destroy_kind) item = &i;
  if (item) {
    ImGui::Text("Destroy %s: %zu record(s) of this review?", item->name.c_str(), item->records);
    ImGui::TextWrapped(
        "They are removed from this vault now, and from every other device and the board at their "
        "next sync, with their history. This cannot be undone. A destruction record keeps who did it, "
        "when, and how much, and nothing of what it was.");
  }
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.7f, 0.15f, 0.1f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.8f, 0.2f, 0.15f, 1));
  bool destroy = ImGui::Button("Destroy for good");
  ImGui::PopStyleColor(2);
  ImGui::SameLine();
  bool cancel = ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape));
  if (destroy) {
    auto n = domain::DestroyKind(r, destroy_kind, app.today());
    destroy_message = n.ok() ? "Destroyed " + std::to_string(*n) +
                                   " record(s). Other devices and the board "
                                   "remove them at their next sync."
                             : "Nothing destroyed: " + n.status().message();
    app.NoteActivity();
  }
  if (destroy || cancel) {
    destroy_kind.clear();
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

void DrawRetention(App& app, review::Replica& r) {
  ImGui::TextUnformatted("Retention");
  const RetentionCache& cached = Retention(app, r);
  const domain::RetentionReport& report = cached.report;
  bool owner = r.membership().IsOwner(r.device());
  if (report.legal_hold)
    ImGui::TextColored(ImVec4(0.8f, 0.2f, 0.1f, 1), "Legal hold: nothing may be destroyed (%s).",
                       report.hold_reason.c_str());
  ImGui::TextWrapped(
      "Periods run from when the review was %s: %s. Set them, and the legal hold, in the "
      "Records tab under \"Retention\".",
      report.starts_from.c_str(), report.start.empty() ? "not yet" : report.start.c_str());
  if (ImGui::BeginTable("retention", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("Material");
    ImGui::TableSetupColumn("Records", ImGuiTableColumnFlags_WidthFixed, 80);
    ImGui::TableSetupColumn("Kept");
    ImGui::TableSetupColumn("##destroy", ImGuiTableColumnFlags_WidthFixed, 100);
    ImGui::TableHeadersRow();
    for (const auto& i : report.items) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(i.name.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%zu", i.records);
      ImGui::TableNextColumn();
      if (i.state == "due")
        ImGui::TextColored(ImVec4(0.8f, 0.2f, 0.1f, 1), "%s", StateText(i, report.starts_from).c_str());
      else
        ImGui::TextUnformatted(StateText(i, report.starts_from).c_str());
      ImGui::TableNextColumn();
      // Only an owner may destroy, and only what is due (never under a legal hold).
      if (i.state == "due" && owner) {
        ImGui::PushID(i.kind.c_str());
        if (ImGui::SmallButton("Destroy...")) {
          destroy_kind = i.kind;
          destroy_message.clear();
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }
  if (!destroy_message.empty()) ImGui::TextWrapped("%s", destroy_message.c_str());
  for (const auto& d : cached.destructions) {
    std::string what = d.what;
    for (const auto& k : domain::RetentionKinds())
      if (k.id == d.what) what = k.name;
    std::string on = domain::FormatDate(domain::DateOfMs(d.hlc.wall_ms));
    ImGui::TextDisabled("Destroyed %s: %s, %zu record(s), by device %s.", on.c_str(), what.c_str(), d.records,
                        d.author.substr(0, 8).c_str());
  }
  DrawDestroyDialog(app, r, report);
}

void ExportBundle(App& app, review::Replica& r) {
  auto report = domain::FindSubjectRecords(r, subject);
  if (!report.ok()) {
    bundle_message = report.status().message();
    return;
  }
  for (const auto& rec : report->records)
    if (!app.LogAccess("exported", rec.id, "subject access bundle")) {
      bundle_message = "Not exported: an access to a restricted record could not be logged.";
      return;
    }
  std::string path = CleanTypedPath(bundle_path);
  Status s = exporting::WriteFile(path, exporting::RenderSubjectAccessHtml(*report));
  bundle_message = s.ok() ? "Exported " + std::to_string(report->records.size()) + " record(s) to " + path +
                                ", " + std::to_string(report->third_party_marks) +
                                " third-party mention(s) marked for redaction review."
                          : "Not exported: " + s.message();
}

void DrawSubjectAccess(App& app, review::Replica& r, const Pseudonyms& names) {
  ImGui::TextUnformatted("Subject access");
  if (!r.has_key("family")) {
    ImGui::TextWrapped("This device cannot read the family compartment, where the people are.");
    return;
  }
  std::vector<domain::Record> people = domain::Records(r.document(), "person");
  std::string current = "(choose a person)";
  for (const auto& p : people)
    if (p.id == subject) current = names.Apply(p.Str("name"));
  ImGui::SetNextItemWidth(320);
  if (ImGui::BeginCombo("##subject", current.c_str())) {
    for (const auto& p : people)
      if (ImGui::Selectable(names.Apply(p.Str("name")).c_str(), p.id == subject)) {
        subject = p.id;
        bundle_message.clear();
      }
    ImGui::EndCombo();
  }
  if (bundle_path.empty()) bundle_path = "~/subject-access.html";
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-170);
  ImGui::InputText("##bundle_path", bundle_path.data(), bundle_path.capacity() + 1,
                   ImGuiInputTextFlags_CallbackResize, ResizeString, &bundle_path);
  ImGui::SameLine();
  ImGui::BeginDisabled(subject.empty());
  if (ImGui::Button("Export bundle", ImVec2(-1, 0))) {
    ExportBundle(app, r);
    app.NoteActivity();
  }
  ImGui::EndDisabled();
  ImGui::TextDisabled(
      "Every record concerning the person, whole; other people named in them are marked for "
      "redaction review.");
  if (!bundle_message.empty()) ImGui::TextWrapped("%s", bundle_message.c_str());
}

void DrawAccessLog(const review::Replica& r) {
  ImGui::TextUnformatted("Access log of restricted records");
  if (!r.has_key("restricted")) {
    ImGui::TextWrapped("The log is in the restricted compartment, which this device cannot read.");
    return;
  }
  std::vector<domain::AccessEntry> log = domain::AccessLog(r.document());
  if (log.empty()) {
    ImGui::TextDisabled("No restricted record has been opened or exported.");
    return;
  }
  if (ImGui::BeginTable("access_log", 4,
                        ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY,
                        ImVec2(0, 0))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("When (UTC)", ImGuiTableColumnFlags_WidthFixed, 170);
    ImGui::TableSetupColumn("Device", ImGuiTableColumnFlags_WidthFixed, 110);
    ImGui::TableSetupColumn("What");
    ImGui::TableSetupColumn("How");
    ImGui::TableHeadersRow();
    for (auto it = log.rbegin(); it != log.rend(); ++it) {  // newest first
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(it->at.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(it->device.substr(0, 8).c_str());
      ImGui::TableNextColumn();
      // A record destroyed since keeps its entry, with no type to show.
      ImGui::Text("%s %s", it->action.c_str(),
                  it->record_type.empty() ? "a record destroyed since" : Readable(it->record_type).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(it->how.c_str());
    }
    ImGui::EndTable();
  }
}

}  // namespace

void ForgetDataProtectionPanel() {
  subject.clear();
  bundle_path.clear();
  bundle_message.clear();
  destroy_kind.clear();
  destroy_message.clear();
  cache = RetentionCache();
}

void DrawDataProtectionPanel(App& app, const Pseudonyms& names) {
  review::Replica& r = *app.open_review();
  DrawRetention(app, r);
  ImGui::Separator();
  DrawSubjectAccess(app, r, names);
  ImGui::Separator();
  DrawAccessLog(r);
}

}  // namespace caseboard::app
