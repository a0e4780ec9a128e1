// ImGui text widgets bound to a std::string that grows as the person types
// (ImGui 1.86 has no std::string overloads outside its misc/ folder).
#pragma once

#include <imgui.h>

#include <string>

namespace caseboard::app {

// Pass as the callback with ImGuiInputTextFlags_CallbackResize and the
// string as user data.
inline int ResizeString(ImGuiInputTextCallbackData* data) {
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    auto* s = static_cast<std::string*>(data->UserData);
    s->resize(static_cast<size_t>(data->BufTextLen));
    data->Buf = s->data();
  }
  return 0;
}

}  // namespace caseboard::app
