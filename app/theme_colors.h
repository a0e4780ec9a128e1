// Colours that carry meaning (deadline states), readable on both themes.
#pragma once

#include <imgui.h>

#include "caseboard/domain/deadlines.h"

namespace caseboard::app {

ImVec4 DeadlineColor(domain::DeadlineState state, bool dark);

}  // namespace caseboard::app
