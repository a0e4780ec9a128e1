// The desktop app's state and its frame: which screen shows, the open vault
// and review, and when to lock. Screens (one file each) only draw from this
// state and call core/domain, core/review and core/store; no SQL, crypto or
// HTTP lives in app/.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseboard/domain/calendar.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/workflow.h"
#include "caseboard/review/replica.h"
#include "caseboard/store/vault.h"
#include "file_job.h"
#include "sync_runner.h"

namespace caseboard::domain {
struct ChronologyRow;
}

namespace caseboard::app {

class Pseudonyms;

struct Options {
  std::string vault_dir;
  int idle_lock_seconds = 300;  // 0: never on idle (the lock key still works)
  int clipboard_seconds = 60;   // what the app copied is emptied after this long (0: only on lock)
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

// One review's sync state, as the sync panel lists it.
struct SyncReviewState {
  std::string id;
  bool in_vault = true;  // false: the board lists it for this device, not fetched yet
  uint64_t pending = 0;  // local changes the board has not acknowledged
  uint64_t cursor = 0, head = 0;
  std::vector<sync::RefusedChange> refused;
  std::string error;    // its last sync's failure, "" if it went through
  bool synced = false;  // a sync of it has gone through at least once
};

// The sync state shown on the review list: whether this vault has joined a
// board, when it last synced, what waits to be sent, the last error.
struct SyncSummary {
  bool joined = false;
  std::string board;      // its address
  std::string device;     // this device's name on the board
  std::string last_sync;  // local time, "" if never
  uint64_t pending = 0;
  std::string error;
  std::string error_time;  // local time of the last error
  std::vector<SyncReviewState> reviews;
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
  // While a sync job runs the vault is the worker's (and unlocked: Lock
  // stops the job first), so this does not ask it.
  bool locked() const { return vault_ == nullptr || (!sync_runner_.busy() && !vault_->is_unlocked()); }
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
  // Each returns "" on success, else what to tell the person.
  std::string CreateVault(std::string_view passphrase);
  std::string Unlock(std::string_view passphrase);
  // "Remember on this device" (platform.h): off by default. Unlocking with
  // it is always the person's explicit choice on the unlock screen, so a
  // lock still means someone has to act.
  bool remembered();
  std::string UnlockRemembered();
  std::string SetRemembered(bool on);
  void Lock();
  // Wipes the vault from this device for good (platform::WipeVault): the
  // person's one confirmed action, or the board's order to a revoked
  // device. Locks first. Returns "" on success, else why it failed.
  std::string WipeVault();
  void RefreshReviews();
  const std::vector<ReviewRow>& reviews() const { return reviews_; }
  const SyncSummary& sync() const { return sync_; }
  std::string StartReview(const std::string& title, const std::string& framework);
  void OpenReview(const std::string& id);
  void CloseReview();
  review::Replica* open_review() { return replica_.get(); }
  const domain::WorkingCalendar& calendar() const { return calendar_; }
  domain::Date today() const;
  // Logs that the person opened or exported a restricted record of the open
  // review (domain/access_log.h). False, with the reason said, when the entry
  // could not be written: the caller does not show or export the record then.
  bool LogAccess(const std::string& action, const std::string& record, const std::string& how);
  bool privacy() const { return privacy_; }
  void TogglePrivacy() { privacy_ = !privacy_; }
  bool dark() const { return options_.dark; }
  void ToggleTheme();
  // "Caseboard", "Caseboard (locked)" or "Caseboard (syncing)": the window
  // title says whether the vault is open, so a glance (or a test) can tell
  // without seeing content.
  std::string WindowTitle() const {
    return locked() ? "Caseboard (locked)" : sync_runner_.busy() ? "Caseboard (syncing)" : "Caseboard";
  }
  bool quit_requested() const { return quit_; }
  // A message shown at the top until dismissed (errors in plain words).
  void Say(std::string message) { message_ = std::move(message); }
  // Files dropped onto the window (GLFW's drop callback), for the Files tab
  // to add to the open review.
  void DropFiles(std::vector<std::string> paths);
  bool has_dropped_files() const { return !dropped_.empty(); }
  std::vector<std::string> TakeDroppedFiles() { return std::move(dropped_); }

