// One review's sync (pull, owner duties, push) and the runs over all of them.
#include "caseboard/sync/sync_engine.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

#include "file_sync.h"

namespace caseboard::sync {

namespace {

// Local log entries read per pass over the log: ForEachChange always starts
// at the beginning, so a long backlog is read in a few large windows rather
// than once per batch, and memory stays bounded.
constexpr size_t kWindowChanges = 8 * kMaxPushChanges;
constexpr size_t kWindowBytes = 64 << 20;

bool Cancelled(const SyncOptions& options) {
  return options.client.http.cancel && options.client.http.cancel->load();
}

// What every review's sync in one run shares.
struct Session {
  store::Vault& vault;
  const SyncOptions& options;
  BoardConfig config;
  std::unique_ptr<BoardClient> client;
  ReviewList list;

  std::optional<uint64_t> HeadOf(const std::string& review) const {
    for (const auto& r : list.reviews)
      if (r.id == review) return r.head;
    return std::nullopt;
  }
};

Status OpenSession(Session& s) {
  CB_ASSIGN_OR_RETURN(s.config, LoadBoardConfig(s.vault));
  CB_ASSIGN_OR_RETURN(s.client,
                      BoardClient::ForVault(s.vault, s.config.trust(), s.config.device, s.options.client));
  CB_ASSIGN_OR_RETURN(s.list, s.client->ListReviews());
  return Status::Ok();
}

// Local change log entries from `from` on.
struct LogEntry {
  uint64_t index = 0;
  Bytes sealed;           // empty when on_board
  bool on_board = false;  // pulled by this sync: the board has it
};
struct Window {
  std::vector<LogEntry> entries;
  uint64_t end = 0;  // the log's length (when not truncated)
  bool truncated = false;
};

Result<Window> ReadWindow(const review::Replica& replica, uint64_t from,
                          const std::set<std::string>& on_board) {
  Window w;
  uint64_t index = from;
  size_t bytes = 0;
  Status s = replica.ForEachChange(
      [&](const crdt::Change& c) {
        if (index >= from) {
          if (w.entries.size() >= kWindowChanges ||
              (!w.entries.empty() && bytes + c.sealed.size() > kWindowBytes)) {
            w.truncated = true;
            return Status::Busy("window full");  // stops the scan; w.truncated says it was us
          }
          // A husk in the log is this device's own (unsigned) or came from
          // the board: either way it is not sent. Signed husks for the board
          // go from the destroying device's queue (PushHusks).
          bool known = c.husk || on_board.count(c.HashHex()) != 0;
          w.entries.push_back({index, known ? Bytes() : c.sealed, known});
          bytes += known ? 0 : c.sealed.size();
        }
        ++index;
        return Status::Ok();
      },
      from);
  if (w.truncated) return w;
  CB_RETURN_IF_ERROR(s);
  w.end = index;
  return w;
}

class ReviewSync {
 public:
  ReviewSync(Session& s, std::string review, ReviewSyncResult& out)
      : s_(s), opts_(s.options), id_(std::move(review)), head_(s.HeadOf(id_)), out_(out) {
    out_.review = id_;
  }

  Status Run() {
    CB_ASSIGN_OR_RETURN(std::vector<std::string> local, review::Replica::List(s_.vault));
    local_ = std::find(local.begin(), local.end(), id_) != local.end();
    out_.joined = !local_;
    if (opts_.open_replica) replica_ = opts_.open_replica(id_);
    if (!replica_) {
      CB_ASSIGN_OR_RETURN(std::unique_ptr<review::Replica> own,
                          review::Replica::OpenOrJoin(s_.vault, id_, opts_.replica));
      replica_ = std::move(own);
    }
    // Typing not yet signed goes out with this sync.
    CB_RETURN_IF_ERROR(replica_->FlushText());
    CB_ASSIGN_OR_RETURN(state_, LoadReviewSyncState(s_.vault, id_));
    if (head_ && *head_ < state_.cursor) {
      // The board has fewer changes than this device has seen (restored
      // from a backup, or reset): start over. Both sides ignore what they have.
      out_.warnings.push_back(
          "the board has fewer changes than this device saw; sending and fetching all again");
      state_ = {};
    }
    out_.cursor = state_.cursor;
    out_.head = head_.value_or(0);
    // The board lists only reviews it has and this device is a member of. A
    // local review it does not list is new (its creator registers it by
    // pushing) if this device has never had anything of it from the board;
    // otherwise this device has been removed from it, and asking for changes
    // makes the board say so. So does asking for one the vault does not have.
    bool unlisted_known = !head_ && (!local_ || state_.cursor > 0);
    std::set<std::string> could_read = Readable();
    bool had_history = state_.cursor > 0;
    if (unlisted_known || (head_ && *head_ > state_.cursor)) CB_RETURN_IF_ERROR(Pull());
    // The board sends a device only the compartments it may read: one it has
    // just been given comes with history that is behind the cursor. Fetch
    // everything once more (what is here already is passed over).
    std::set<std::string> can_read = Readable();
    if (had_history &&
        !std::includes(could_read.begin(), could_read.end(), can_read.begin(), can_read.end())) {
      state_.cursor = 0;
      CB_RETURN_IF_ERROR(Pull());
    }
    if (!HasData()) return Status::Ok();
    RemoveRevoked();
    CB_RETURN_IF_ERROR(Push());
    CB_RETURN_IF_ERROR(PushHusks());
    FileSyncCounts files;
    Status moved = SyncFiles(*s_.client, *replica_, s_.vault, opts_, &files);
    out_.files_sent = files.uploaded;
    out_.files_received = files.downloaded;
    out_.files_waiting = files.waiting;
    return moved;
  }

