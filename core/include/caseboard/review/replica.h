// A Replica: one device's copy of one review, stored in its vault.
//
// Every edit, local or received, passes through the same pipeline:
//   parse -> dependencies present? -> timestamp plausible? -> author a member
//   (in the change's causal past) with write right for its compartment? ->
//   signature -> author's sequence unbroken -> decrypt -> schema -> apply.
// A change that fails a check is quarantined with the reason and never
// applied. One whose dependencies have not arrived waits; one whose author's
// clock is too far ahead is held until its time is plausible; one in a
// compartment this device has no key for is accepted but stays unreadable.
// Duplicates are no-ops. Because membership is judged in each change's causal
// past and every merge rule commutes, replicas that receive the same changes
// in any order end with byte-identical Canonical() state.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "caseboard/clock/hlc.h"
#include "caseboard/crdt/change.h"
#include "caseboard/crdt/document.h"
#include "caseboard/crdt/membership.h"
#include "caseboard/crdt/schema.h"
#include "caseboard/status.h"
#include "caseboard/store/vault.h"

namespace caseboard::review {

struct ReplicaOptions {
  crdt::Schema schema = crdt::Schema::Base();
  clock::HybridClock::PhysicalClock now = clock::HybridClock::SystemNowMs;
  uint64_t max_drift_ms = clock::HybridClock::kDefaultMaxDriftMs;
  size_t snapshot_every = 1000;  // changes between encrypted snapshots
  // Text edits are signed together, one change per editing burst: a burst
  // ends when typing pauses this long, or lasts at most text_burst_ms.
  uint64_t text_pause_ms = 2000;
  uint64_t text_burst_ms = 30000;
};

// kRejected: not a change of this review at all (nothing is stored).
enum class Outcome { kApplied, kDuplicate, kPending, kHeld, kUnreadable, kQuarantined, kRejected };
const char* OutcomeName(Outcome o);

struct ReceiveResult {
  Outcome outcome = Outcome::kApplied;
  std::string hash;    // hex
  std::string reason;  // for pending, held, quarantined, rejected
  // A quarantined change that was properly signed by an authorised member
  // stays in the history graph (later changes build on it); only its ops are
  // never applied.
  bool in_graph = false;
};

// A change that is not (yet) applied, and why.
struct Problem {
  std::string hash;
  std::string author;
  uint64_t seq = 0;
  std::string state;  // "quarantined", "waiting", "held"
  std::string reason;
  bool in_graph = false;
};

// A destruction under the retention schedule, as its record holds it: who,
// when, what kind and how much, and never what it was.
struct Destruction {
  std::string change;  // hash hex of the destroy change
  clock::Hlc hlc;
  std::string author;  // the owner device that destroyed
  std::string what;    // the kind of material ("working_notes", ...)
  size_t records = 0;
  size_t files = 0;    // attached files destroyed with them
  size_t changes = 0;  // changes husked
};

struct HistoryEntry {
  clock::Hlc hlc;
  std::string author;
  std::string change;  // hash hex
  std::string op;      // create, set, add, remove, delete, restore, or a membership op
  std::string entity;
  std::string field;
  nlohmann::json value;
};

// A value of a field that was written at the same time as the value it has
// now, on a device that had not seen it (so last-writer-wins set it aside).
// Merging stays automatic; this is how a person sees that it happened and
// can put the other value back.
struct ConcurrentValue {
  std::string entity;
  std::string field;
  nlohmann::json value;    // the value set aside
  nlohmann::json current;  // the value the field has now
  std::string author;      // the device that wrote `value`
  clock::Hlc hlc;          // when it wrote it
  std::string change;      // hash hex of its change
};

class Replica {
 public:
  // Creates a review with `title`; this device becomes its owner.
  static Result<std::unique_ptr<Replica>> Create(store::Vault& vault, const std::string& title,
                                                 ReplicaOptions options = {});
  // Opens a review in the vault: its snapshot, then the changes after it.
  static Result<std::unique_ptr<Replica>> Open(store::Vault& vault, const std::string& review_id,
                                               ReplicaOptions options = {});
  // Opens a review, or an empty replica for one this vault has not seen yet
  // (its changes arrive by import or sync).
  static Result<std::unique_ptr<Replica>> OpenOrJoin(store::Vault& vault, const std::string& review_id,
                                                     ReplicaOptions options = {});
  // The review ids with data in this vault.
  static Result<std::vector<std::string>> List(const store::Vault& vault);

