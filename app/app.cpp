#include "app.h"

#include "caseboard/domain/access_log.h"
#include "caseboard/platform/platform.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/sync/sync_engine.h"
#include "caseboard/sync/sync_state.h"

namespace caseboard::app {

App::App(Options options) : options_(std::move(options)), last_activity_(std::chrono::steady_clock::now()) {
  // A sync that wants the vault wakes the loop, which lends it at the next frame.
  sync_runner_.SetWake([] { glfwPostEmptyEvent(); });
}

App::~App() { Lock(); }

bool App::vault_exists() const { return store::Vault::Exists(options_.vault_dir); }

domain::Date App::today() const {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return {local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

std::string App::CreateVault(std::string_view passphrase) {
  if (passphrase.size() < 8) return "Use at least 8 characters: a few random words are best.";
  auto v = store::Vault::Create(options_.vault_dir, AsBytes(passphrase), {});
  if (!v.ok()) return v.status().message();
  vault_ = std::move(*v);
  AfterUnlock();
  return "";
}

Status App::OpenVault() {
  if (vault_) return Status::Ok();
  CB_ASSIGN_OR_RETURN(vault_, store::Vault::Open(options_.vault_dir));
  return Status::Ok();
}

void App::AfterUnlock() {
  NoteActivity();
  RefreshReviews();
}

std::string App::Unlock(std::string_view passphrase) {
  if (Status s = OpenVault(); !s.ok()) return s.message();
  Status s = vault_->Unlock(AsBytes(passphrase));
  if (s.IsAuthFailed()) return "That passphrase does not open this vault. Nothing was changed; try again.";
  if (!s.ok()) return s.message();
  AfterUnlock();
  return "";
}

bool App::remembered() {
  // Asked every frame of the unlock screen: the vault is read once, and again
  // only after SetRemembered changes it.
  if (!remembered_) {
    if (!vault_ && (!vault_exists() || !OpenVault().ok())) return false;
    remembered_ = vault_->HasDeviceUnlock();
  }
  return *remembered_;
}

std::string App::UnlockRemembered() {
  if (Status s = OpenVault(); !s.ok()) return s.message();
  Status s = platform::UnlockRemembered(*vault_);
  if (s.IsNotFound())
    return "This device's key store holds nothing for this vault (or cannot be reached): use the passphrase.";
  if (s.IsAuthFailed()) return "What this device remembered no longer opens the vault: use the passphrase.";
  if (!s.ok()) return s.message();
  AfterUnlock();
  return "";
}

std::string App::SetRemembered(bool on) {
  if (locked()) return "The vault is locked.";
  remembered_.reset();  // read again on the next frame
  if (on) {
    Status s = platform::RememberVault(*vault_, "Caseboard vault " + options_.vault_dir);
    return s.ok() ? "" : s.message();
  }
  auto was_on = platform::ForgetVault(*vault_);
  return was_on.ok() ? "" : was_on.status().message();
}

void App::Lock() {
  // A sync job uses the vault's keys: it stops (keeping what it stored)
  // and its thread ends before they go.
  if (sync_runner_.busy()) {
    sync_runner_.Cancel();
    sync_runner_.Collect();
  }
  // So does a file being added: what it stored of the file goes with it.
  if (file_job_.busy()) {
    file_job_.Cancel();
    (void)file_job_.Collect();
    file_done_ = nullptr;
  }
  last_sync_job_.reset();
  sync_panel_ = false;
  ForgetSyncPanel();
  // The open review holds decrypted records; it goes before the keys do
  // (closing it signs any typing not yet signed).
  DropOpenReview();
  // Material copied out of the app does not outlive the lock, unless the
  // person has copied something else since.
  ClearOwnClipboard();
  reviews_.clear();
  sync_ = {};
  if (vault_) vault_->Lock();
  message_.clear();
}

bool App::LogAccess(const std::string& action, const std::string& record, const std::string& how) {
  if (!replica_) return false;
  auto logged = domain::LogAccess(*replica_, action, record, how);
  if (!logged.ok())
    Say("Not shown: this access to a restricted record could not be logged (" + logged.status().message() +
        ").");
  return logged.ok();
}

std::string App::WipeVault() {
  Lock();
  vault_.reset();  // closed, so nothing holds it while its files go
  remembered_.reset();
  Status s = platform::WipeVault(options_.vault_dir);
  return s.ok() ? "" : s.message();
}

// The person's confirmation, in a modal: what goes, and that it cannot be undone.
void App::DrawWipeConfirmation() {
  if (wipe_asked_) {
    ImGui::OpenPopup("Wipe this vault?");
    wipe_asked_ = false;
  }
  ImGui::SetNextWindowSize(ImVec2(560, 0));
  if (!ImGui::BeginPopupModal("Wipe this vault?", nullptr, ImGuiWindowFlags_NoResize)) return;
  ImGui::TextWrapped(
      "Every review in this vault, every file and every change not yet synced will be destroyed on this "
      "device. It cannot be undone: not even the passphrase will open it again. What was synced stays on "
      "the board and on the other members' devices.");
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.7f, 0.15f, 0.1f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.8f, 0.2f, 0.15f, 1));
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
  bool wipe = ImGui::Button("Wipe the vault for good");
  ImGui::PopStyleColor(3);
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
    ImGui::CloseCurrentPopup();
  if (wipe) {
    ImGui::CloseCurrentPopup();
    std::string why = WipeVault();
    std::fprintf(stderr, "caseboard: %s\n", why.empty() ? "vault wiped" : ("wipe failed: " + why).c_str());
    Say(why.empty() ? "The vault has been wiped from this device." : "The vault was not wiped: " + why);
  }
  ImGui::EndPopup();
}

void App::NoteActivity() { last_activity_ = std::chrono::steady_clock::now(); }

double App::SecondsUntilIdleLock() const {
  if (locked() || options_.idle_lock_seconds <= 0) return 1e9;
  double idle = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_activity_).count();
  return std::max(0.0, options_.idle_lock_seconds - idle);
}