 private:
  // The compartments this device is a member of now, by the replica's membership.
  std::set<std::string> Readable() const {
    const crdt::Member* me = replica_->membership().Find(replica_->device());
    return me ? me->compartments : std::set<std::string>();
  }

  // Per-review records are written only for a review the vault holds (see sync_state.h).
  bool HasData() const { return local_ || out_.pulled > 0; }

  Status SaveState() {
    store::WriteBatch batch;
    PutReviewSyncState(batch, id_, state_);
    return s_.vault.Write(batch);
  }

  void Progress(SyncProgress::Phase phase, uint64_t done, uint64_t total) const {
    if (opts_.progress) opts_.progress({id_, phase, done, total});
  }

  Status Pull() {
    uint64_t total = head_ && *head_ > state_.cursor ? *head_ - state_.cursor : 0;
    for (;;) {
      uint64_t before = state_.cursor;
      CB_ASSIGN_OR_RETURN(PullResponse page, s_.client->Pull(id_, before, opts_.pull_limit));
      if (!page.changes.empty()) {
        std::vector<Bytes> sealed;
        sealed.reserve(page.changes.size());
        for (auto& [seq, bytes] : page.changes) sealed.push_back(std::move(bytes));
        const uint64_t log_before = replica_->log_size();
        CB_ASSIGN_OR_RETURN(std::vector<review::ReceiveResult> results, replica_->ReceiveAll(sealed));
        // ReceiveAll logs only changes it received, all of them from the
        // board. If everything logged before them was pushed, so is the log
        // now: the push phase then need not read these entries back (a
        // first sync of a large review would otherwise read it all twice).
        if (state_.pushed == log_before) state_.pushed = replica_->log_size();
        for (const auto& r : results) {
          pulled_.insert(r.hash);
          ++out_.received[r.outcome];
        }
        out_.pulled += results.size();
      }
      if (page.next > before) {
        // ReceiveAll has stored the page, so the cursor may now cover it.
        state_.cursor = page.next;
        out_.cursor = state_.cursor;
        out_.head = std::max(out_.head, state_.cursor);
        if (HasData()) CB_RETURN_IF_ERROR(SaveState());
      }
      Progress(SyncProgress::Phase::kPull, out_.pulled, std::max(total, out_.pulled));
      if (!page.more) return Status::Ok();
      if (page.next <= before)
        return Status::InvalidArgument(
            "malformed message: the board says there is more to fetch but its cursor "
            "did not move");
      if (Cancelled(opts_)) return Status::IOError("sync interrupted");
    }
  }

  // An owner takes the devices the board has revoked out of its reviews: a
  // new key epoch they never receive. Failure here does not stop the sync.
  void RemoveRevoked() {
    for (const auto& device : s_.list.revoked) {
      const crdt::Membership& m = replica_->membership();
      if (!m.IsOwner(replica_->device()) || device == replica_->device() || !m.Find(device)) continue;
      Status s = replica_->RemoveMember(device);
      if (s.ok()) {
        out_.removed.push_back(device);
      } else {
        out_.warnings.push_back("could not remove revoked device " + device + ": " + s.message());
      }
    }
  }