  ~Replica();

  const std::string& id() const { return review_id_; }
  const std::string& device() const { return device_id_; }

  // ---- Local edits: each call is one signed change. ----
  Result<std::string> AddEntity(const std::string& type, const std::map<std::string, nlohmann::json>& fields,
                                std::optional<std::string> compartment = std::nullopt);
  Status SetFields(const std::string& entity, const std::map<std::string, nlohmann::json>& fields);
  Status AddToSet(const std::string& entity, const std::string& field, const std::string& element);
  Status RemoveFromSet(const std::string& entity, const std::string& field, const std::string& element);
  Status DeleteEntity(const std::string& entity);
  Status RestoreEntity(const std::string& entity);
  // Any ops in one change (for core/domain commands that touch several entities).
  Result<crdt::Hash> Commit(const std::string& compartment, std::vector<crdt::Op> ops);

  // ---- Text fields: edited character by character. ----
  // Positions and lengths are in Unicode code points; text is UTF-8. An edit
  // applies at once; the edits of one burst are signed as one change when
  // the burst ends (see ReplicaOptions), before any other local or received
  // change, on FlushText() (the app calls it when a field loses focus) and
  // when the replica closes. A crash loses at most the unsigned burst.
  Status InsertText(const std::string& entity, const std::string& field, size_t pos, std::string_view text);
  Status DeleteText(const std::string& entity, const std::string& field, size_t pos, size_t len);
  Status FlushText();
  bool has_unflushed_text() const { return !dirty_texts_.empty(); }

  // ---- Files. ----
  // Streams a file into the vault and records an "attachment" entity naming
  // it by the SHA-256 of its content (held only inside encrypted changes).
  // Returns the entity id.
  Result<std::string> AttachFile(const std::string& name, const std::string& media_type,
                                 const store::ReadFn& read,
                                 std::optional<std::string> compartment = std::nullopt);
  // Streams an attachment entity's file out, checking its content hash.
  Status ExtractFile(const std::string& entity, const store::WriteFn& write) const;

  // ---- Files between devices (the sync engine moves them). ----
  // A file travels as `chunks` pieces of at most kFileChunkBytes, each
  // sealed (AES-256-GCM) under a random key that AttachFile keeps only in
  // the attachment entity, so only devices that can read the entity can open
  // them; the AAD binds each piece to its file, position and count. The
  // board knows the file by `id`, derived from that key: it learns nothing
  // of the content, and cannot swap, reorder or truncate pieces unnoticed.
  static constexpr size_t kFileChunkBytes = 1 << 20;
  struct FileRef {
    std::string entity;
    std::string content;  // SHA-256 of the file, hex
    uint64_t size = 0;
    std::string id;  // the board's name for it (64 hex)
    uint32_t chunks = 0;
    bool here = false;  // this vault holds the file
  };
  // The files of visible attachment entities this device can read.
  std::vector<FileRef> Files() const;
  // Reads the file (which must be here) and hands out its sealed pieces in order.
  Status SealFileChunks(const FileRef& file,
                        const std::function<Status(uint32_t index, Bytes sealed)>& each) const;
  // Keeps one piece of a file that is not here yet, once it opens (kAuthFailed if not).
  Status StoreFileChunk(const FileRef& file, uint32_t index, ByteView sealed);
  // The pieces of a file not here yet that are still to come.
  Result<std::vector<uint32_t>> MissingFileChunks(const FileRef& file) const;
  // Once every piece is kept: the file into the vault, its SHA-256 checked, the pieces dropped.
  Status AssembleFile(const FileRef& file);