double App::SecondsUntilWake() const {
  double wake = std::min(SecondsUntilIdleLock(), SecondsUntilClipboardClear(options_.clipboard_seconds));
  if (replica_ && !file_job_.busy() && replica_->has_unflushed_text()) wake = std::min(wake, 2.5);
  // Progress bars move, and the end of a job is noticed, only if frames come.
  if (sync_runner_.busy() || file_job_.busy() || std::chrono::steady_clock::now() < wake_until_)
    wake = std::min(wake, 0.1);
  return wake;
}

void App::FlushPausedText() {
  if (!replica_ || file_job_.busy() || !replica_->has_unflushed_text()) return;
  double idle = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_activity_).count();
  if (idle < 2.0) return;
  Status s = replica_->FlushText();
  if (!s.ok()) Say("Could not sign the latest typing: " + s.message());
}

bool App::CheckIdle() {
  if (locked() || options_.idle_lock_seconds <= 0 || SecondsUntilIdleLock() > 0) return false;
  Lock();
  return true;
}

std::string LocalTime(uint64_t ms, bool with_date) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[64];
  if (with_date)
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
  else
    std::strftime(buf, sizeof buf, "%H:%M", &local);
  return buf;
}

void App::RefreshSync() {
  sync_ = {};
  auto config = sync::LoadBoardConfig(*vault_);
  if (!config.ok()) return;  // not joined: everything stays on this device
  sync_.joined = true;
  sync_.board = config->url;
  sync_.device = config->name;
  auto report = sync::ReadStatus(*vault_, domain::ScrReplicaOptions());
  if (!report.ok()) {
    sync_.error = report.status().message();
    return;
  }
  if (report->status.last_sync_ms) sync_.last_sync = LocalTime(report->status.last_sync_ms);
  sync_.error = report->status.last_error;
  if (report->status.last_error_ms) sync_.error_time = LocalTime(report->status.last_error_ms);
  for (const auto& [id, r] : report->reviews) {
    sync_.pending += r.pending;
    auto local = report->local.find(id);
    sync_.reviews.push_back({id, local != report->local.end() && local->second, r.pending, r.cursor, r.head,
                             r.refused, r.last_error, r.last_sync_ms != 0});
  }
}

