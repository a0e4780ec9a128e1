// What Dear ImGui keeps of typed text, and what the app put on the system
// clipboard: both can hold review material after the review is closed, so
// locking wipes them along with the app's own buffers.
//
// ImGui copies the field being edited into its own state: the edit buffer
// (wide and UTF-8), the text as it was when the field was focused (for
// Escape), and the undo record, which keeps deleted characters. That state
// is internal (imgui_internal.h); it is wiped here and nowhere else.
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <chrono>
#include <string_view>

#include "app.h"
#include "caseboard/bytes.h"
#include "caseboard/crypto/hash.h"
#include "caseboard/crypto/secure_bytes.h"

namespace caseboard::app {
namespace {

template <typename T>
void WipeVector(ImVector<T>& v) {
  if (v.Data) crypto::Wipe(v.Data, static_cast<size_t>(v.Capacity) * sizeof(T));
  v.clear();
}

// The SHA-256 of the last text the app put on the clipboard (never the text
// itself), so lock can tell whether the clipboard still holds it.
bool have_copied = false;
crypto::Digest copied_digest;
std::chrono::steady_clock::time_point copied_at;
void (*backend_set_clipboard)(void*, const char*) = nullptr;

crypto::Digest DigestOf(std::string_view text) {
  return crypto::Sha256(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void SetClipboardAndRemember(void* user_data, const char* text) {
  copied_digest = DigestOf(text ? text : "");
  have_copied = true;
  copied_at = std::chrono::steady_clock::now();
  backend_set_clipboard(user_data, text);
}

}  // namespace

void WipeWidgetMemory() {
  if (!ImGui::GetCurrentContext()) return;
  ImGuiContext& g = *ImGui::GetCurrentContext();
  ImGui::ClearActiveID();
  ImGuiInputTextState& state = g.InputTextState;
  WipeVector(state.TextW);
  WipeVector(state.TextA);
  WipeVector(state.InitialTextA);
  crypto::Wipe(&state.Stb, sizeof(state.Stb));  // holds the undo record's characters
  state.ID = 0;
  state.CurLenA = state.CurLenW = 0;
  state.TextAIsValid = false;
}

void TrackClipboard() {
  ImGuiIO& io = ImGui::GetIO();
  if (!io.SetClipboardTextFn || io.SetClipboardTextFn == &SetClipboardAndRemember) return;
  backend_set_clipboard = io.SetClipboardTextFn;
  io.SetClipboardTextFn = &SetClipboardAndRemember;
}

double SecondsUntilClipboardClear(int after_seconds) {
  if (!have_copied || after_seconds <= 0) return 1e9;
  double held = std::chrono::duration<double>(std::chrono::steady_clock::now() - copied_at).count();
  return std::max(0.0, after_seconds - held);
}

bool ClearOwnClipboard() {
  if (!have_copied || !ImGui::GetCurrentContext()) return false;
  have_copied = false;
  const char* now = ImGui::GetClipboardText();
  if (!now || DigestOf(now) != copied_digest) return false;  // something else was copied since: leave it
  ImGui::SetClipboardText("");
  have_copied = false;
  return true;
}

}  // namespace caseboard::app