  // ---- Membership (owners only). ----
  Status AddMember(const store::DeviceIdentity& who, crdt::Role role,
                   const std::set<std::string>& compartments);
  // Removes a device and starts a new key epoch that it never receives.
  Status RemoveMember(const std::string& device_id);

  // ---- Destruction (owners only; see husk.h). ----
  // Destroys `entities` (records of the kind `what`): one owner-signed
  // "destroy" change names them and every change that wrote to them. Each
  // device that applies it forgets the records and replaces those changes in
  // its vault by husks that keep only the other records' ops; this device
  // also queues signed husks for the board (OutgoingHusks), which replaces
  // its stored copies. Ops on a destroyed record that arrive later (made
  // offline, concurrently) are dropped on arrival in the same way. The caller
  // checks the retention schedule and legal hold first (domain/retention.h).
  // Destroying again with no new records left sends the board husks of the
  // edits to destroyed records that arrived afterwards (UnvouchedHusks);
  // kNotFound when there is nothing of either.
  Result<crdt::Hash> Destroy(const std::string& what, const std::set<std::string>& entities);
  // Changes this vault husked on arrival, because they wrote to a record
  // destroyed before, which no destroy change names yet: the board still has
  // them as they were sent, until an owner destroys again.
  Result<std::vector<crdt::Change>> UnvouchedHusks() const;
  std::vector<Destruction> Destructions() const;
  // Signed husks still to be sent to the board, as (hash hex, husk bytes).
  Result<std::vector<std::pair<std::string, Bytes>>> OutgoingHusks() const;
  Status HuskDelivered(const std::string& hash_hex);

  // ---- Signed statements (sign-offs over a record's content). ----
  // Signs `message` with this device's key; the signature as hex.
  Result<std::string> SignStatement(ByteView message) const;
  // Checks a statement signed by `device`, which is or once was a member (a
  // member removed since keeps its key in the membership's history, so what
  // it signed stays checkable). kNotFound if it never was one, kAuthFailed
  // if the signature does not match.
  Status VerifyStatement(const std::string& device, ByteView message, const std::string& signature_hex) const;
  // SHA-256 of `bytes`, hex: how statements name the content they cover.
  static std::string DigestHex(std::string_view bytes);

  // ---- Receiving. ----
  Result<ReceiveResult> Receive(ByteView sealed);
  Result<std::vector<ReceiveResult>> ReceiveAll(const std::vector<Bytes>& sealed);

  // ---- Reading. ----
  const crdt::Document& document() const { return doc_; }
  const crdt::Membership& membership() const { return membership_; }
  const crdt::Schema& schema() const { return options_.schema; }
  std::string title() const;
  // The person a device belongs to, as recorded with NamePerson ("" if none).
  std::string PersonOf(const std::string& device_id) const;
  // Records who uses a device (in the general compartment, never in the clear).
  Status NamePerson(const std::string& device_id, const std::string& person);
  // {"review":ID,"members":{...},"entities":{...}}: byte-identical across
  // replicas that have applied the same changes.
  nlohmann::json Canonical() const;
  std::string CanonicalString() const;
  std::string StateHashHex() const;  // SHA-256 of CanonicalString()
  std::vector<Problem> Problems() const;
  // Every stored change in the order this device received it (for export).
  uint64_t log_size() const { return next_log_; }  // entries in the local change log
  // Visits the local change log in order, starting at entry `from`.
  Status ForEachChange(const std::function<Status(const crdt::Change&)>& visit, uint64_t from = 0) const;
  // Values set aside by a concurrent write, for every field whose current
  // value was written without its writer having seen them; `entity` filters
  // to one entity. Writing the field again (say, restoring one of them with
  // SetFields) settles it: the new value has seen them all.
  Result<std::vector<ConcurrentValue>> ConcurrentValues(
      const std::optional<std::string>& entity = std::nullopt) const;
  // The audit trail, in timestamp order; `entity` filters to one entity.
  Result<std::vector<HistoryEntry>> History(const std::optional<std::string>& entity = std::nullopt) const;
  size_t change_count() const { return nodes_.size(); }
  bool has_key(const std::string& compartment) const;