void App::RefreshReviews() {
  reviews_.clear();
  sync_ = {};
  if (locked()) return;
  RefreshSync();
  auto ids = review::Replica::List(*vault_);
  if (!ids.ok()) {
    Say("Could not list the reviews: " + ids.status().message());
    return;
  }
  for (const auto& id : *ids) {
    ReviewRow row;
    row.id = id;
    auto r = review::Replica::Open(*vault_, id, domain::ScrReplicaOptions());
    if (!r.ok()) {
      row.error = r.status().message();
      reviews_.push_back(row);
      continue;
    }
    row.title = (*r)->title();
    auto st = domain::EvaluateWorkflow(**r, calendar_, today());
    if (st.ok()) {
      row.stage = st->stage_name;
      row.warnings = st->warnings.size();
      // The most pressing open deadline: overdue first, then the soonest.
      for (const auto& d : st->deadlines) {
        bool open = d.state == domain::DeadlineState::kDue || d.state == domain::DeadlineState::kAtRisk ||
                    d.state == domain::DeadlineState::kOverdue;
        if (!open) continue;
        bool better = row.next_deadline.empty() ||
                      (d.state == domain::DeadlineState::kOverdue) >
                          (row.deadline_state == domain::DeadlineState::kOverdue) ||
                      ((d.state == domain::DeadlineState::kOverdue) ==
                           (row.deadline_state == domain::DeadlineState::kOverdue) &&
                       d.due < row.next_deadline.substr(0, 10));
        if (better) {
          row.next_deadline = d.due + "  " + d.name;
          row.deadline_state = d.state;
        }
      }
    } else {
      row.stage = "(not a case review)";
    }
    reviews_.push_back(row);
  }
}

std::string App::StartReview(const std::string& title, const std::string& framework) {
  if (locked()) return "The vault is locked.";
  if (sync_runner_.busy()) return "Wait for the sync to finish.";
  auto r = domain::ScrReview::Start(*vault_, title, framework, "", today(), domain::ScrReplicaOptions());
  if (!r.ok()) return r.status().message();
  std::string id = (*r)->id();
  r->reset();
  RefreshReviews();
  OpenReview(id);
  return "";
}

void App::OpenReview(const std::string& id) {
  // The sync may have this review open as a copy of its own: a second copy
  // must not write beside it (the open review is the one copy they share).
  if (sync_runner_.busy() && !(replica_ && replica_->id() == id)) {
    Say("A sync is running: open the review once it has finished.");
    return;
  }
  replica_.reset();
  auto r = review::Replica::Open(*vault_, id, domain::ScrReplicaOptions());
  if (!r.ok()) {
    Say("Could not open the review: " + r.status().message());
    return;
  }
  replica_ = std::move(*r);
}

void App::DropOpenReview() {
  ForgetTextPanel();
  ForgetChronologyPanel();
  ForgetReviewScreen();
  ForgetRecordForm();
  ForgetRecordsPanel();
  ForgetPublicationPanel();
  ForgetDataProtectionPanel();
  ForgetAttachmentsPanel();
  WipeWidgetMemory();
  replica_.reset();
}

void App::CloseReview() {
  DropOpenReview();
  RefreshReviews();
}

std::string App::CanStartJob() const {
  if (locked()) return "The vault is locked.";
  if (sync_runner_.busy()) return "A sync is already running.";
  if (file_job_.busy()) return "Wait until the file being added is in.";
  return "";
}

std::string App::StartFileJob(int fd, std::string name, std::string media_type,
                              std::optional<std::string> compartment, uint64_t size,
                              std::function<void(App&, Result<std::string>)> done) {
  // The worker writes the open review and the vault: nothing else may.
  std::string why = !replica_             ? "no review is open."
                    : file_job_.busy()    ? "another file is being added; try again when it is in."
                    : sync_runner_.busy() ? "a sync is running; add the file when it has finished."
                                          : "";
  if (!why.empty()) {
    close(fd);
    return why;
  }
  // Typing not yet signed is signed first, so that it keeps its place before the file.
  Status flushed = replica_->FlushText();
  if (!flushed.ok()) {
    close(fd);
    return "the latest typing could not be signed first: " + flushed.message();
  }
  file_done_ = std::move(done);
  file_job_.Start(*replica_, fd, std::move(name), std::move(media_type), std::move(compartment), size);
  return "";
}

