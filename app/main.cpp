// caseboard: the desktop app. The standard GLFW + OpenGL3 + Dear ImGui
// sequence; everything else is in App (app.h) and one file per screen.
//
// The loop sleeps until input arrives (glfwWaitEventsTimeout) instead of
// redrawing at 60 frames a second: field laptops run on battery. It wakes
// at the idle-lock deadline so an unattended vault locks on time.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "caseboard/platform/platform.h"
#include "key_events.h"
#include "private_temp.h"

namespace {

void Usage() {
  std::puts(
      "usage: caseboard [--vault DIR] [--idle-lock SECONDS] [--clipboard-seconds SECONDS] [--dark]\n"
      "  --vault DIR          the vault folder (default: $CASEBOARD_VAULT, else the platform's data folder)\n"
      "  --idle-lock SECONDS  lock after this long without input (default 300; 0 = only Ctrl+L)\n"
      "  --clipboard-seconds SECONDS\n"
      "                       empty the clipboard this long after copying from the app, if it still\n"
      "                       holds that copy (default 60; 0 = only on lock)\n"
      "  --dark               start with the dark theme");
}

// A readable font from Debian's font packages, if one is installed.
void LoadFont(float scale) {
  const char* candidates[] = {"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                              "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"};
  // Latin-1 plus the punctuation review text is full of (dashes, curly
  // quotes, bullets, the euro sign).
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2000, 0x206F, 0x20AC, 0x20AC, 0};
  ImGuiIO& io = ImGui::GetIO();
  for (const char* path : candidates) {
    if (std::FILE* f = std::fopen(path, "rb")) {
      std::fclose(f);
      io.Fonts->AddFontFromFileTTF(path, 17.0f * scale, nullptr, kRanges);
      return;
    }
  }
  io.Fonts->AddFontDefault();
}

// Files dropped onto the window go to the Files tab of the open review.
caseboard::app::App* drop_target = nullptr;
bool dropped_now = false;  // a drop brings no mouse movement, yet frames must follow it

void OnDrop(GLFWwindow*, int count, const char** paths) {
  if (!drop_target) return;
  dropped_now = true;
  drop_target->DropFiles(std::vector<std::string>(paths, paths + count));
}

}  // namespace

int main(int argc, char** argv) {
  caseboard::platform::HardenProcess();
  caseboard::app::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--vault" && i + 1 < argc) {
      options.vault_dir = argv[++i];
    } else if (a == "--idle-lock" && i + 1 < argc) {
      options.idle_lock_seconds = std::atoi(argv[++i]);
    } else if (a == "--clipboard-seconds" && i + 1 < argc) {
      options.clipboard_seconds = std::atoi(argv[++i]);
    } else if (a == "--dark") {
      options.dark = true;
    } else if (a == "--help" || a == "-h") {
      Usage();
      return 0;
    } else {
      std::fprintf(stderr, "caseboard: unknown option %s\n", a.c_str());
      Usage();
      return 2;
    }
  }
  if (options.vault_dir.empty()) {
    if (const char* env = std::getenv("CASEBOARD_VAULT"); env && env[0]) {
      options.vault_dir = env;
    } else {
      auto dir = caseboard::platform::DefaultVaultDir();
      if (!dir.ok()) {
        std::fprintf(stderr, "caseboard: %s\n", dir.status().message().c_str());
        return 1;
      }
      options.vault_dir = *dir;
    }
  }

  if (!glfwInit()) {
    std::fprintf(stderr, "caseboard: cannot open a window (no display?)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(1280, 800, "Caseboard", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "caseboard: cannot create an OpenGL 3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  // No imgui.ini: window layout files could hold record titles, and nothing
  // decrypted is ever written to disk.
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  float xscale = 1, yscale = 1;
  glfwGetWindowContentScale(window, &xscale, &yscale);
  float scale = std::max(1.0f, xscale);
  caseboard::app::ApplyTheme(options.dark, scale);
  LoadFont(scale);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  caseboard::app::TrackClipboard();
  caseboard::app::InstallKeyEvents(window);
  ImGui_ImplOpenGL3_Init("#version 130");

  caseboard::app::App app(options);
  drop_target = &app;
  glfwSetDropCallback(window, OnDrop);
  // Copies opened in other programs by an app that crashed are wiped now.
  caseboard::app::WipeStalePrivateCopies();
  int quiet_frames = 0;
  std::string title;
  while (!glfwWindowShouldClose(window) && !app.quit_requested()) {
    if (app.WindowTitle() != title) {
      title = app.WindowTitle();
      glfwSetWindowTitle(window, title.c_str());
    }
    // ImGui needs a few frames after input to settle (hover, animations);
    // after that, sleep until the next event or the idle-lock deadline.
    if (quiet_frames > 3)
      glfwWaitEventsTimeout(std::min(app.SecondsUntilWake() + 0.05, 60.0));
    else
      glfwPollEvents();
    bool input = io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.InputQueueCharacters.Size > 0 ||
                 ImGui::IsAnyMouseDown() || io.MouseWheel != 0;
    for (bool down : io.KeysDown) input = input || down;
    if (input || std::exchange(dropped_now, false)) {
      app.NoteActivity();
      quiet_frames = 0;
    } else {
      ++quiet_frames;
    }
    app.FlushPausedText();
    if (app.CheckIdle()) quiet_frames = 0;

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    app.Frame();
    ImGui::Render();
    int w, h;
    glfwGetFramebufferSize(window, &w, &h);
    glViewport(0, 0, w, h);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glfwSwapBuffers(window);
    caseboard::app::DeliverHeldKeyReleases(window);
  }
  app.Lock();  // also wipes copies opened in other programs
  drop_target = nullptr;
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return 0;
}