  // Writes an encrypted snapshot now (also done every snapshot_every changes).
  Status Snapshot();

 private:
  struct Node {
    clock::Hlc hlc;
    uint32_t mset = 0;  // index into msets_: membership changes in its causal past (and itself)
    // Vector clock: for each lane (indexed as vc_devices_), the highest seq
    // of its changes in this change's causal past, itself included. Text edits
    // are judged against it (TextSequence::Provenance).
    std::vector<uint64_t> vc;
  };
  struct MembershipChange {
    clock::Hlc hlc;
    std::string author;
    std::vector<crdt::Op> ops;
  };

  Replica(store::Vault& vault, std::string review_id, ReplicaOptions options);

  // A lane: one device's changes in one compartment (see heads_). Device ids
  // are hex, so the separator is unambiguous.
  static std::string LaneKey(const std::string& device, const std::string& compartment) {
    return device + "/" + compartment;
  }
  static std::pair<std::string, std::string> SplitLaneKey(const std::string& lane) {
    size_t slash = lane.find('/');
    return {lane.substr(0, slash), slash == std::string::npos ? std::string() : lane.substr(slash + 1)};
  }

  Status Load();
  Status LoadKeys();
  Result<ReceiveResult> Process(crdt::Change change, bool log_it);
  // `sealed_here`: the plaintext ops of a change this device has just sealed.
  Result<ReceiveResult> Evaluate(const crdt::Change& change,
                                 const std::vector<crdt::Op>* sealed_here = nullptr);
  Status CheckContentOps(const std::vector<crdt::Op>& ops) const;
  void ApplyOps(const crdt::Change& change, const std::vector<crdt::Op>& ops);
  static std::string WaitingReason(size_t missing);
  std::string HeldReason(const clock::Hlc& hlc) const;
  void ApplyVerified(const crdt::Change& change, const std::vector<crdt::Op>* ops, uint32_t mset);
  Status ApplyKeyEnvelopes(const std::vector<crdt::Op>& ops);
  void ReleaseWaiters(const crdt::Hash& applied);
  void RetryUnreadable();
  void RetryHeld();

  uint32_t InternMset(std::vector<crdt::Hash> set);
  const crdt::Membership& MembershipAt(uint32_t mset);
  void RefoldMembership();

  Result<crdt::Hash> CommitLocal(const std::string& compartment, std::vector<crdt::Op> ops);
  Status EditText(const std::string& entity, const std::string& field,
                  const std::function<Status(crdt::TextSequence&)>& edit);
  const crypto::SecureBytes* Key(const std::string& compartment, uint32_t epoch) const;
  std::optional<uint32_t> LatestEpoch(const std::string& compartment) const;
  Status StoreKey(const std::string& compartment, uint32_t epoch, crypto::SecureBytes key);
  Bytes EnvelopeAad(const std::string& compartment, uint32_t epoch, const std::string& device) const;
  Result<crdt::Op> SealKeyFor(const store::DeviceIdentity& who, const std::string& compartment,
                              uint32_t epoch) const;
  Result<const crdt::Entity*> VisibleEntity(const std::string& entity) const;
  const std::string* DeviceEntity(const std::string& device_id) const;  // id of its "device" entity