void App::CollectFileJob() {
  if (!file_job_.busy() || !file_job_.finished()) return;
  Result<std::string> id = file_job_.Collect();
  // For whoever watches the log: the outcome, never the file's name.
  if (id.ok())
    std::fprintf(stderr, "caseboard: file added\n");
  else
    std::fprintf(stderr, "caseboard: file not added: %s\n", id.status().message().c_str());
  wake_until_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  auto done = std::move(file_done_);
  file_done_ = nullptr;
  if (done) done(*this, std::move(id));
}

std::string App::StartJoin(const std::string& invite, const std::string& name) {
  if (std::string why = CanStartJob(); !why.empty()) return why;
  sync_runner_.StartJoin(*vault_, invite, name, domain::ScrReplicaOptions());
  return "";
}

std::string App::StartSync() {
  if (std::string why = CanStartJob(); !why.empty()) return why;
  // The review on screen stays open, and the person may go on typing: the
  // worker syncs this very replica, on its turns (vault_turns.h).
  sync_runner_.StartSync(*vault_, domain::ScrReplicaOptions(), [this](const std::string& id) {
    return replica_ && replica_->id() == id ? replica_ : nullptr;
  });
  return "";
}

// Called each frame: once the worker has finished, the lists are read afresh.
void App::CollectSyncJob() {
  if (!sync_runner_.busy() || !sync_runner_.finished()) return;
  last_sync_job_ = sync_runner_.Collect();
  const SyncJobOutcome& job = *last_sync_job_;
  // One line on stderr for whoever watches the log (a test, a helpdesk):
  // the outcome and the error, never review content.
  const char* what = job.kind == SyncJobKind::kJoin ? "join" : "sync";
  size_t failed = 0;
  for (const auto& r : job.report.reviews) failed += r.status.ok() ? 0 : 1;
  if (job.cancelled)
    std::fprintf(stderr, "caseboard: %s cancelled\n", what);
  else if (!job.status.ok())
    std::fprintf(stderr, "caseboard: %s did not go through: %s\n", what, job.status.message().c_str());
  else if (failed)
    std::fprintf(stderr, "caseboard: sync did not go through for %zu of %zu review(s)\n", failed,
                 job.report.reviews.size());
  else if (job.kind == SyncJobKind::kJoin)
    std::fprintf(stderr, "caseboard: join went through\n");
  else
    std::fprintf(stderr, "caseboard: sync went through (%zu review(s))\n", job.report.reviews.size());
  wake_until_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  // The board's order to a revoked device (docs/protocol.md).
  Status revoked = job.status.IsRevoked() ? job.status : Status::Ok();
  for (const auto& r : job.report.reviews)
    if (r.status.IsRevoked()) revoked = r.status;
  if (revoked.IsRevoked()) {
    std::string why = WipeVault();
    std::fprintf(stderr, "caseboard: revoked by the board; %s\n",
                 why.empty() ? "vault wiped" : ("wipe failed: " + why).c_str());
    Say(why.empty() ? "The board has revoked this device, so its vault has been wiped from it."
                    : "The board has revoked this device, but wiping its vault failed: " + why);
    return;
  }
  RefreshReviews();
}

void App::DropFiles(std::vector<std::string> paths) {
  // Files belong to a review: with none on screen there is nowhere to put them.
  if (locked()) return;
  if (sync_panel_open()) {
    Say("Close the sync panel, then drop the files onto the review again.");
    return;
  }
  if (!replica_) {
    Say("Open a review first, then drop files onto it to add them.");
    return;
  }
  for (auto& p : paths) dropped_.push_back(std::move(p));
}

void App::ToggleTheme() {
  options_.dark = !options_.dark;
  ApplyTheme(options_.dark, ImGui::GetStyle().MouseCursorScale);
}