  Status Push() {
    for (;;) {
      CB_ASSIGN_OR_RETURN(Window w, ReadWindow(*replica_, state_.pushed, pulled_));
      if (replica_->log_size() < state_.pushed) {
        // The log is shorter than the count: the count is not this log's
        // (a vault restored from a backup). Send it all; the board ignores what it has.
        state_.pushed = 0;
        continue;
      }
      uint64_t to_send = 0;
      for (const auto& e : w.entries) to_send += e.on_board ? 0 : 1;
      uint64_t done = 0;
      size_t i = 0;
      while (i < w.entries.size()) {
        PushRequest request;
        size_t bytes = 0;
        uint64_t end = state_.pushed;
        for (; i < w.entries.size(); ++i) {
          LogEntry& e = w.entries[i];
          if (!e.on_board) {
            if (request.changes.size() >= kMaxPushChanges ||
                (!request.changes.empty() && bytes + e.sealed.size() > opts_.max_push_bytes))
              break;
            bytes += e.sealed.size();
            request.changes.push_back(std::move(e.sealed));
          }
          end = e.index + 1;
        }
        if (!request.changes.empty()) {
          CB_ASSIGN_OR_RETURN(PushResponse response, s_.client->Push(id_, request));
          Acknowledge(response);
          done += request.changes.size();
        }
        // Everything up to `end` is on the board now, or was refused.
        state_.pushed = end;
        CB_RETURN_IF_ERROR(SaveState());
        Progress(SyncProgress::Phase::kPush, done, to_send);
        if (Cancelled(opts_) && i < w.entries.size()) return Status::IOError("sync interrupted");
      }
      if (!w.truncated) {
        out_.pending = w.end - state_.pushed;
        return Status::Ok();
      }
    }
  }

  // Husks of changes this device destroyed, which the board puts in place of
  // its copies. After Push, so the destroy change they name is there first.
  Status PushHusks() {
    CB_ASSIGN_OR_RETURN(auto husks, replica_->OutgoingHusks());
    size_t i = 0;
    while (i < husks.size()) {
      PushRequest request;
      std::vector<std::string> hashes;
      size_t bytes = 0;
      for (; i < husks.size() && request.changes.size() < kMaxPushChanges; ++i) {
        if (!request.changes.empty() && bytes + husks[i].second.size() > opts_.max_push_bytes) break;
        bytes += husks[i].second.size();
        hashes.push_back(husks[i].first);
        request.changes.push_back(std::move(husks[i].second));
      }
      CB_ASSIGN_OR_RETURN(PushResponse response, s_.client->Push(id_, request));
      for (size_t k = 0; k < response.results.size() && k < hashes.size(); ++k) {
        const PushResult& r = response.results[k];
        if (!r.error.empty()) {
          out_.refused.push_back({r.hash, r.error});
          continue;  // kept, and sent again at the next sync
        }
        CB_RETURN_IF_ERROR(replica_->HuskDelivered(hashes[k]));
      }
      out_.head = std::max(out_.head, response.head);
    }
    return Status::Ok();
  }

  void Acknowledge(const PushResponse& response) {
    std::set<uint64_t> mine;  // sequence numbers the board gave our changes past the cursor
    for (const auto& r : response.results) {
      if (!r.error.empty()) {
        out_.refused.push_back({r.hash, r.error});
        continue;
      }
      ++out_.pushed;
      if (r.seq > state_.cursor) mine.insert(r.seq);
    }
    out_.head = std::max(out_.head, response.head);
    // Our own changes need not come back in the next pull: if they are all
    // the board took since the cursor, the cursor moves over them.
    if (!mine.empty() && *mine.begin() == state_.cursor + 1 && *mine.rbegin() == response.head &&
        mine.size() == response.head - state_.cursor) {
      state_.cursor = response.head;
      out_.cursor = state_.cursor;
    }
  }