  void LogChange(const crdt::Change& change);
  void ApplyDestroy(const crdt::Hash& destroy, const std::vector<crdt::Op>& ops);
  // The board's name for an attachment entity's file (see FileRef::id).
  static std::optional<std::string> BoardFileId(const crdt::Entity& attachment);
  // Removes a destroyed attachment's file from the vault (unless another
  // attachment holds the same content) and any pieces of it still arriving.
  Status ForgetFile(const crdt::Entity& attachment);
  std::set<crdt::Hash> HashesNamedByDestroys() const;
  // Applies a husk's residue once the destroy change that vouches for it is here.
  void ConfirmHusk(const crdt::Hash& hash);
  // Replaces every log entry and quarantine record holding ops on destroyed
  // records, then rewrites the snapshot and empties the vault's write-ahead log.
  Status HuskLog();
  void Quarantine(const crdt::Change& change, const std::string& reason, bool in_graph);
  bool Known(const crdt::Hash& hash) const;
  Status WriteBatched();  // writes pending log, key and quarantine records
  Status Flush();         // WriteBatched, then a snapshot if one is due

  store::Vault& vault_;
  std::string review_id_;
  std::string device_id_;
  ReplicaOptions options_;
  clock::HybridClock clock_;

  crdt::Document doc_;
  crdt::Membership membership_;  // all applied membership changes, folded in timestamp order
  std::map<crdt::Hash, MembershipChange> mchanges_;
  std::map<crdt::Hash, Node> nodes_;  // applied or unreadable changes
  // History runs in lanes, one per compartment (see LaneOf): a change builds
  // on the heads of its own lane and of the membership lane only, and each
  // author numbers its changes per lane. A device that may read some
  // compartments and not others (the board sends it only those) therefore
  // has every change its own ones build on, and still notices a missing one.
  std::vector<std::string> vc_devices_;  // lane keys ("device/compartment")
  std::map<std::string, uint32_t> vc_index_;
  std::map<std::string, std::set<crdt::Hash>> heads_;  // compartment -> heads of its lane
  std::map<std::string, uint64_t> author_seq_;         // lane key -> last seq

  // Signatures ReceiveAll checked ahead, in parallel, with the key their
  // author had in the current membership; Evaluate trusts an entry only if
  // the causal-past membership names the same key. Cleared after each batch.
  std::map<crdt::Hash, crypto::Ed25519PublicKey> preverified_;
  void PreverifySignatures(const std::vector<std::optional<crdt::Change>>& changes);

  std::vector<std::vector<crdt::Hash>> msets_;
  std::map<std::vector<crdt::Hash>, uint32_t> mset_index_;
  std::map<uint32_t, crdt::Membership> mset_cache_;

  std::map<crdt::Hash, crdt::Change> pending_;  // waiting for dependencies
  std::multimap<crdt::Hash, crdt::Hash> waiting_on_;
  std::map<crdt::Hash, crdt::Change> held_;        // author's clock too far ahead
  std::map<crdt::Hash, crdt::Change> unreadable_;  // no key for its compartment and epoch
  std::map<crdt::Hash, crdt::Change> husks_;       // husks whose destroy change is not here yet
  // Destroyed entity -> the destroy change that named it (from mchanges_).
  std::map<std::string, crdt::Hash> destroyed_;
  bool husk_log_due_ = false;  // a destroy change was applied: HuskLog at the next Flush
  std::map<crdt::Hash, Problem> quarantine_;

  std::map<std::pair<std::string, uint32_t>, crypto::SecureBytes> keys_;

  // Text fields with local edits not yet signed, and the burst's timing.
  std::set<std::pair<std::string, std::string>> dirty_texts_;  // (entity, field)
  uint64_t burst_start_ms_ = 0, last_text_ms_ = 0;
  bool flushing_text_ = false;

  uint64_t next_log_ = 0;
  uint64_t snapshot_log_ = 0;  // log entries below this are in the snapshot
  size_t since_snapshot_ = 0;
  store::WriteBatch batch_;
};

}  // namespace caseboard::review