  // ---- Sync: the panel (sync_panel.cpp) asks, a worker thread does it
  // (sync_runner.h). The open review stays open and editable while a job
  // runs; the worker takes its turns with the vault between frames. ----
  bool sync_panel_open() const { return sync_panel_; }
  void ShowSyncPanel(bool show) { sync_panel_ = show; }
  // Start a job; "" when it started, else why not, in plain words.
  std::string StartJoin(const std::string& invite, const std::string& name);
  std::string StartSync();
  void CancelSync() { sync_runner_.Cancel(); }
  bool sync_busy() const { return sync_runner_.busy(); }
  // The text editor's safe point (text_panel.cpp): a waiting sync has its
  // turn with the vault now. True if it had one.
  bool LendVault() { return sync_runner_.Lend(); }
  bool sync_wants_vault() const { return sync_runner_.wants_vault(); }
  const SyncRunner& sync_runner() const { return sync_runner_; }
  // ---- Adding a file (add_file_form.cpp) runs on a worker (file_job.h):
  // while it does, the window shows only its progress. `done` runs on this
  // thread once it has ended, with the new attachment's id or why not. ----
  std::string StartFileJob(int fd, std::string name, std::string media_type,
                           std::optional<std::string> compartment, uint64_t size,
                           std::function<void(App&, Result<std::string>)> done);
  bool file_job_busy() const { return file_job_.busy(); }
  const FileJob& file_job() const { return file_job_; }
  void CancelFileJob() { file_job_.Cancel(); }
  // The last job's outcome, until the vault locks (null before the first).
  const SyncJobOutcome* last_sync_job() const { return last_sync_job_ ? &*last_sync_job_ : nullptr; }

 private:
  // Every screen forgets the open review's content, then the review closes.
  void DropOpenReview();
  std::optional<bool> remembered_;  // cached vault_->HasDeviceUnlock(); reset by SetRemembered
  Status OpenVault();               // opens (locked) the vault in options_.vault_dir if not yet open
  void AfterUnlock();
  void DrawMenuBar();
  void RefreshSync();
  void HandleShortcuts();
  std::string CanStartJob() const;  // "" or why a join or sync cannot start now
  // Whether "Sync now" is offered (menu and Ctrl+Shift+Y): joined, unlocked, none running.
  bool CanSyncNow() const { return !locked() && sync_.joined && !sync_runner_.busy(); }
  void CollectSyncJob();
  void CollectFileJob();
  void DrawWipeConfirmation();

