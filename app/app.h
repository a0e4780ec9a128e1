// The desktop app's state and its frame: which screen shows, the open vault
// and review, and when to lock. Screens (one file each) only draw from this
// state and call core/domain, core/review and core/store; no SQL, crypto or
// HTTP lives in app/.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "caseboard/domain/calendar.h"
#include "caseboard/domain/workflow.h"
#include "caseboard/review/replica.h"
#include "caseboard/store/vault.h"

namespace caseboard::app {

struct Options {
  std::string vault_dir;
  int idle_lock_seconds = 300;  // 0: never on idle (the lock key still works)
  bool dark = false;
};

// One row of the review list, read when the vault unlocks or changes.
struct ReviewRow {
  std::string id;
  std::string title;
  std::string stage;
  std::string next_deadline;  // "2026-12-08 Rapid review sent to the national panel"
  domain::DeadlineState deadline_state = domain::DeadlineState::kNotStarted;
  size_t warnings = 0;
  std::string error;  // a review that could not be read, and why
};

// The sync state shown on the review list: whether this vault has joined a
// board, when it last synced, what waits to be sent, the last error.
struct SyncSummary {
  bool joined = false;
  std::string board;      // its address
  std::string last_sync;  // local time, "" if never
  uint64_t pending = 0;
  std::string error;
};

class App {
 public:
  explicit App(Options options);
  ~App();

  // Draws one frame of the whole window (call between ImGui::NewFrame and Render).
  void Frame();
  // Called by the main loop on any keyboard or mouse input.
  void NoteActivity();
  // Locks if the idle time has passed; true when it did.
  bool CheckIdle();
  bool locked() const { return vault_ == nullptr || !vault_->is_unlocked(); }
  // Seconds until the idle lock, for the main loop's wait (a large number when locked).
  double SecondsUntilIdleLock() const;
  // How long the main loop may sleep: until the idle lock, or until typing
  // that has paused should be signed.
  double SecondsUntilWake() const;
  // Signs a burst of typing once the person has paused (see ReplicaOptions).
  void FlushPausedText();

  // ---- What screens use. ----
  const Options& options() const { return options_; }
  bool vault_exists() const;
  // Creates or unlocks the vault; on failure the message says why, calmly.
  std::string CreateVault(const std::string& passphrase);
  std::string Unlock(const std::string& passphrase);
  void Lock();
  void RefreshReviews();
  const std::vector<ReviewRow>& reviews() const { return reviews_; }
  const SyncSummary& sync() const { return sync_; }
  std::string StartReview(const std::string& title, const std::string& framework);
  void OpenReview(const std::string& id);
  void CloseReview();
  review::Replica* open_review() { return replica_.get(); }
  const domain::WorkingCalendar& calendar() const { return calendar_; }
  domain::Date today() const;
  bool privacy() const { return privacy_; }
  void TogglePrivacy() { privacy_ = !privacy_; }
  bool dark() const { return options_.dark; }
  void ToggleTheme();
  // "Caseboard" or "Caseboard (locked)": the window title says whether the
  // vault is open, so a glance (or a test) can tell without seeing content.
  std::string WindowTitle() const { return locked() ? "Caseboard (locked)" : "Caseboard"; }
  bool quit_requested() const { return quit_; }
  // A message shown at the top until dismissed (errors in plain words).
  void Say(std::string message) { message_ = std::move(message); }

 private:
  void DrawMenuBar();
  void RefreshSync();
  void HandleShortcuts();

  Options options_;
  std::unique_ptr<store::Vault> vault_;
  std::unique_ptr<review::Replica> replica_;  // the review on screen, if any
  std::vector<ReviewRow> reviews_;
  SyncSummary sync_;
  domain::WorkingCalendar calendar_ = domain::WorkingCalendar::EnglandAndWales();
  std::chrono::steady_clock::time_point last_activity_;
  bool privacy_ = false;
  bool quit_ = false;
  std::string message_;
};

// Screens: each draws the whole work area.
void DrawUnlockScreen(App& app);
void DrawReviewListScreen(App& app);
void DrawReviewScreen(App& app);
// The chronology of the open review, as a sortable, filterable table.
void DrawChronologyPanel(App& app);
// The open review's long texts, in an editor bound to the text CRDT.
void DrawTextPanel(App& app);
// Puts a text in the editor, as choosing it in the list does.
void SelectText(const std::string& entity, const std::string& field);
// Each screen drops what it keeps of a review's content (on lock, or when
// the review closes), so nothing decrypted outlives the open review.
void ForgetTextPanel();
void ForgetChronologyPanel();
void ForgetReviewScreen();
void ForgetRecordForm();
// Forms for the records and checklists the current stage asks for.
void DrawRecordForms(App& app, const domain::WorkflowStatus& status);

// Light or dark colours and sizes, scaled for the display.
void ApplyTheme(bool dark, float scale);

}  // namespace caseboard::app
