// The merged multi-agency chronology: a sortable, filterable table that
// stays smooth at 10,000 entries (only visible rows are drawn), or the same
// filtered entries as a drawn timeline (timeline_panel.cpp), and a form to
// add an entry.
#include <imgui.h>

#include <algorithm>

#include "app.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/domain/chronology.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "pseudonyms.h"

namespace caseboard::app {
namespace {

char filter_text[128];
char filter_agency[128];
char new_date[16], new_time[8], new_agency[128], new_event[1024], new_source[128];
int new_significance = 0;
std::string add_error;
int view = 0;  // 0: table, 1: timeline
// The entry chosen in either view (its id), and whether the table should
// scroll to it on its next frame (after a click in the timeline).
std::string selected;
bool scroll_to_selected = false;
// The table's last sort, so the timeline (which has no sort headers) asks
// for the same rows and the cache is not rebuilt on every switch.
domain::ChronologySort last_sort = domain::ChronologySort::kDate;
bool last_descending = false;
// Counts rebuilds of the cached rows; it is never reset, so a view that
// keeps something derived from the rows knows when they changed, even
// across reviews.
uint64_t rows_generation = 0;

struct Cache {
  std::string review, key;
  size_t changes = static_cast<size_t>(-1);
  size_t entries = 0;
  Result<std::vector<domain::ChronologyRow>> rows = std::vector<domain::ChronologyRow>();
};
Cache cache;

// Sorting and filtering 10,000 entries every frame would cost more than the
// frame budget; the rows are rebuilt only when something they depend on
// changes.
void RefreshRows(const review::Replica& r, const domain::ChronologyFilter& filter,
                 domain::ChronologySort sort, bool descending) {
  std::string key = std::string(filter_text) + '\x1f' + filter_agency + '\x1f' +
                    std::to_string(static_cast<int>(sort)) + (descending ? "d" : "a");
  if (r.change_count() != cache.changes || r.id() != cache.review || key != cache.key) {
    cache.rows = domain::Chronology(r.document(), filter, sort, descending);
    cache.changes = r.change_count();
    cache.review = r.id();
    cache.key = key;
    ++rows_generation;
  }
}

void DrawAddEntry(App& app) {
  if (!ImGui::CollapsingHeader("Add an entry")) return;
  ImGui::SetNextItemWidth(120);
  ImGui::InputTextWithHint("##date", "YYYY-MM-DD", new_date, sizeof new_date);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(70);
  ImGui::InputTextWithHint("##time", "HH:MM", new_time, sizeof new_time);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(220);
  ImGui::InputTextWithHint("##agency", "Agency", new_agency, sizeof new_agency);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(140);
  const char* levels[] = {"routine", "notable", "key"};
  ImGui::Combo("##significance", &new_significance, levels, 3);
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##event", "What happened", new_event, sizeof new_event);
  ImGui::SetNextItemWidth(300);
  ImGui::InputTextWithHint("##source", "Source (record, report)", new_source, sizeof new_source);
  ImGui::SameLine();
  if (ImGui::Button("Add entry")) {
    domain::Fields f = {{"date", new_date},
                        {"agency", new_agency},
                        {"event", new_event},
                        {"significance", levels[new_significance]}};
    if (new_time[0]) f["time"] = new_time;
    if (new_source[0]) f["source"] = new_source;
    domain::ScrReview scr(*app.open_review());
    auto id = scr.AddRecord("chronology_entry", f);
    add_error = id.ok() ? "" : id.status().message();
    if (id.ok()) new_event[0] = new_time[0] = '\0';
  }
  if (!add_error.empty()) ImGui::TextWrapped("%s", add_error.c_str());
}

}  // namespace

void ForgetChronologyPanel() {
  cache = Cache();
  selected.clear();
  scroll_to_selected = false;
  crypto::Wipe(new_event, sizeof new_event);
  crypto::Wipe(new_agency, sizeof new_agency);
  crypto::Wipe(new_source, sizeof new_source);
  crypto::Wipe(filter_text, sizeof filter_text);
  crypto::Wipe(filter_agency, sizeof filter_agency);
  ForgetTimeline();
}

void DrawChronologyPanel(App& app) {
  review::Replica& r = *app.open_review();
  DrawAddEntry(app);
  ImGui::SetNextItemWidth(260);
  ImGui::InputTextWithHint("##filter", "Search events and sources", filter_text, sizeof filter_text);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(260);
  ImGui::InputTextWithHint("##agencies", "Agencies (comma-separated)", filter_agency, sizeof filter_agency);
  // The switch sits on the filter line, not above the form, so the form
  // keeps its place (and the filters apply to both views).
  ImGui::SameLine(0, ImGui::GetFontSize() * 2);
  ImGui::RadioButton("Table", &view, 0);
  ImGui::SameLine();
  ImGui::RadioButton("Timeline", &view, 1);

  domain::ChronologyFilter filter;
  filter.text = filter_text;
  std::string agencies = filter_agency;
  for (size_t start = 0; start <= agencies.size();) {
    size_t comma = agencies.find(',', start);
    std::string a = agencies.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    a.erase(0, a.find_first_not_of(' '));
    if (!a.empty()) filter.agencies.push_back(a);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }

  if (r.change_count() != cache.changes || r.id() != cache.review) {
    cache.entries = domain::Records(r.document(), "chronology_entry").size();
  }
  if (cache.entries == 0) {
    ImGui::TextDisabled("No chronology entries yet: add the first above.");
    return;
  }
  if (view == 1) {
    RefreshRows(r, filter, last_sort, last_descending);
    if (!cache.rows.ok()) {
      ImGui::TextWrapped("%s", cache.rows.status().message().c_str());
      return;
    }
    Pseudonyms names = app.privacy() ? Pseudonyms::From(r.document()) : Pseudonyms();
    if (auto clicked = DrawTimeline(app, *cache.rows, rows_generation, names)) {
      // A mark clicked: its entry, chosen and shown in the table.
      selected = (*cache.rows)[*clicked].id;
      scroll_to_selected = true;
      view = 0;
    }
    return;
  }
  ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                          ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable("chronology", 5, flags)) return;
  ImGui::TableSetupColumn("Date", ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_WidthFixed, 140);
  ImGui::TableSetupColumn("Agency", ImGuiTableColumnFlags_WidthFixed, 200);
  ImGui::TableSetupColumn("Significance", ImGuiTableColumnFlags_WidthFixed, 110);
  ImGui::TableSetupColumn("What happened", ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("Source", ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed, 180);
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  domain::ChronologySort sort = domain::ChronologySort::kDate;
  bool descending = false;
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsCount > 0) {
    int column = specs->Specs[0].ColumnIndex;
    sort = column == 1   ? domain::ChronologySort::kAgency
           : column == 2 ? domain::ChronologySort::kSignificance
                         : domain::ChronologySort::kDate;
    descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
  }
  last_sort = sort;
  last_descending = descending;
  RefreshRows(r, filter, sort, descending);
  const auto& rows = cache.rows;
  Pseudonyms names = app.privacy() ? Pseudonyms::From(r.document()) : Pseudonyms();
  if (!rows.ok() || rows->empty()) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", rows.ok() ? "No entries match." : rows.status().message().c_str());
  }
  if (rows.ok()) {
    if (scroll_to_selected) {
      // Brings the chosen entry to the middle of the table: rows are all one
      // line high, so its place is its index times a row's height.
      scroll_to_selected = false;
      for (size_t i = 0; i < rows->size(); ++i) {
        if ((*rows)[i].id != selected) continue;
        float row_height = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
        ImGui::SetScrollY(std::max(0.0f, row_height * static_cast<float>(i) - ImGui::GetWindowHeight() / 2));
        break;
      }
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows->size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const auto& row = (*rows)[static_cast<size_t>(i)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        // The date cell is the row's handle: a click chooses the entry.
        std::string when = row.date + " " + row.time + "##" + row.id;
        if (ImGui::Selectable(when.c_str(), row.id == selected, ImGuiSelectableFlags_SpanAllColumns))
          selected = row.id;
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.agency.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.significance.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(names.Apply(row.event).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.source.c_str());
      }
    }
  }
  ImGui::EndTable();
}

}  // namespace caseboard::app