  Options options_;
  std::unique_ptr<store::Vault> vault_;
  // The review on screen, if any; shared with a running sync (see StartSync).
  std::shared_ptr<review::Replica> replica_;
  std::vector<ReviewRow> reviews_;
  SyncSummary sync_;
  domain::WorkingCalendar calendar_ = domain::WorkingCalendar::EnglandAndWales();
  std::chrono::steady_clock::time_point last_activity_;
  bool privacy_ = false;
  bool quit_ = false;
  std::string message_;
  std::vector<std::string> dropped_;  // paths dropped onto the window, not yet added
  // After the vault: destroyed first, so a job never outlives the vault.
  SyncRunner sync_runner_;
  FileJob file_job_;
  std::function<void(App&, Result<std::string>)> file_done_;
  bool sync_panel_ = false;
  bool wipe_asked_ = false;  // the Vault menu's "Wipe..." was chosen: the confirmation opens
  std::optional<SyncJobOutcome> last_sync_job_;
  std::chrono::steady_clock::time_point wake_until_;  // a few frames after a job, to draw its end
};

// Screens: each draws the whole work area.
void DrawUnlockScreen(App& app);
void DrawReviewListScreen(App& app);
void DrawReviewScreen(App& app);
// The chronology of the open review, as a sortable, filterable table or a
// drawn timeline.
void DrawChronologyPanel(App& app);
// The chronology rows (already filtered) as a timeline: agencies as lanes,
// entries as marks, zoom and pan. `generation` changes whenever `rows` is
// rebuilt, so the timeline re-lays them out only then. Returns the index of
// the row whose mark was clicked this frame, if one was.
std::optional<size_t> DrawTimeline(App& app, const std::vector<domain::ChronologyRow>& rows,
                                   uint64_t generation, const Pseudonyms& names);
// The open review's long texts, in an editor bound to the text CRDT.
void DrawTextPanel(App& app);
// Puts a text in the editor, as choosing it in the list does.
void SelectText(const std::string& entity, const std::string& field);
// Each screen drops what it keeps of a review's content (on lock, or when
// the review closes), so nothing decrypted outlives the open review.
void ForgetTextPanel();
// The person is typing in a long text: the editor lends the vault to a
// waiting sync itself, at its safe point.
bool TextPanelTyping();
void ForgetChronologyPanel();
void ForgetTimeline();  // called by ForgetChronologyPanel
void ForgetReviewScreen();
void ForgetRecordForm();
// Wipes the file decrypted for viewing and every copy opened in another program.
void ForgetAttachmentsPanel();
// The open review's files: add, view, open in another program, sign-off state.
void DrawAttachmentsPanel(App& app);
// A record that holds a set of files (an agency report, a conversation):
// somewhere an added file can go.
struct FileTarget {
  std::string entity, field, label, compartment;
};
// The Files tab's "Add a file" form (add_file_form.cpp): a typed or dropped
// path, read into the review on a worker (file_job.h).
void DrawAddFileForm(App& app, const std::vector<FileTarget>& targets);
void ForgetAddFileForm();
// What the window shows while a file is being added: its progress, and Cancel.
void DrawFileJobScreen(App& app);
// Forms for the records and checklists the current stage asks for.
void DrawRecordForms(App& app, const domain::WorkflowStatus& status);
// The same form, for any record: the Records tab opens it on a record or on
// a new record of a type. One form is open at a time.
void EditRecord(const review::Replica& r, const std::string& id);
void NewRecord(const review::Replica& r, const std::string& type);
bool EditingRecord(const std::string& id);
bool AddingRecord(const std::string& type);
void DrawRecordEditor(App& app);
// Every record of the open review by type, each with its form (records_panel.cpp).
void DrawRecordsPanel(App& app, const Pseudonyms& names);
void ForgetRecordsPanel();  // the sign-off being written, and cached checks
// The publication check's hits, each with one-click replacement of names.
void DrawPublicationPanel(App& app);
void ForgetPublicationPanel();
// Retention and legal hold, subject access bundles, the access log (data_protection_panel.cpp).
void DrawDataProtectionPanel(App& app, const Pseudonyms& names);
void ForgetDataProtectionPanel();

// The sync panel: joining a board, syncing, progress and what went wrong.
void DrawSyncPanel(App& app);
void ForgetSyncPanel();  // wipes the invite typed but not used

// Wipes Dear ImGui's own copies of the text being edited (edit buffer, the
// text before editing, the undo record); called on lock and on closing a review.
void WipeWidgetMemory();
// Notes what the app puts on the system clipboard (by hash), so that
// ClearOwnClipboard can empty it on lock if it still holds that text.
void TrackClipboard();
bool ClearOwnClipboard();
// Seconds until a copy made by the app is `after_seconds` old (1e9 if none).
double SecondsUntilClipboardClear(int after_seconds);

// "agency_report" -> "Agency report": schema ids as words.
std::string Readable(const std::string& id);
// "Agency report: Police" — a record's type and what tells it from its siblings.
std::string RecordLabel(const crdt::Document& doc, const domain::Record& rec);
// "1.5 MB"; "size not recorded" for a negative size.
std::string HumanSize(int64_t n);

// Milliseconds since the Unix epoch as local "YYYY-MM-DD HH:MM", or "HH:MM".
std::string LocalTime(uint64_t ms, bool with_date = true);

// Light or dark colours and sizes, scaled for the display.
void ApplyTheme(bool dark, float scale);

}  // namespace caseboard::app
