// app_frame_bench: CPU time to build one frame of the desktop app's screens
// (issue 6 target: at most 4 ms) with a review of 10,000 chronology entries
// and a 100,000-character text open. Dear ImGui draws into its command lists
// without a window or GPU, so the figure is the app's own work per frame:
// the screens, ImGui's layout and the vertex buffers it hands the GPU.
//
// usage: app_frame_bench [--entries N] [--text-chars N] [--frames N]
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "app.h"
#include "caseboard/domain/chronology.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "pseudonyms.h"

using namespace caseboard;

namespace {

double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void Check(const Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "app_frame_bench: %s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

struct Figures {
  double mean = 0, p95 = 0, max = 0;
};

// Draws `frames` frames of `draw` and returns CPU ms per frame.
template <typename Draw>
Figures Measure(int frames, Draw draw) {
  std::vector<double> ms;
  for (int i = 0; i < frames + 5; ++i) {
    double t0 = CpuMs();
    ImGui::GetIO().DeltaTime = 1.0f / 60;
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("bench", nullptr, ImGuiWindowFlags_NoDecoration);
    draw();
    ImGui::End();
    ImGui::Render();
    double t1 = CpuMs();
    if (i >= 5) ms.push_back(t1 - t0);  // the first frames build caches
  }
  Figures f;
  for (double m : ms) f.mean += m / static_cast<double>(ms.size());
  std::sort(ms.begin(), ms.end());
  f.p95 = ms[ms.size() * 95 / 100];
  f.max = ms.back();
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  int entries = 10000, text_chars = 100000, frames = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (a == "--entries")
      entries = v;
    else if (a == "--text-chars")
      text_chars = v;
    else if (a == "--frames")
      frames = std::max(10, v);
  }
  std::string dir =
      (std::filesystem::temp_directory_path() / ("app_frame_bench." + std::to_string(getpid()))).string();
  const std::string pass = "frame bench passphrase";
  std::string review_id, note_id;
  {
    auto vault = store::Vault::Create(dir, AsBytes(pass), {crypto::ScryptParams::ForTests()});
    Check(vault.status(), "creating the vault");
    auto r = domain::ScrReview::Start(**vault, "Frame benchmark review", "scr-wt2015", "", {2026, 12, 2});
    Check(r.status(), "starting the review");
    review_id = (*r)->id();
    const char* agencies[] = {"Police", "Children's social care", "Health visiting", "GP", "School",
                              "Housing"};
    const char* levels[] = {"routine", "notable", "key"};
    std::printf("app_frame_bench: writing %d chronology entries...\n", entries);
    for (int i = 0; i < entries; ++i) {
      char date[16];
      std::snprintf(date, sizeof date, "20%02d-%02d-%02d", 15 + i % 10, 1 + i % 12, 1 + i % 28);
      Check((*r)->AddEntity("chronology_entry",
                            {{"date", date},
                             {"agency", agencies[i % 6]},
                             {"event", "Contact " + std::to_string(i) + ": home visit, no answer"},
                             {"significance", levels[i % 3]}})
                .status(),
            "adding an entry");
    }
    std::string text;
    while (static_cast<int>(text.size()) < text_chars)
      text += "The health visitor saw the baby at home and noted concerns about the sleeping arrangements. ";
    text.resize(static_cast<size_t>(text_chars));
    auto note = (*r)->AddEntity("note", {{"title", "Long report section"}, {"body", text}});
    Check(note.status(), "adding the long text");
    note_id = *note;
  }

  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1280, 800);
  io.Fonts->AddFontDefault();
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  app::ApplyTheme(false, 1.0f);

  app::App application({dir, 0, false});
  std::string err = application.Unlock(pass);
  if (!err.empty()) {
    std::fprintf(stderr, "app_frame_bench: unlock: %s\n", err.c_str());
    return 1;
  }
  application.OpenReview(review_id);
  if (!application.open_review()) return 1;

  Figures list = Measure(frames, [&] { app::DrawReviewListScreen(application); });
  Figures status = Measure(frames, [&] { app::DrawReviewScreen(application); });
  Figures chronology = Measure(frames, [&] { app::DrawChronologyPanel(application); });
  // The timeline, given the rows the chronology panel caches. Fitted, every
  // one of the 10,000 marks is in view (the most it draws), with the mouse
  // over the lanes so each frame also looks for the mark under it; then
  // zoomed in by wheel notches (through the first 20 frames) to about
  // two months, where most marks are culled.
  auto rows = domain::Chronology(application.open_review()->document());
  Check(rows.status(), "reading the chronology");
  app::Pseudonyms names;
  ImGui::GetIO().MousePos = ImVec2(700, 300);
  Figures timeline = Measure(frames, [&] { app::DrawTimeline(application, *rows, 1, names); });
  int notches = 0;
  Figures timeline_zoomed = Measure(frames, [&] {
    ImGui::GetIO().MouseWheel = ++notches < 20 ? 1.0f : 0.0f;  // read by the next frame
    app::DrawTimeline(application, *rows, 1, names);
  });
  ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  app::SelectText(note_id, "body");
  Figures text = Measure(frames, [&] { app::DrawTextPanel(application); });

  std::printf("== CPU time per frame, %d frames each (target <= 4 ms) ==\n", frames);
  auto row = [](const char* what, const Figures& f) {
    std::printf("  %-52s mean %6.3f ms   p95 %6.3f ms   max %6.3f ms\n", what, f.mean, f.p95, f.max);
  };
  row("review list (1 review)", list);
  row("review: where it stands", status);
  row(("chronology table, " + std::to_string(entries) + " entries").c_str(), chronology);
  row(("timeline, " + std::to_string(entries) + " entries, all in view").c_str(), timeline);
  row(("timeline, " + std::to_string(entries) + " entries, zoomed in").c_str(), timeline_zoomed);
  row(("text editor, " + std::to_string(text_chars) + " characters").c_str(), text);
  application.Lock();
  ImGui::DestroyContext();
  std::filesystem::remove_all(dir);
  return 0;
}
