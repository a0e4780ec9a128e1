// Colours that carry meaning (deadline states, trouble, restricted
// material, what is no longer valid), readable on both themes.
#pragma once

#include <imgui.h>

#include "caseboard/domain/deadlines.h"

namespace caseboard::app {

ImVec4 DeadlineColor(domain::DeadlineState state, bool dark);

// Something needs the person's eye, calmly: amber, not alarm red.
inline const ImVec4 kTroubleColor(0.85f, 0.45f, 0.1f, 1);
// Material in a restricted compartment.
inline const ImVec4 kRestrictedColor(0.8f, 0.4f, 0.1f, 1);
// What failed or no longer holds (a refused edit, an invalid sign-off).
inline const ImVec4 kInvalidColor(0.8f, 0.2f, 0.1f, 1);

}  // namespace caseboard::app
