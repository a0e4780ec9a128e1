// ImGui text widgets bound to a std::string that grows as the person types
// (ImGui 1.86 has no std::string overloads outside its misc/ folder), and
// what a typed path needs before it is used.
#pragma once

#include <imgui.h>

#include <cctype>
#include <cstdlib>
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

// A path as people type or paste it: surrounding spaces, the quotes a file
// manager adds when a path is copied, a file:// address, "~/" for home.
inline std::string CleanTypedPath(std::string p) {
  while (!p.empty() && std::isspace(static_cast<unsigned char>(p.back()))) p.pop_back();
  size_t start = 0;
  while (start < p.size() && std::isspace(static_cast<unsigned char>(p[start]))) ++start;
  p = p.substr(start);
  if (p.size() >= 2 && (p.front() == '\'' || p.front() == '"') && p.back() == p.front())
    p = p.substr(1, p.size() - 2);
  if (p.rfind("file://", 0) == 0) p = p.substr(7);
  if (p.rfind("~/", 0) == 0)
    if (const char* home = std::getenv("HOME")) p = home + p.substr(1);
  return p;
}

}  // namespace caseboard::app