  Session& s_;
  const SyncOptions& opts_;
  std::string id_;
  std::optional<uint64_t> head_;  // the board's, if it lists the review for this device
  ReviewSyncResult& out_;
  std::shared_ptr<review::Replica> replica_;  // the caller's (open_replica) or our own
  ReviewSyncState state_;
  bool local_ = false;  // the vault had the review before this sync
  std::set<std::string> pulled_;
};

// Keeps what `caseboard-cli status` shows. `run` is the failure that stopped
// the whole run, if one did.
Status RecordStatus(store::Vault& vault, const SyncOptions& options,
                    const std::vector<ReviewSyncResult>& results, const Status& run) {
  CB_ASSIGN_OR_RETURN(SyncStatus st, LoadSyncStatus(vault));
  uint64_t now = ClockMs(options.client);
  std::string first_error = run.message();
  for (const auto& r : results) {
    ReviewStatus& rs = st.reviews[r.review];
    rs.cursor = r.cursor;
    rs.head = std::max(r.head, r.cursor);
    rs.refused.insert(rs.refused.end(), r.refused.begin(), r.refused.end());
    if (r.status.ok()) {
      rs.pending = r.pending;
      rs.last_sync_ms = now;
      rs.last_error.clear();
    } else {
      rs.last_error = r.status.message();
      if (first_error.empty()) first_error = "review " + r.review + ": " + r.status.message();
    }
  }
  if (first_error.empty()) {
    st.last_sync_ms = now;
    st.last_error.clear();
  } else {
    st.last_error = first_error;
    st.last_error_ms = now;
  }
  return SaveSyncStatus(vault, st);
}

}  // namespace

bool SyncReport::ok() const {
  return std::all_of(reviews.begin(), reviews.end(), [](const ReviewSyncResult& r) { return r.status.ok(); });
}

Status SyncReview(store::Vault& vault, const std::string& review_id, const SyncOptions& options,
                  ReviewSyncResult* result) {
  ReviewSyncResult local;
  ReviewSyncResult& out = result ? *result : local;
  out.review = review_id;
  VaultGateHold hold(options.client.vault_gate);
  Session s{vault, options, {}, nullptr, {}};
  Status opened = OpenSession(s);
  if (!opened.ok()) {
    if (!opened.IsNotFound()) (void)RecordStatus(vault, options, {}, opened);
    return opened;
  }
  out.status = ReviewSync(s, review_id, out).Run();
  Status recorded = RecordStatus(vault, options, {out}, Status::Ok());
  return out.status.ok() ? recorded : out.status;
}

Result<SyncReport> SyncAll(store::Vault& vault, const SyncOptions& options) {
  VaultGateHold hold(options.client.vault_gate);
  Session s{vault, options, {}, nullptr, {}};
  Status opened = OpenSession(s);
  if (!opened.ok()) {
    if (!opened.IsNotFound()) (void)RecordStatus(vault, options, {}, opened);
    return opened;
  }
  CB_ASSIGN_OR_RETURN(std::vector<std::string> ids, review::Replica::List(vault));
  for (const auto& r : s.list.reviews)
    if (std::find(ids.begin(), ids.end(), r.id) == ids.end()) ids.push_back(r.id);
  SyncReport report;
  for (const auto& id : ids) {
    if (Cancelled(options)) break;
    ReviewSyncResult& out = report.reviews.emplace_back();
    out.status = ReviewSync(s, id, out).Run();
  }
  CB_RETURN_IF_ERROR(RecordStatus(vault, options, report.reviews, Status::Ok()));
  return report;
}

Result<uint64_t> CountPending(const review::Replica& replica, const store::Vault& vault) {
  CB_ASSIGN_OR_RETURN(ReviewSyncState state, LoadReviewSyncState(vault, replica.id()));
  uint64_t index = 0, pending = 0;
  CB_RETURN_IF_ERROR(replica.ForEachChange([&](const crdt::Change&) {
    pending += index++ >= state.pushed ? 1 : 0;
    return Status::Ok();
  }));
  return pending;
}

Result<StatusReport> ReadStatus(store::Vault& vault, const review::ReplicaOptions& replica_options) {
  StatusReport out;
  CB_ASSIGN_OR_RETURN(out.config, LoadBoardConfig(vault));
  CB_ASSIGN_OR_RETURN(out.status, LoadSyncStatus(vault));
  CB_ASSIGN_OR_RETURN(std::vector<std::string> ids, review::Replica::List(vault));
  for (const auto& id : ids) {
    CB_ASSIGN_OR_RETURN(auto replica, review::Replica::Open(vault, id, replica_options));
    ReviewStatus rs = out.status.reviews.count(id) ? out.status.reviews[id] : ReviewStatus{};
    CB_ASSIGN_OR_RETURN(rs.pending, CountPending(*replica, vault));
    CB_ASSIGN_OR_RETURN(ReviewSyncState state, LoadReviewSyncState(vault, id));
    rs.cursor = state.cursor;
    out.reviews[id] = std::move(rs);
    out.local[id] = true;
  }
  for (const auto& [id, rs] : out.status.reviews) {
    if (out.local.count(id)) continue;
    out.reviews[id] = rs;
    out.local[id] = false;
  }
  return out;
}

}  // namespace caseboard::sync