void App::HandleShortcuts() {
  ImGuiIO& io = ImGui::GetIO();
  if (!io.KeyCtrl) return;
  // Ctrl+L locks at once; Ctrl+P hides real names (privacy mode). ImGui
  // 1.86 indexes keys by the GLFW backend's key codes.
  if (ImGui::IsKeyPressed(GLFW_KEY_L, false)) Lock();
  if (ImGui::IsKeyPressed(GLFW_KEY_P, false)) TogglePrivacy();
  if (ImGui::IsKeyPressed(GLFW_KEY_Q, false)) quit_ = true;
  // Ctrl+Shift+S opens the sync panel (or closes it, when no job runs).
  if (io.KeyShift && ImGui::IsKeyPressed(GLFW_KEY_S, false) && !locked()) sync_panel_ = !sync_panel_;
  // Ctrl+Shift+Y syncs now, from wherever the person is: typing in a long
  // text goes on while it runs.
  if (io.KeyShift && ImGui::IsKeyPressed(GLFW_KEY_Y, false) && CanSyncNow())
    if (std::string why = StartSync(); !why.empty()) Say(why);
}

void App::DrawMenuBar() {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("Vault")) {
    if (ImGui::MenuItem("Lock now", "Ctrl+L", false, !locked())) Lock();
    if (!locked() && remembered() && ImGui::MenuItem("Stop remembering on this device")) {
      std::string why = SetRemembered(false);
      Say(why.empty() ? "This vault is no longer remembered here: it asks for the passphrase." : why);
    }
    if (ImGui::MenuItem("Wipe this vault from this device...", nullptr, false,
                        vault_exists() && !sync_runner_.busy()))
      wipe_asked_ = true;
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Sync")) {
    if (ImGui::MenuItem("Sync panel", "Ctrl+Shift+S", sync_panel_open(), !locked()))
      sync_panel_ = !sync_panel_;
    if (ImGui::MenuItem("Sync now", "Ctrl+Shift+Y", false, CanSyncNow())) {
      sync_panel_ = true;
      if (std::string why = StartSync(); !why.empty()) Say(why);
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Privacy mode", "Ctrl+P", privacy_)) TogglePrivacy();
    if (ImGui::MenuItem("Dark theme", nullptr, options_.dark)) ToggleTheme();
    ImGui::EndMenu();
  }
  ImGui::TextDisabled("|  %s", locked() ? "Locked" : "Unlocked");
  if (privacy_) ImGui::TextColored(ImVec4(0.85f, 0.45f, 0.1f, 1), "  Privacy mode: names hidden");
  // Sync in plain words: with no board, the app says it works offline.
  if (sync_runner_.busy()) {
    ImGui::TextDisabled("  |  %s",
                        sync_runner_.kind() == SyncJobKind::kJoin ? "Joining the board..." : "Syncing...");
  } else if (locked() || !sync_.joined) {
    ImGui::TextDisabled("  |  Offline: not joined to a board; everything stays on this device");
  } else {
    ImGui::TextDisabled("  |  Board %s: last sync %s, %llu change%s waiting", sync_.board.c_str(),
                        sync_.last_sync.empty() ? "never" : sync_.last_sync.c_str(),
                        static_cast<unsigned long long>(sync_.pending), sync_.pending == 1 ? "" : "s");
    if (!sync_.error.empty())
      ImGui::TextColored(ImVec4(0.8f, 0.2f, 0.1f, 1), "  Last sync failed: %s", sync_.error.c_str());
  }
  ImGui::EndMainMenuBar();
}

void App::Frame() {
  // A sync waiting for the vault has its turn here, before anything on
  // screen reads the open review; while the person types in a long text,
  // the editor lends it instead, at its own safe point (text_panel.cpp).
  if (!replica_ || !TextPanelTyping()) sync_runner_.Lend();
  // Review material copied to another program does not stay on the clipboard.
  if (SecondsUntilClipboardClear(options_.clipboard_seconds) <= 0) ClearOwnClipboard();
  CollectSyncJob();
  CollectFileJob();
  HandleShortcuts();
  DrawMenuBar();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("##work", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  if (!message_.empty()) {
    ImGui::TextWrapped("%s", message_.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Dismiss")) message_.clear();
    ImGui::Separator();
  }
  if (locked())
    DrawUnlockScreen(*this);
  else if (file_job_.busy())
    DrawFileJobScreen(*this);
  else if (sync_panel_open())
    DrawSyncPanel(*this);
  else if (replica_)
    DrawReviewScreen(*this);
  else
    DrawReviewListScreen(*this);
  DrawWipeConfirmation();
  ImGui::End();
}

}  // namespace caseboard::app
