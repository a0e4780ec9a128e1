// The person's reviews: title, stage, the most pressing deadline and its
// state, its sync state, and a way to start a new review.
#include <imgui.h>

#include "app.h"
#include "caseboard/domain/framework.h"
#include "pseudonyms.h"
#include "theme_colors.h"

namespace caseboard::app {
namespace {

char new_title[200];
int framework_index = 0;
std::string start_error;

void DrawNewReview(App& app) {
  if (!ImGui::CollapsingHeader("Start a new review")) return;
  ImGui::SetNextItemWidth(360);
  ImGui::InputTextWithHint("##title", "Title, e.g. SCR Child D", new_title, sizeof new_title);
  ImGui::SameLine();
  const auto& frameworks = domain::BuiltinFrameworks();
  ImGui::SetNextItemWidth(320);
  if (ImGui::BeginCombo("##framework", frameworks[static_cast<size_t>(framework_index)].name.c_str())) {
    for (size_t i = 0; i < frameworks.size(); ++i)
      if (ImGui::Selectable(frameworks[i].name.c_str(), static_cast<int>(i) == framework_index))
        framework_index = static_cast<int>(i);
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("Start review")) {
    start_error = app.StartReview(new_title, frameworks[static_cast<size_t>(framework_index)].id);
    if (start_error.empty()) new_title[0] = '\0';
  }
  if (!start_error.empty()) ImGui::TextWrapped("%s", start_error.c_str());
}

// One review's sync state in a few words, and whether it needs the person's eye.
void DrawSyncState(const App& app, const std::string& id) {
  const SyncSummary& s = app.sync();
  if (!s.joined) {
    ImGui::TextDisabled("this device only");
    return;
  }
  const SyncReviewState* r = nullptr;
  for (const auto& candidate : s.reviews)
    if (candidate.id == id) r = &candidate;
  if (!r || !r->synced) {
    ImGui::TextDisabled("not synced yet");
  } else if (!r->error.empty()) {
    ImGui::TextColored(kTroubleColor, "last sync failed");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r->error.c_str());
  } else if (!r->refused.empty()) {
    ImGui::TextColored(kTroubleColor, "%zu refused by the board", r->refused.size());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r->refused.back().error.c_str());
  } else if (r->pending > 0) {
    ImGui::Text("%llu to send", static_cast<unsigned long long>(r->pending));
  } else {
    ImGui::TextDisabled("up to date");
  }
}

}  // namespace

void DrawReviewListScreen(App& app) {
  ImGui::TextUnformatted("Your reviews");
  ImGui::SameLine();
  if (ImGui::SmallButton("Refresh")) app.RefreshReviews();
  ImGui::SameLine();
  if (ImGui::SmallButton("Sync...")) app.ShowSyncPanel(true);
  DrawNewReview(app);
  ImGui::Spacing();
  const auto& rows = app.reviews();
  if (rows.empty()) {
    ImGui::TextWrapped(
        "No reviews on this device yet. Start one above, join a board with an invite (Sync..., or "
        "Ctrl+Shift+S), or try the demo reviews (caseboard-cli demo).");
    return;
  }
  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_Resizable |
                          ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable("reviews", 5, flags)) return;
  ImGui::TableSetupColumn("Review", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn("Stage", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn("Next deadline", ImGuiTableColumnFlags_WidthStretch, 3.0f);
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed, 110.0f);
  ImGui::TableSetupColumn("Sync", ImGuiTableColumnFlags_WidthFixed, 170.0f);
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  std::string open;
  for (const auto& r : rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    std::string title = app.privacy() ? Pseudonymise(r.title) : r.title;
    if (ImGui::Selectable((title + "##" + r.id).c_str(), false, ImGuiSelectableFlags_SpanAllColumns))
      open = r.id;
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.error.empty() ? r.stage.c_str() : r.error.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.next_deadline.empty() ? "-" : r.next_deadline.c_str());
    ImGui::TableNextColumn();
    if (!r.next_deadline.empty())
      ImGui::TextColored(DeadlineColor(r.deadline_state, app.dark()), "%s",
                         domain::DeadlineStateName(r.deadline_state));
    ImGui::TableNextColumn();
    DrawSyncState(app, r.id);
  }
  ImGui::EndTable();
  if (!open.empty()) app.OpenReview(open);
}

}  // namespace caseboard::app
