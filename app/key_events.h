// Keys pressed and released between two frames must still be seen.
//
// Dear ImGui 1.86 (Debian 12's) reads keys as "down" flags sampled once per
// frame. The app sleeps until input arrives, so a quick tap (press and
// release in one wake-up, as scripts and fast typists produce) would set and
// clear the flag before any frame saw it, and Enter or Ctrl+L would be lost.
// Releases are therefore held back until the frame after their press.
#pragma once

struct GLFWwindow;

namespace caseboard::app {

// Call after ImGui_ImplGlfw_InitForOpenGL(window, true).
void InstallKeyEvents(GLFWwindow* window);
// Call after each frame is drawn: delivers the releases held back.
void DeliverHeldKeyReleases(GLFWwindow* window);

}  // namespace caseboard::app
