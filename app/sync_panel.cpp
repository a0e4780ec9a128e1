// The sync panel: joining a board with an invite, then syncing with it.
//
// Everything here is drawn from App state (the sync summary, the runner's
// progress, the last job's outcome); the work runs on the App's worker
// thread, so this screen never waits on the network. It is the only screen
// drawn while a job runs, and it does not touch the vault.
#include <imgui.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>

#include "app.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/sync/wire.h"
#include "pseudonyms.h"
#include "string_input.h"
#include "theme_colors.h"

namespace caseboard::app {
namespace {

// The invite is a one-time secret: wiped once used, and on lock.
std::string invite;
std::string device_name;
bool device_name_filled = false;  // the default is offered once, and may be cleared
std::string start_error;
int last_frame = -10, appeared_frame = 0;

const ImVec4 kGood(0.15f, 0.6f, 0.25f, 1);

void WipeInvite() {
  crypto::Wipe(invite.data(), invite.size());
  invite.clear();
}

// How the board will list this device unless the person says otherwise.
std::string DefaultDeviceName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return host;
  return "Caseboard laptop";
}

// An invite pasted from an email or a chat may be wrapped or indented.
std::string WithoutSpaces(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

std::string LocalClock(uint64_t ms) { return LocalTime(ms, false); }

std::string Plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string Size(uint64_t bytes) {
  char buf[32];
  if (bytes < 1024)
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  else if (bytes < (1u << 20))
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

// A review's title as the list shows it (pseudonymised in privacy mode),
// or a short id for one not fetched yet.
std::string ReviewName(const App& app, const std::string& id) {
  for (const auto& r : app.reviews())
    if (r.id == id && !r.title.empty()) return app.privacy() ? Pseudonymise(r.title) : r.title;
  return "review " + id.substr(0, 8);
}

// The engine's message, framed for a person: what happened, and that
// nothing is lost.
std::string PlainError(const Status& s, SyncJobKind kind) {
  std::string what;
  switch (s.code()) {
    case Status::Code::kIOError:
      what = "The board could not be reached (" + s.message() + ").";
      break;
    case Status::Code::kAuthFailed:
      what = kind == SyncJobKind::kJoin
                 ? "The board did not accept the invite, or it is not the board the invite names (" +
                       s.message() + ")."
                 : "The board refused this device (" + s.message() + "). Ask the board's administrator.";
      break;
    case Status::Code::kAlreadyExists:
      what = kind == SyncJobKind::kJoin ? "This vault has joined a board already (" + s.message() + ")."
                                        : s.message() + ".";
      break;
    case Status::Code::kInvalidArgument:
      what = kind == SyncJobKind::kJoin ? "That invite could not be used (" + s.message() + ")."
                                        : s.message() + ".";
      break;
    default:
      what = s.message() + ".";
  }
  if (kind == SyncJobKind::kJoin) return what + " Nothing was changed on this device.";
  return what +
         " Nothing is lost: your work stays on this device, and the next sync picks up where this "
         "one stopped.";
}

void Heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextUnformatted(text);
  ImGui::Separator();
}

// One bar: label, the fraction done, and the counts in words.
void PhaseBar(const char* label, const SyncPhaseProgress& p, bool bytes, bool current) {
  ImGui::TextUnformatted(label);
  ImGui::SameLine(ImGui::GetFontSize() * 11);
  std::string text;
  float fraction = 0;
  if (!p.reached) {
    text = current ? "starting" : "waiting";
  } else if (p.total == 0) {
    text = "nothing to transfer";
    fraction = 1;
  } else {
    fraction = static_cast<float>(static_cast<double>(p.done) / static_cast<double>(p.total));
    text = bytes ? Size(p.done) + " of " + Size(p.total)
                 : std::to_string(p.done) + " of " + Plural(p.total, "change", "changes");
  }
  ImGui::ProgressBar(std::min(fraction, 1.0f), ImVec2(ImGui::GetFontSize() * 28, 0), text.c_str());
}

void DrawProgress(App& app) {
  const SyncRunner& runner = app.sync_runner();
  SyncProgressView p = runner.progress();
  if (runner.kind() == SyncJobKind::kJoin) {
    ImGui::TextUnformatted("Joining the board: checking its certificate and enrolling this device...");
  } else if (p.review.empty()) {
    ImGui::TextUnformatted("Syncing: asking the board which reviews it holds for this device...");
  } else {
    ImGui::Text("Syncing %s (review %d so far)", ReviewName(app, p.review).c_str(), p.reviews_seen);
    ImGui::Spacing();
    using Phase = sync::SyncProgress::Phase;
    const SyncPhaseProgress& pull = p.phases[static_cast<int>(Phase::kPull)];
    const SyncPhaseProgress& push = p.phases[static_cast<int>(Phase::kPush)];
    const SyncPhaseProgress& files = p.phases[static_cast<int>(Phase::kFiles)];
    PhaseBar("Receiving", pull, false, !pull.reached);
    PhaseBar("Sending", push, false, pull.reached && !push.reached);
    PhaseBar("Files", files, true, push.reached && !files.reached);
  }
  // The request in flight: a large batch or file piece takes a while on a
  // slow line, and a moving bar says it is not stuck.
  uint64_t total = p.send_total + p.receive_total;
  if (total > 0) {
    uint64_t done = p.sent + p.received;
    ImGui::TextUnformatted("This transfer");
    ImGui::SameLine(ImGui::GetFontSize() * 11);
    std::string text = Size(p.sent) + " sent, " + Size(p.received) + " received";
    ImGui::ProgressBar(static_cast<float>(static_cast<double>(done) / static_cast<double>(total)),
                       ImVec2(ImGui::GetFontSize() * 28, 0), text.c_str());
  }
  ImGui::Spacing();
  if (runner.cancelling()) {
    ImGui::BeginDisabled();
    ImGui::Button("Stopping...");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextDisabled("The transfer in flight ends within a few seconds; what arrived is kept.");
  } else if (ImGui::Button("Cancel")) {
    app.CancelSync();
  }
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36);
  ImGui::TextWrapped(
      "You can close this panel and go on working: the sync carries on, and what it brings in appears as "
      "it arrives, even in a text you are typing in.");
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

// What the last join or sync did.
void DrawLastJob(App& app, const SyncJobOutcome& job) {
  std::string when = LocalClock(job.finished_ms);
  if (job.cancelled) {
    ImGui::TextColored(kTroubleColor, "Stopped at %s.", when.c_str());
    ImGui::TextWrapped(job.kind == SyncJobKind::kJoin
                           ? "The join was cancelled. Nothing was changed on this device."
                           : "What was transferred before you cancelled is kept; Sync now picks up where it "
                             "stopped.");
    return;
  }
  if (!job.status.ok()) {
    ImGui::TextColored(kTroubleColor, "%s did not go through (%s).",
                       job.kind == SyncJobKind::kJoin ? "Joining" : "The sync", when.c_str());
    ImGui::TextWrapped("%s", PlainError(job.status, job.kind).c_str());
    return;
  }
  if (job.kind == SyncJobKind::kJoin) {
    ImGui::TextColored(kGood, "Joined the board at %s.", when.c_str());
    ImGui::TextWrapped("Press Sync now to send your reviews and fetch the ones shared with this device.");
    int64_t skew = job.joined.clock_skew_ms;
    if (skew > 60000 || skew < -60000)
      ImGui::TextWrapped(
          "This computer's clock is %lld seconds %s the board's. Beyond 5 minutes the board refuses to sync: "
          "please set the clock right.",
          static_cast<long long>((skew < 0 ? -skew : skew) / 1000), skew > 0 ? "behind" : "ahead of");
    return;
  }
  size_t failed = 0;
  for (const auto& r : job.report.reviews) failed += r.status.ok() ? 0 : 1;
  if (failed == 0)
    ImGui::TextColored(kGood, "Sync went through at %s.", when.c_str());
  else
    ImGui::TextColored(kTroubleColor, "Sync at %s: %s did not go through.", when.c_str(),
                       Plural(failed, "review", "reviews").c_str());
  if (job.report.reviews.empty()) ImGui::TextUnformatted("There were no reviews to sync.");
  for (const auto& r : job.report.reviews) {
    std::string line = ReviewName(app, r.review) + ": ";
    if (!r.status.ok()) {
      line += PlainError(r.status, SyncJobKind::kSync);
    } else {
      std::string did;
      if (r.pulled) did = "received " + Plural(r.pulled, "change", "changes");
      if (r.pushed) did += (did.empty() ? "sent " : ", sent ") + Plural(r.pushed, "change", "changes");
      line += did.empty() ? "up to date" : did;
      if (r.files_sent) line += ", " + Plural(r.files_sent, "file", "files") + " sent";
      if (r.files_received) line += ", " + Plural(r.files_received, "file", "files") + " received";
      if (r.files_waiting) line += "; " + Plural(r.files_waiting, "file", "files") + " not on the board yet";
      if (r.joined) line += " (new on this device)";
      line += ".";
    }
    ImGui::BulletText("%s", line.c_str());
    for (const auto& w : r.warnings) {
      ImGui::Indent();
      ImGui::TextWrapped("Note: %s", w.c_str());
      ImGui::Unindent();
    }
  }
}

void DrawJoin(App& app) {
  ImGui::TextWrapped(
      "This vault has not joined a board. Everything stays on this device, encrypted, and Caseboard works "
      "fully offline: nothing is sent anywhere.");
  ImGui::Spacing();
  ImGui::TextWrapped(
      "To work on reviews with colleagues, join your board with the invite its administrator gave you "
      "(a line starting with cbinvite1:). The board only ever holds encrypted changes it cannot read.");
  Heading("Join a board");
  ImGui::TextUnformatted("Invite");
  // When the panel appears, a paste goes straight into the invite box.
  // (Asked for over a few frames: the first ones may come before the
  // window has focus.)
  int frame = ImGui::GetFrameCount();
  if (frame != last_frame + 1) appeared_frame = frame;
  last_frame = frame;
  if (frame - appeared_frame < 3 && !ImGui::IsAnyItemActive()) ImGui::SetKeyboardFocusHere();
  ImGui::InputTextMultiline("##invite", invite.data(), invite.size() + 1,
                            ImVec2(-1, ImGui::GetFontSize() * 4), ImGuiInputTextFlags_CallbackResize,
                            ResizeString, &invite);
  std::string compact = WithoutSpaces(invite);
  bool valid = false;
  if (!compact.empty()) {
    // Only parsed, to say early whether it is whole: the join checks it for real.
    auto parsed = sync::ParseInvite(compact);
    valid = parsed.ok();
    if (valid)
      ImGui::TextDisabled("An invite to the board at %s.", parsed->url.c_str());
    else
      ImGui::TextColored(kTroubleColor, "This does not look like a whole invite yet.");
  }
  ImGui::Spacing();
  ImGui::TextUnformatted("This device's name");
  if (!device_name_filled) {
    device_name = DefaultDeviceName();
    device_name_filled = true;
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 20);
  bool enter = ImGui::InputText("##device", device_name.data(), device_name.size() + 1,
                                ImGuiInputTextFlags_CallbackResize | ImGuiInputTextFlags_EnterReturnsTrue,
                                ResizeString, &device_name);
  ImGui::SameLine();
  ImGui::TextDisabled("how the board lists this device to its administrator");
  ImGui::Spacing();
  ImGui::BeginDisabled(!valid || device_name.empty());
  if (ImGui::Button("Join the board") || (enter && valid && !device_name.empty())) {
    start_error = app.StartJoin(compact, device_name);
    if (start_error.empty()) WipeInvite();
    crypto::Wipe(compact.data(), compact.size());
  }
  ImGui::EndDisabled();
  if (!start_error.empty()) ImGui::TextWrapped("%s", start_error.c_str());
}

void DrawJoined(App& app) {
  const SyncSummary& s = app.sync();
  if (ImGui::BeginTable("board", 2, ImGuiTableFlags_SizingFixedFit)) {
    auto row = [](const char* label, const std::string& value) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", label);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(value.c_str());
    };
    row("Board", s.board);
    row("This device", s.device);
    row("Last sync", s.last_sync.empty() ? "never" : s.last_sync);
    row("Waiting to send", s.pending == 0 ? "nothing: the board has every change made here"
                                          : Plural(s.pending, "change", "changes"));
    ImGui::EndTable();
  }
  ImGui::TextWrapped(
      "Working offline is fine: changes are kept on this device and sent at the next sync. A sync that is "
      "interrupted loses nothing and resumes where it stopped.");
  // The stored last error, when this session has not just shown what the
  // last job did (which says the same, and more).
  if (!s.error.empty() && !app.last_sync_job()) {
    ImGui::Spacing();
    ImGui::TextColored(kTroubleColor, "The last sync did not go through%s%s.",
                       s.error_time.empty() ? "" : " at ", s.error_time.c_str());
    std::string error = s.error;
    error[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(error[0])));
    ImGui::TextWrapped("%s. Nothing is lost: your work stays on this device.", error.c_str());
  }
  ImGui::Spacing();
  if (ImGui::Button("Sync now")) start_error = app.StartSync();
  if (!start_error.empty()) ImGui::TextWrapped("%s", start_error.c_str());

