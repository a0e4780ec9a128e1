// The chronology as a drawn timeline: one lane per agency, a date axis along
// the top, and one mark per entry, coloured and shaped by significance. It
// draws the rows the chronology panel has already filtered and cached, so
// the table and the timeline always show the same entries.
//
// It stays smooth at 10,000 entries: the rows are laid out (parsed dates,
// lanes, stacking) only when they change, the marks are kept in date order
// so the visible window is found by binary search, and marks that would land
// on a pixel already drawn are skipped. Everything is drawn straight into
// the window's ImDrawList; a frame allocates nothing in proportion to the
// number of entries.
#include <imgui.h>
#include <imgui_internal.h>  // SetItemUsingMouseWheel: the wheel zooms instead of scrolling

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app.h"
#include "caseboard/domain/calendar.h"
#include "caseboard/domain/chronology.h"
#include "pseudonyms.h"

namespace caseboard::app {
namespace {

// Entries of one agency on one day share a lane; up to this many sit one
// above the other, more go into further columns.
constexpr int kStackRows = 3;
// The narrowest and widest views, in days: six hours shows times of day
// apart; two centuries is the whole range a date may take.
constexpr double kMinSpan = 0.25;
constexpr double kMaxSpan = 366.0 * 200;
constexpr double kZoomStep = 1.25;  // per wheel notch, key press or button

// One entry as the timeline draws it.
struct Mark {
  int32_t day;     // days since 1970-01-01
  float minute;    // time of day in minutes; -1 when the entry has none
  uint32_t row;    // index into the chronology rows
  uint16_t lane;   // index into Layout::lanes
  uint16_t slot;   // place among the same day's entries in the lane
  uint16_t count;  // how many entries the lane has that day
  uint8_t level;   // 0 routine, 1 notable, 2 key
};

// What is derived from the rows, rebuilt only when they change.
struct Layout {
  uint64_t generation = ~uint64_t{0};
  std::vector<Mark> marks;         // by day, then lane, then time
  std::vector<std::string> lanes;  // agency names, sorted
  std::vector<float> last_x;       // per lane and stack row: the last pixel drawn
  size_t undated = 0;              // rows whose date could not be read
  int32_t first_day = 0, last_day = 0;
};
Layout layout;

// The view. Kept across frames (and switches to the table), reset when the
// review closes or the vault locks.
struct View {
  std::string review;   // the review this view was fitted to
  double start = 0;     // day at the left edge of the plot
  double span = 0;      // days across the plot; 0 until fitted
  float top = 0;        // lanes scrolled up by this many pixels
  int last_frame = -2;  // the last frame the timeline was drawn in
};
View view;

int Level(const std::string& significance) {
  if (significance == "key") return 2;
  if (significance == "notable") return 1;
  return 0;
}

// The same red and amber the deadline states use, so "key" reads as urgent
// and "notable" as a warning on both themes; routine entries are a quiet
// slate that still stands out from the lane background.
ImU32 LevelColor(int level, bool dark) {
  switch (level) {
    case 2:
      return ImGui::GetColorU32(dark ? ImVec4(1.0f, 0.45f, 0.4f, 1) : ImVec4(0.75f, 0.1f, 0.1f, 1));
    case 1:
      return ImGui::GetColorU32(dark ? ImVec4(1.0f, 0.75f, 0.3f, 1) : ImVec4(0.8f, 0.5f, 0.0f, 1));
    default:
      return ImGui::GetColorU32(dark ? ImVec4(0.6f, 0.7f, 0.85f, 1) : ImVec4(0.3f, 0.4f, 0.55f, 1));
  }
}

// Shape as well as colour, so significance does not rest on colour alone:
// routine a small dot, notable a larger dot, key a diamond.
void DrawMark(ImDrawList* dl, ImVec2 p, float r, int level, ImU32 color) {
  if (level == 2) {
    float d = r * 1.35f;
    dl->AddQuadFilled(ImVec2(p.x, p.y - d), ImVec2(p.x + d, p.y), ImVec2(p.x, p.y + d), ImVec2(p.x - d, p.y),
                      color);
  } else {
    dl->AddCircleFilled(p, level == 1 ? r : r * 0.8f, color, 10);
  }
}

void BuildLayout(const std::vector<domain::ChronologyRow>& rows, uint64_t generation) {
  layout = Layout();
  layout.generation = generation;
  std::map<std::string, uint16_t> lanes;
  for (const auto& row : rows) lanes.emplace(row.agency, 0);
  for (auto& [agency, index] : lanes) {
    index = static_cast<uint16_t>(layout.lanes.size());
    layout.lanes.push_back(agency);
  }
  layout.marks.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    auto date = domain::ParseDate(row.date);
    if (!date.ok()) {
      ++layout.undated;
      continue;
    }
    Mark m{};
    m.day = static_cast<int32_t>(domain::DaysFromCivil(*date));
    int h = 0, min = 0;
    m.minute = std::sscanf(row.time.c_str(), "%d:%d", &h, &min) == 2 ? static_cast<float>(h * 60 + min) : -1;
    m.row = static_cast<uint32_t>(i);
    m.lane = lanes[row.agency];
    m.level = static_cast<uint8_t>(Level(row.significance));
    layout.marks.push_back(m);
  }
  std::sort(layout.marks.begin(), layout.marks.end(), [](const Mark& a, const Mark& b) {
    if (a.day != b.day) return a.day < b.day;
    if (a.lane != b.lane) return a.lane < b.lane;
    if (a.minute != b.minute) return a.minute < b.minute;
    return a.row < b.row;
  });
  // Entries of one agency on one day would all land on one spot: give each
  // its own place in a small grid so every one stays visible and hoverable.
  for (size_t i = 0; i < layout.marks.size();) {
    size_t j = i;
    while (j < layout.marks.size() && layout.marks[j].day == layout.marks[i].day &&
           layout.marks[j].lane == layout.marks[i].lane)
      ++j;
    size_t n = j - i;
    for (size_t k = i; k < j; ++k) {
      layout.marks[k].slot = static_cast<uint16_t>(std::min<size_t>(k - i, 0xffff));
      layout.marks[k].count = static_cast<uint16_t>(std::min<size_t>(n, 0xffff));
    }
    i = j;
  }
  if (!layout.marks.empty()) {
    layout.first_day = layout.marks.front().day;
    layout.last_day = layout.marks.back().day;
  }
  layout.last_x.assign(layout.lanes.size() * kStackRows, 0);
}

void FitAll() {
  double days = layout.last_day - layout.first_day + 1;
  view.span = std::clamp(std::max(days, 7.0) * 1.06, kMinSpan, kMaxSpan);
  view.start = layout.first_day + days / 2 - view.span / 2;
  view.top = 0;
}

// Zooms by `factor` (above 1 zooms in) keeping the day at `anchor` (a
// fraction of the plot's width) where it is.
void Zoom(double factor, double anchor) {
  double at = view.start + view.span * anchor;
  view.span = std::clamp(view.span / factor, kMinSpan, kMaxSpan);
  view.start = at - view.span * anchor;
}

// Keeps some of the entries in view however far one pans.
void ClampView(float lanes_height, float plot_height) {
  double lo = layout.first_day - view.span * 0.9;
  double hi = layout.last_day + 1 - view.span * 0.1;
  view.start = std::clamp(view.start, lo, std::max(lo, hi));
  view.top = std::clamp(view.top, 0.0f, std::max(0.0f, lanes_height - plot_height));
}

// The axis: ticks at whole years, months, days or hours, whichever spacing
// leaves room for a label; dates are written as a reviewer would say them.
struct TickStep {
  enum Unit { kHours, kDays, kMonths, kYears } unit;
  int n;
};

double StepDays(TickStep s) {
  return s.unit == TickStep::kHours    ? s.n / 24.0
         : s.unit == TickStep::kDays   ? s.n
         : s.unit == TickStep::kMonths ? s.n * 30.4
                                       : s.n * 365.25;
}

TickStep ChooseStep(double px_per_day, float label_width) {
  static const TickStep kSteps[] = {
      {TickStep::kHours, 1},  {TickStep::kHours, 3},   {TickStep::kHours, 6},  {TickStep::kHours, 12},
      {TickStep::kDays, 1},   {TickStep::kDays, 2},    {TickStep::kDays, 7},   {TickStep::kDays, 14},
      {TickStep::kMonths, 1}, {TickStep::kMonths, 3},  {TickStep::kMonths, 6}, {TickStep::kYears, 1},
      {TickStep::kYears, 2},  {TickStep::kYears, 5},   {TickStep::kYears, 10}, {TickStep::kYears, 25},
      {TickStep::kYears, 50}, {TickStep::kYears, 100},
  };
  for (const TickStep& s : kSteps)
    if (StepDays(s) * px_per_day >= label_width) return s;
  return kSteps[std::size(kSteps) - 1];
}

// Unlabelled ticks between the labelled ones (n = 0: none), so a reader can
// count months in a year or days in a week without more text.
TickStep MinorStep(TickStep major) {
  switch (major.unit) {
    case TickStep::kHours:
      return {TickStep::kHours, major.n > 1 ? 1 : 0};
    case TickStep::kDays:
      if (major.n == 1) return {TickStep::kHours, 6};
      return {TickStep::kDays, major.n == 14 ? 7 : 1};
    case TickStep::kMonths:
      return {TickStep::kMonths, major.n > 1 ? 1 : 0};
    case TickStep::kYears:
      if (major.n == 1) return {TickStep::kMonths, 1};
      if (major.n == 2) return {TickStep::kMonths, 3};
      return {TickStep::kYears, major.n <= 10 ? 1 : major.n == 25 ? 5 : 10};
  }
  return {TickStep::kDays, 0};
}

const char* const kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Calls tick(day, label) for each tick from `from` to `to` (days).
template <typename Tick>
void ForEachTick(TickStep step, double from, double to, Tick tick) {
  char label[32];
  if (step.unit == TickStep::kHours) {
    double hours = std::floor(from * 24 / step.n) * step.n;
    for (; hours / 24 <= to; hours += step.n) {
      double at = hours / 24;
      int hour = static_cast<int>(std::lround(hours - std::floor(at) * 24));
      if (hour % 24 == 0) {
        domain::Date d = domain::CivilFromDays(static_cast<int64_t>(std::floor(at)));
        std::snprintf(label, sizeof label, "%d %s", d.day, kMonthNames[d.month - 1]);
      } else {
        std::snprintf(label, sizeof label, "%02d:00", hour % 24);
      }
      tick(at, label);
    }
  } else if (step.unit == TickStep::kDays) {
    // Weekly ticks fall on Mondays (1970-01-05 was one).
    int64_t origin = step.n >= 7 ? 4 : 0;
    auto day = static_cast<int64_t>(std::floor((std::floor(from) - origin) / step.n)) * step.n + origin;
    for (; day <= to; day += step.n) {
      domain::Date d = domain::CivilFromDays(day);
      std::snprintf(label, sizeof label, "%d %s %d", d.day, kMonthNames[d.month - 1], d.year);
      tick(static_cast<double>(day), label);
    }
  } else {
    int months = step.unit == TickStep::kMonths ? step.n : step.n * 12;
    domain::Date d = domain::CivilFromDays(static_cast<int64_t>(std::floor(from)));
    int64_t index = (static_cast<int64_t>(d.year) * 12 + d.month - 1) / months * months;
    for (;; index += months) {
      domain::Date t{static_cast<int>(index / 12), static_cast<int>(index % 12) + 1, 1};
      auto at = static_cast<double>(domain::DaysFromCivil(t));
      if (at > to) break;
      if (step.unit == TickStep::kYears)
        std::snprintf(label, sizeof label, "%d", t.year);
      else
        std::snprintf(label, sizeof label, "%s %d", kMonthNames[t.month - 1], t.year);
      tick(at, label);
    }
  }
}

void DrawTooltip(const std::vector<domain::ChronologyRow>& rows, const Mark& m, int others,
                 const Pseudonyms& names) {
  const domain::ChronologyRow& row = rows[m.row];
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
  if (row.time.empty())
    ImGui::Text("%s (no time)", row.date.c_str());
  else
    ImGui::Text("%s %s", row.date.c_str(), row.time.c_str());
  ImGui::Text("%s - %s", names.Apply(row.agency).c_str(), row.significance.c_str());
  ImGui::Separator();
  ImGui::TextUnformatted(names.Apply(row.event).c_str());
  if (!row.source.empty()) ImGui::TextDisabled("Source: %s", names.Apply(row.source).c_str());
  if (others > 0)
    ImGui::TextDisabled("%d more %s here: zoom in to tell them apart.", others,
                        others == 1 ? "entry" : "entries");
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

}  // namespace

void ForgetTimeline() {
  layout = Layout();
  view = View();
}

std::optional<size_t> DrawTimeline(App& app, const std::vector<domain::ChronologyRow>& rows,
                                   uint64_t generation, const Pseudonyms& names) {
  if (generation != layout.generation) BuildLayout(rows, generation);
  if (layout.marks.empty()) {
    ImGui::TextDisabled("%s",
                        rows.empty() ? "No entries match." : "No entry has a date the timeline can place.");
    return std::nullopt;
  }
  const std::string& review = app.open_review()->id();
  if (view.span == 0 || view.review != review) {
    view.review = review;
    FitAll();
  }

  // Toolbar: zoom buttons, fit, a legend, and what is in view.
  const ImGuiIO& io = ImGui::GetIO();
  const bool dark = app.dark();
  const float font = ImGui::GetFontSize();
  // The canvas takes the keyboard focus when the timeline appears and after
  // each toolbar button, so the arrow keys pan at once.
  bool focus_canvas = ImGui::GetFrameCount() > view.last_frame + 1;
  view.last_frame = ImGui::GetFrameCount();
  if (ImGui::Button("Fit all")) {
    FitAll();
    focus_canvas = true;
  }
  ImGui::SameLine();
  if (ImGui::Button(" - ")) {
    Zoom(1 / kZoomStep, 0.5);
    focus_canvas = true;
  }
  ImGui::SameLine();
  if (ImGui::Button(" + ")) {
    Zoom(kZoomStep, 0.5);
    focus_canvas = true;
  }
  ImGui::SameLine(0, font * 1.5f);
  {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const char* level_names[] = {"routine", "notable", "key"};
    for (int level = 0; level < 3; ++level) {
      ImVec2 p = ImGui::GetCursorScreenPos();
      DrawMark(dl, ImVec2(p.x + font * 0.4f, p.y + ImGui::GetFrameHeight() / 2), font * 0.28f, level,
               LevelColor(level, dark));
      ImGui::Dummy(ImVec2(font * 0.8f, ImGui::GetFrameHeight()));
      ImGui::SameLine(0, font * 0.2f);
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(level_names[level]);
      ImGui::SameLine(0, font);
    }
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled(
      "Wheel or +/- to zoom, drag or arrow keys to pan, click a mark to find it in the table");

  // The canvas fills the rest of the panel. A child window with no nav
  // inputs, so the arrow keys pan here instead of moving the keyboard focus.
  if (focus_canvas) ImGui::SetNextWindowFocus();
  ImGui::BeginChild("##timeline", ImVec2(0, 0), false,
                    ImGuiWindowFlags_NoNavInputs | ImGuiWindowFlags_NoScrollbar |
                        ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoMove);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size = ImGui::GetContentRegionAvail();
  if (size.x < 50 || size.y < 50) {
    ImGui::EndChild();
    return std::nullopt;
  }
  ImGui::InvisibleButton("##canvas", size);
  ImGui::SetItemUsingMouseWheel();
  const bool hovered = ImGui::IsItemHovered();
  const bool dragging = ImGui::IsItemActive();
  // A click (pressed and released without moving) on a mark chooses its entry.
  const bool clicked = ImGui::IsItemDeactivated() && ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
                       !ImGui::IsMouseDragPastThreshold(ImGuiMouseButton_Left);
  const bool focused = ImGui::IsWindowFocused();

  // Geometry: lane labels on the left, the axis along the top, lanes below.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float pad = style.CellPadding.x * 2;
  float label_width = 0;
  for (const auto& lane : layout.lanes)
    label_width = std::max(label_width, ImGui::CalcTextSize(names.Apply(lane).c_str()).x);
  label_width = std::clamp(label_width + pad * 2, font * 5, size.x * 0.3f);
  const float axis_height = font + style.CellPadding.y * 4;
  const float lane_height = std::round(font * 2.4f);
  const float radius = std::max(3.0f, font * 0.3f);
  const float row_step = radius * 2.4f;
  const ImVec2 plot_min(origin.x + label_width, origin.y + axis_height);
  const ImVec2 plot_max(origin.x + size.x, origin.y + size.y);
  const float plot_width = plot_max.x - plot_min.x;
  const float lanes_height = lane_height * static_cast<float>(layout.lanes.size());

  // Input: the wheel zooms around the cursor; dragging pans both ways. The
  // arrow keys act only when the timeline has the focus (elsewhere they
  // move the keyboard focus between widgets); + and - also when it has the
  // pointer; neither while a text field is taking keys.
  if (hovered && io.MouseWheel != 0) {
    if (!focused) ImGui::SetWindowFocus();
    double anchor = std::clamp((io.MousePos.x - plot_min.x) / plot_width, 0.0f, 1.0f);
    Zoom(std::pow(kZoomStep, io.MouseWheel), anchor);
  }
  if (dragging && (io.MouseDelta.x != 0 || io.MouseDelta.y != 0)) {
    view.start -= io.MouseDelta.x / plot_width * view.span;
    view.top -= io.MouseDelta.y;
  }
  if ((focused || hovered) && !io.WantTextInput) {
    for (ImWchar c : io.InputQueueCharacters) {
      if (c == '+' || c == '=') Zoom(kZoomStep, 0.5);
      if (c == '-' || c == '_') Zoom(1 / kZoomStep, 0.5);
    }
  }
  if (focused && !io.WantTextInput) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) view.start -= view.span * 0.1;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) view.start += view.span * 0.1;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) view.top -= lane_height;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) view.top += lane_height;
  }
  ClampView(lanes_height, plot_max.y - plot_min.y);
  const double px_per_day = plot_width / view.span;
  auto x_of = [&](double day) { return plot_min.x + static_cast<float>((day - view.start) * px_per_day); };

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text_color = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 grid_color = ImGui::GetColorU32(ImGuiCol_TableBorderLight);
  const ImU32 border_color = ImGui::GetColorU32(ImGuiCol_TableBorderStrong);

  // Lane backgrounds, alternating as the table's rows do, and their labels.
  dl->PushClipRect(ImVec2(origin.x, plot_min.y), plot_max, true);
  for (size_t i = 0; i < layout.lanes.size(); ++i) {
    float y0 = plot_min.y + lane_height * static_cast<float>(i) - view.top;
    if (y0 > plot_max.y || y0 + lane_height < plot_min.y) continue;
    ImU32 bg = ImGui::GetColorU32(i % 2 ? ImGuiCol_TableRowBgAlt : ImGuiCol_TableRowBg);
    if (bg & IM_COL32_A_MASK)
      dl->AddRectFilled(ImVec2(origin.x, y0), ImVec2(plot_max.x, y0 + lane_height), bg);
    dl->AddLine(ImVec2(origin.x, y0 + lane_height), ImVec2(plot_max.x, y0 + lane_height), grid_color);
    std::string label = names.Apply(layout.lanes[i].empty() ? "(no agency)" : layout.lanes[i]);
    ImVec4 clip(origin.x, y0, plot_min.x - pad / 2, y0 + lane_height);
    dl->AddText(nullptr, 0, ImVec2(origin.x + pad, y0 + (lane_height - font) / 2), text_color, label.c_str(),
                nullptr, 0, &clip);
  }
  dl->PopClipRect();

  // The axis, and a faint line down the lanes at each tick.
  const float label_space = ImGui::CalcTextSize("30 Sep 2026").x + font * 1.5f;
  const TickStep step = ChooseStep(px_per_day, label_space);
  const double view_end = view.start + view.span;
  dl->AddRectFilled(ImVec2(origin.x, origin.y), ImVec2(plot_max.x, plot_min.y),
                    ImGui::GetColorU32(ImGuiCol_TableHeaderBg));
  dl->AddText(ImVec2(origin.x + pad, origin.y + style.CellPadding.y * 1.5f), text_color, "Agency");
  dl->PushClipRect(ImVec2(plot_min.x, origin.y), plot_max, true);
  // Grid lines stop at the last lane rather than running on down the panel.
  const float lanes_bottom = std::min(plot_max.y, plot_min.y + lanes_height - view.top);
  const TickStep minor = MinorStep(step);
  if (minor.n > 0 && StepDays(minor) * px_per_day >= font * 0.4f)
    ForEachTick(minor, view.start, view_end, [&](double day, const char*) {
      float x = x_of(day);
      dl->AddLine(ImVec2(x, plot_min.y - style.CellPadding.y * 1.5f), ImVec2(x, plot_min.y), grid_color);
    });
  // The period the left edge is in gets its label pinned there, unless the
  // next label is too close: otherwise a view that starts just after a tick
  // would not say which year or month it shows.
  const float label_y = origin.y + style.CellPadding.y * 1.5f;
  char pinned[32] = "";
  bool pinned_drawn = false;
  ForEachTick(step, view.start - view.span * 0.2, view_end, [&](double day, const char* label) {
    float x = x_of(day);
    if (x + 4 < plot_min.x) {
      std::snprintf(pinned, sizeof pinned, "%s", label);
      return;
    }
    if (!pinned_drawn && pinned[0] && x > plot_min.x + ImGui::CalcTextSize(pinned).x + font)
      dl->AddText(ImVec2(plot_min.x + 4, label_y), text_color, pinned);
    pinned_drawn = true;
    dl->AddLine(ImVec2(x, origin.y + style.CellPadding.y), ImVec2(x, lanes_bottom), grid_color);
    dl->AddText(ImVec2(x + 4, label_y), text_color, label);
  });
  if (!pinned_drawn && pinned[0]) dl->AddText(ImVec2(plot_min.x + 4, label_y), text_color, pinned);
  dl->PopClipRect();
  dl->AddLine(ImVec2(origin.x, plot_min.y), ImVec2(plot_max.x, plot_min.y), border_color);
  dl->AddLine(ImVec2(plot_min.x, origin.y), ImVec2(plot_min.x, lanes_bottom), border_color);

  // The marks in view: a binary search finds the days on screen (with a
  // margin for the stacking columns), then each significance is drawn in
  // its own pass so key entries are never hidden under routine ones.
  auto by_day = [](const Mark& m, double day) { return m.day < day; };
  const double margin = radius * 2 / px_per_day + 1;
  auto first = std::lower_bound(layout.marks.begin(), layout.marks.end(), view.start - margin, by_day);
  auto last = std::lower_bound(first, layout.marks.end(), view_end + margin, by_day);
  // A day's stack takes at most kStackRows rows, centred in the lane, and
  // its columns share at most 80% of the day's width, so they never run
  // into the next day once days are wide enough to tell apart.
  auto position = [&](const Mark& m) {
    int rows_used = std::min<int>(kStackRows, m.count);
    int columns = (m.count + kStackRows - 1) / kStackRows;
    int row = m.slot % kStackRows, column = m.slot / kStackRows;
    float column_step =
        std::min(radius * 2.6f, static_cast<float>(px_per_day) * 0.8f / static_cast<float>(columns));
    float x =
        x_of(m.day + (m.minute < 0 ? 0.0 : m.minute / 1440.0)) + static_cast<float>(column) * column_step;
    float y = plot_min.y + lane_height * (static_cast<float>(m.lane) + 0.5f) - view.top;
    y += (static_cast<float>(row) - static_cast<float>(rows_used - 1) / 2) * row_step;
    return ImVec2(x, y);
  };
  const bool mouse_in_plot = hovered && io.MousePos.x >= plot_min.x && io.MousePos.y >= plot_min.y;
  const float hit = radius * 1.6f;
  const Mark* best = nullptr;
  float best_distance = 0;
  int under_mouse = 0;
  dl->PushClipRect(plot_min, plot_max, true);
  for (int level = 0; level < 3; ++level) {
    const ImU32 color = LevelColor(level, dark);
    std::fill(layout.last_x.begin(), layout.last_x.end(), -1e9f);
    for (auto it = first; it != last; ++it) {
      const Mark& m = *it;
      if (m.level != level) continue;
      ImVec2 p = position(m);
      if (p.y < plot_min.y - radius * 2 || p.y > plot_max.y + radius * 2) continue;
      if (mouse_in_plot && !dragging) {
        float dx = p.x - io.MousePos.x, dy = p.y - io.MousePos.y;
        float d = dx * dx + dy * dy;
        if (d <= hit * hit) {
          ++under_mouse;
          // A higher significance wins (it is drawn on top), then the nearer.
          if (!best || m.level > best->level || (m.level == best->level && d < best_distance)) {
            best = &m;
            best_distance = d;
          }
        }
      }
      // Zoomed out, thousands of marks share a few hundred pixels; drawing
      // each again on the same spot costs time and shows nothing more.
      float& last_x = layout.last_x[m.lane * kStackRows + m.slot % kStackRows];
      if (std::floor(p.x) == last_x) continue;
      last_x = std::floor(p.x);
      DrawMark(dl, p, radius, level, color);
    }
  }
  if (best) {
    ImVec2 p = position(*best);
    dl->AddCircle(p, radius * 2, text_color, 16, 1.5f);
  }
  dl->PopClipRect();

  // How much is in view, in the bottom right corner.
  {
    char status[96];
    auto in_view = std::lower_bound(first, last, view.start, by_day);
    size_t shown = static_cast<size_t>(std::lower_bound(in_view, last, view_end, by_day) - in_view);
    std::snprintf(status, sizeof status, "%zu of %zu entries in view", shown, layout.marks.size());
    if (layout.undated > 0)
      std::snprintf(status + std::strlen(status), sizeof status - std::strlen(status),
                    " (%zu without a date)", layout.undated);
    ImVec2 ts = ImGui::CalcTextSize(status);
    ImVec2 at(plot_max.x - ts.x - pad, plot_max.y - ts.y - style.CellPadding.y);
    dl->AddRectFilled(ImVec2(at.x - 4, at.y - 2), ImVec2(plot_max.x, plot_max.y),
                      ImGui::GetColorU32(ImGuiCol_WindowBg, 0.85f));
    dl->AddText(at, ImGui::GetColorU32(ImGuiCol_TextDisabled), status);
  }
  ImGui::EndChild();

  if (best && clicked) return best->row;
  if (best) {
    DrawTooltip(rows, *best, under_mouse - 1, names);
  } else if (hovered && !dragging && io.MousePos.x < plot_min.x && io.MousePos.y >= plot_min.y) {
    // A long agency name is cut at the label column; the whole name shows here.
    auto lane = static_cast<size_t>((io.MousePos.y - plot_min.y + view.top) / lane_height);
    if (lane < layout.lanes.size()) ImGui::SetTooltip("%s", names.Apply(layout.lanes[lane]).c_str());
  }
  return std::nullopt;
}

}  // namespace caseboard::app
