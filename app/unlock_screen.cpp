// First run: create the vault. Later: unlock it. Wrong passphrase: say so
// calmly and let the person try again.
#include <imgui.h>

#include <cstring>

#include "app.h"
#include "caseboard/crypto/secure_bytes.h"

namespace caseboard::app {
namespace {

char passphrase[256];
char repeat[256];
std::string error;
bool remember = false;  // "Remember on this device", off by default
int last_frame = -10, appeared_frame = 0;

// A rough strength hint: length and variety, in words a person can act on.
const char* StrengthHint(const char* p) {
  size_t n = std::strlen(p);
  int spaces = 0;
  for (size_t i = 0; i < n; ++i) spaces += p[i] == ' ' || p[i] == '-';
  if (n < 8) return "Too short: use at least 8 characters.";
  if (n < 14 && spaces == 0) return "Weak: four or more random words are much stronger.";
  if (n < 20) return "Fair: one or two more words would make it strong.";
  return "Strong.";
}

void WipeBuffers() {
  crypto::Wipe(passphrase, sizeof passphrase);
  crypto::Wipe(repeat, sizeof repeat);
}

}  // namespace

void DrawUnlockScreen(App& app) {
  bool create = !app.vault_exists();
  const float width = 420 * ImGui::GetIO().FontGlobalScale;
  ImGui::SetCursorPosX((ImGui::GetWindowWidth() - width) * 0.5f);
  ImGui::SetCursorPosY(ImGui::GetWindowHeight() * 0.2f);
  ImGui::BeginChild("unlock", ImVec2(width, 0), false);
  ImGui::TextUnformatted("Caseboard");
  ImGui::Separator();
  if (create) {
    ImGui::TextWrapped("Create the vault that keeps this device's review material encrypted.");
    ImGui::TextDisabled("Folder: %s", app.options().vault_dir.c_str());
  } else {
    ImGui::TextWrapped("The vault is locked.");
    if (app.remembered()) {
      ImGui::Spacing();
      if (ImGui::Button("Unlock with this device's key store", ImVec2(-1, 0))) error = app.UnlockRemembered();
      ImGui::TextDisabled("Or type the passphrase:");
    }
  }
  ImGui::Spacing();
  ImGui::TextUnformatted("Passphrase");
  ImGui::SetNextItemWidth(-1);
  // When the screen appears, typing goes straight to the passphrase.
  // (Asked for over a few frames: the first ones may come before the
  // window has focus.)
  int frame = ImGui::GetFrameCount();
  if (frame != last_frame + 1) appeared_frame = frame;
  last_frame = frame;
  if (frame - appeared_frame < 3 && !ImGui::IsAnyItemActive()) ImGui::SetKeyboardFocusHere();
  bool enter = ImGui::InputText("##passphrase", passphrase, sizeof passphrase,
                                ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  if (create) {
    ImGui::TextDisabled("%s", StrengthHint(passphrase));
    ImGui::TextUnformatted("Repeat it");
    ImGui::SetNextItemWidth(-1);
    enter = ImGui::InputText("##repeat", repeat, sizeof repeat,
                             ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue) ||
            enter;
    ImGui::TextWrapped(
        "Unlocking takes about half a second on purpose: the passphrase is stretched with a memory-hard "
        "function, so someone who steals the laptop cannot try millions of guesses. There is no way to "
        "recover a forgotten passphrase.");
  }
  if (!create && !app.remembered()) {
    ImGui::Checkbox("Remember on this device", &remember);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "Keeps a key for this vault in the system's key store (your login keyring), so the\n"
          "vault opens with one click. Anyone who can use your unlocked login session can then\n"
          "open it too. Turn it off again in the Vault menu.");
  }
  ImGui::Spacing();
  bool go = ImGui::Button(create ? "Create vault" : "Unlock", ImVec2(-1, 0)) || enter;
  if (go) {
    if (create && std::strcmp(passphrase, repeat) != 0) {
      error = "The two passphrases differ.";
    } else {
      error = create ? app.CreateVault(passphrase) : app.Unlock(passphrase);
      if (error.empty() && !create && remember) {
        std::string why = app.SetRemembered(true);
        app.Say(why.empty() ? "This vault is now remembered on this device." : why);
      }
      remember = false;
    }
    WipeBuffers();
    // After a refusal the person types again straight away.
    appeared_frame = ImGui::GetFrameCount();
  }
  if (!error.empty()) {
    ImGui::Spacing();
    ImGui::TextWrapped("%s", error.c_str());
  }
  ImGui::EndChild();
}

}  // namespace caseboard::app