  if (!s.reviews.empty()) {
    Heading("Reviews");
    ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
    if (ImGui::BeginTable("sync-reviews", 3, flags)) {
      ImGui::TableSetupColumn("Review", ImGuiTableColumnFlags_WidthStretch, 2.0f);
      ImGui::TableSetupColumn("Waiting to send", ImGuiTableColumnFlags_WidthStretch, 1.0f);
      ImGui::TableSetupColumn("Problems", ImGuiTableColumnFlags_WidthStretch, 3.0f);
      ImGui::TableHeadersRow();
      for (const auto& r : s.reviews) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ReviewName(app, r.id).c_str());
        if (!r.in_vault) ImGui::TextDisabled("shared with this device; arrives at the next sync");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r.pending == 0 ? "nothing" : Plural(r.pending, "change", "changes").c_str());
        ImGui::TableNextColumn();
        if (!r.error.empty()) ImGui::TextWrapped("Last sync failed: %s", r.error.c_str());
        if (!r.refused.empty())
          ImGui::TextWrapped("The board refused %s (kept on this device, not sent again): %s",
                             Plural(r.refused.size(), "change", "changes").c_str(),
                             r.refused.back().error.c_str());
        if (r.error.empty() && r.refused.empty()) ImGui::TextDisabled("none");
      }
      ImGui::EndTable();
    }
  }
}

}  // namespace

void ForgetSyncPanel() {
  WipeInvite();
  start_error.clear();
}

void DrawSyncPanel(App& app) {
  ImGui::TextUnformatted("Sync");
  // A running sync goes on with the panel closed: the open review stays
  // open and editable, and the menu bar says the sync is under way.
  ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::GetFontSize() * 6);
  if (ImGui::SmallButton("Close panel")) {
    start_error.clear();
    app.ShowSyncPanel(false);
  }
  ImGui::Separator();
  ImGui::Spacing();
  if (app.sync_busy()) {
    DrawProgress(app);
    return;
  }
  if (const SyncJobOutcome* job = app.last_sync_job()) {
    DrawLastJob(app, *job);
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::Spacing();
  }
  if (app.sync().joined)
    DrawJoined(app);
  else
    DrawJoin(app);
}

}  // namespace caseboard::app
