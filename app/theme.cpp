// Light and dark themes, sized for the display's scale.
#include <imgui.h>

#include "app.h"
#include "theme_colors.h"

namespace caseboard::app {

void ApplyTheme(bool dark, float scale) {
  ImGuiStyle style;
  if (dark)
    ImGui::StyleColorsDark(&style);
  else
    ImGui::StyleColorsLight(&style);
  style.WindowRounding = 4;
  style.FrameRounding = 3;
  style.FramePadding = ImVec2(8, 5);
  style.ItemSpacing = ImVec2(10, 7);
  style.CellPadding = ImVec2(6, 4);
  style.ScaleAllSizes(scale);
  style.MouseCursorScale = scale;  // remembers the scale for a later theme switch
  ImGui::GetStyle() = style;
}

ImVec4 DeadlineColor(domain::DeadlineState state, bool dark) {
  switch (state) {
    case domain::DeadlineState::kOverdue:
      return dark ? ImVec4(1.0f, 0.45f, 0.4f, 1) : ImVec4(0.75f, 0.1f, 0.1f, 1);
    case domain::DeadlineState::kAtRisk:
      return dark ? ImVec4(1.0f, 0.75f, 0.3f, 1) : ImVec4(0.65f, 0.4f, 0.0f, 1);
    case domain::DeadlineState::kMet:
    case domain::DeadlineState::kMetLate:
      return dark ? ImVec4(0.5f, 0.85f, 0.5f, 1) : ImVec4(0.1f, 0.5f, 0.15f, 1);
    default:
      return dark ? ImVec4(0.85f, 0.85f, 0.85f, 1) : ImVec4(0.2f, 0.2f, 0.2f, 1);
  }
}

}  // namespace caseboard::app
