#include "key_events.h"

#include <GLFW/glfw3.h>
#include <imgui_impl_glfw.h>

#include <vector>

namespace caseboard::app {
namespace {

struct HeldRelease {
  int key, scancode, mods;
};
std::vector<HeldRelease> held;

void OnKey(GLFWwindow* window, int key, int scancode, int action, int mods) {
  if (action == GLFW_RELEASE) {
    held.push_back({key, scancode, mods});
    return;
  }
  ImGui_ImplGlfw_KeyCallback(window, key, scancode, action, mods);
}

}  // namespace

void InstallKeyEvents(GLFWwindow* window) { glfwSetKeyCallback(window, OnKey); }

void DeliverHeldKeyReleases(GLFWwindow* window) {
  std::vector<HeldRelease> now;
  now.swap(held);
  for (const auto& r : now) ImGui_ImplGlfw_KeyCallback(window, r.key, r.scancode, GLFW_RELEASE, r.mods);
}

}  // namespace caseboard::app
