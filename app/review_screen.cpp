// One review: where it stands (stage, what is missing to move on, deadlines,
// warnings), its chronology, and its records.
#include <imgui.h>

#include "app.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "pseudonyms.h"
#include "theme_colors.h"

namespace caseboard::app {
namespace {

std::string advance_error;
std::string cached_review;
size_t cached_changes = static_cast<size_t>(-1);
domain::Date cached_day;
Result<domain::WorkflowStatus> status = Status::NotFound("no review");

void Heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextUnformatted(text);
  ImGui::Separator();
}

void DrawStatus(App& app, const domain::WorkflowStatus& st, const Pseudonyms& names) {
  if (st.stage_number > 0)
    ImGui::Text("Stage %d of %d: %s", st.stage_number, st.stage_count, st.stage_name.c_str());
  else
    ImGui::Text("%s", st.stage_name.c_str());
  if (!st.gate.empty()) {
    ImGui::Spacing();
    ImGui::Text("To move on to %s:", st.next_stage_name.c_str());
    for (const auto& g : st.gate) {
      bool met = g.met;
      ImGui::BeginDisabled();
      ImGui::Checkbox(("##gate" + g.label).c_str(), &met);
      ImGui::EndDisabled();
      ImGui::SameLine();
      if (g.detail.empty())
        ImGui::TextWrapped("%s", g.label.c_str());
      else
        ImGui::TextWrapped("%s (%s)", g.label.c_str(), g.detail.c_str());
    }
    ImGui::BeginDisabled(!st.can_advance());
    if (ImGui::Button("Move on to the next stage")) {
      domain::ScrReview scr(*app.open_review());
      auto r = scr.Advance(app.calendar(), app.today());
      advance_error = r.ok() ? "" : r.status().message();
    }
    ImGui::EndDisabled();
    if (!advance_error.empty()) ImGui::TextWrapped("%s", advance_error.c_str());
  }
  ImGui::Spacing();
  Heading("Deadlines");
  bool any = false;
  if (ImGui::BeginTable("deadlines", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("Due", ImGuiTableColumnFlags_WidthFixed, 110);
    ImGui::TableSetupColumn("State", ImGuiTableColumnFlags_WidthFixed, 110);
    ImGui::TableSetupColumn("What");
    for (const auto& d : st.deadlines) {
      if (d.state == domain::DeadlineState::kNotStarted) continue;
      any = true;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(d.due.c_str());
      ImGui::TableNextColumn();
      ImGui::TextColored(DeadlineColor(d.state, app.dark()), "%s", domain::DeadlineStateName(d.state));
      ImGui::TableNextColumn();
      std::string what = names.Apply(d.name);
      if (d.state == domain::DeadlineState::kDue || d.state == domain::DeadlineState::kAtRisk)
        what += " (" + std::to_string(d.working_days_left) +
                (d.working_days_left == 1 ? " working day" : " working days") + " left)";
      ImGui::TextWrapped("%s", what.c_str());
    }
    ImGui::EndTable();
  }
  if (!any) ImGui::TextDisabled("No deadline has started yet.");
  if (!st.warnings.empty()) {
    Heading("Needs attention");
    for (const auto& w : st.warnings) ImGui::BulletText("%s", names.Apply(w).c_str());
  }
}

}  // namespace

void ForgetReviewScreen() {
  status = Status::NotFound("no review");
  cached_review.clear();
  cached_changes = static_cast<size_t>(-1);
  advance_error.clear();
}

void DrawReviewScreen(App& app) {
  review::Replica& r = *app.open_review();
  Pseudonyms names = app.privacy() ? Pseudonyms::From(r.document()) : Pseudonyms();
  if (ImGui::Button("< Reviews")) {
    app.CloseReview();
    return;
  }
  ImGui::SameLine();
  ImGui::TextUnformatted(app.privacy() ? names.Apply(r.title()).c_str() : r.title().c_str());
  // The status is recomputed only when the review changes (or the day does).
  if (r.id() != cached_review || r.change_count() != cached_changes || app.today() != cached_day) {
    status = domain::EvaluateWorkflow(r, app.calendar(), app.today());
    cached_review = r.id();
    cached_changes = r.change_count();
    cached_day = app.today();
  }
  if (status.ok()) {
    ImGui::SameLine();
    ImGui::TextDisabled("  %s", status->framework_name.c_str());
  }
  ImGui::Separator();
  if (!ImGui::BeginTabBar("review")) return;
  if (ImGui::BeginTabItem("Where it stands")) {
    if (status.ok())
      DrawStatus(app, *status, names);
    else
      ImGui::TextWrapped("%s", status.status().message().c_str());
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Fill in")) {
    if (status.ok())
      DrawRecordForms(app, *status);
    else
      ImGui::TextWrapped("%s", status.status().message().c_str());
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Chronology")) {
    DrawChronologyPanel(app);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Texts")) {
    DrawTextPanel(app);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Records")) {
    DrawRecordsPanel(app, names);
    ImGui::EndTabItem();
  }
  // Files dropped onto the window bring their tab forward to show the result.
  if (ImGui::BeginTabItem("Files", nullptr, app.has_dropped_files() ? ImGuiTabItemFlags_SetSelected : 0)) {
    DrawAttachmentsPanel(app);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Publication")) {
    DrawPublicationPanel(app);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Data protection")) {
    DrawDataProtectionPanel(app, names);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace caseboard::app
