// ServerStore on SQLite: WAL so that readers never wait for the writer,
// synchronous=FULL so that an acknowledged push survives a power cut, and a
// busy timeout so that the admin commands can write while the server runs.
#include "sqlite_store.h"

#include <optional>

#include "sqlite_conn.h"

namespace caseboard::server {

namespace {

using sqlite::Db;
using sqlite::Stmt;
using sqlite::Transaction;

constexpr int kSchemaVersion = 2;

constexpr char kSchema[] = R"sql(
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  identity TEXT NOT NULL,
  name TEXT NOT NULL,
  invite TEXT NOT NULL,
  enrolled_ms INTEGER NOT NULL,
  revoked_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE invites (
  token_sha256 TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_by TEXT NOT NULL DEFAULT '',
  used_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE nonces (
  device TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY (device, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_by_expiry ON nonces (expires_ms);
CREATE TABLE reviews (
  id TEXT PRIMARY KEY,
  head INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE changes (
  review TEXT NOT NULL REFERENCES reviews (id),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  compartment TEXT NOT NULL,
  author TEXT NOT NULL,
  size INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  sealed BLOB NOT NULL,
  PRIMARY KEY (review, seq),
  UNIQUE (review, hash)
);
)sql";

// Version 2: attachment files.
constexpr char kSchemaFiles[] = R"sql(
CREATE TABLE file_chunks (
  review TEXT NOT NULL REFERENCES reviews (id),
  file TEXT NOT NULL,
  idx INTEGER NOT NULL,
  chunks INTEGER NOT NULL,
  size INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  sealed BLOB NOT NULL,
  PRIMARY KEY (review, file, idx)
) WITHOUT ROWID;
)sql";

// Expired nonces are swept at most this often, not on every request.
constexpr uint64_t kNonceSweepMs = 60 * 1000;

DeviceRecord DeviceFrom(const Stmt& s) {
  return DeviceRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.U64(4), s.U64(5)};
}

class SqliteStore final : public ServerStore {
 public:
  explicit SqliteStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  Status Init(bool create) {
    CB_RETURN_IF_ERROR(db_->Exec("PRAGMA busy_timeout = 10000"));
    CB_RETURN_IF_ERROR(db_->Exec("PRAGMA journal_mode = WAL"));
    CB_RETURN_IF_ERROR(db_->Exec("PRAGMA synchronous = FULL"));
    CB_RETURN_IF_ERROR(db_->Exec("PRAGMA foreign_keys = ON"));
    // Freed pages are zeroed: a destroyed change's bytes (PutHusk) do not linger in the file.
    CB_RETURN_IF_ERROR(db_->Exec("PRAGMA secure_delete = ON"));
    CB_ASSIGN_OR_RETURN(Stmt version, db_->Prepare("PRAGMA user_version"));
    CB_ASSIGN_OR_RETURN(bool row, version.Step());
    int64_t v = row ? version.Int(0) : 0;
    if (v == 0 && !create)
      return Status::Corruption(db_->path() + " is not a board database (it has no schema)");
    if (v > kSchemaVersion)
      return Status::Unsupported(db_->path() + " was written by a newer caseboard-server (schema " +
                                 std::to_string(v) + "); upgrade this one");
    if (v == kSchemaVersion) return Status::Ok();
    // New, or older: brought up to date in one transaction.
    CB_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    if (v < 1) CB_RETURN_IF_ERROR(db_->Exec(kSchema));
    if (v < 2) CB_RETURN_IF_ERROR(db_->Exec(kSchemaFiles));
    CB_RETURN_IF_ERROR(db_->Exec("PRAGMA user_version = 2"));
    return tx->Commit();
  }

  std::string Describe() const override { return "sqlite " + db_->path(); }

  Status AddInvite(const InviteRecord& v) override {
    CB_ASSIGN_OR_RETURN(Stmt s,
                        db_->Prepare("INSERT INTO invites (token_sha256, name, created_ms, expires_ms) "
                                     "VALUES (?, ?, ?, ?)"));
    return s.Bind(1, v.token_sha256).Bind(2, v.name).Bind(3, v.created_ms).Bind(4, v.expires_ms).Run();
  }

  Status RedeemInvite(const std::string& token_sha256, uint64_t now_ms, DeviceRecord device) override {
    CB_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    {
      CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT name FROM invites WHERE token_sha256 = ? AND "
                                               "used_by = '' AND expires_ms > ?"));
      CB_ASSIGN_OR_RETURN(bool found, s.Bind(1, token_sha256).Bind(2, now_ms).Step());
      if (!found) return Status::NotFound("the invite is unknown, already used or expired");
      device.invite = s.Text(0);
    }
    CB_ASSIGN_OR_RETURN(auto existing, FindDevice(device.id));
    if (existing) return Status::AlreadyExists("this device is already enrolled on the board");
    {
      CB_ASSIGN_OR_RETURN(Stmt s,
                          db_->Prepare("UPDATE invites SET used_by = ?, used_ms = ? WHERE token_sha256 = ?"));
      CB_RETURN_IF_ERROR(s.Bind(1, device.id).Bind(2, now_ms).Bind(3, token_sha256).Run());
    }
    {
      CB_ASSIGN_OR_RETURN(Stmt s,
                          db_->Prepare("INSERT INTO devices (id, identity, name, invite, enrolled_ms) "
                                       "VALUES (?, ?, ?, ?, ?)"));
      CB_RETURN_IF_ERROR(s.Bind(1, device.id)
                             .Bind(2, device.identity)
                             .Bind(3, device.name)
                             .Bind(4, device.invite)
                             .Bind(5, now_ms)
                             .Run());
    }
    return tx->Commit();
  }

  Result<std::optional<DeviceRecord>> FindDevice(const std::string& id) override {
    CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT id, identity, name, invite, enrolled_ms, revoked_ms "
                                             "FROM devices WHERE id = ?"));
    CB_ASSIGN_OR_RETURN(bool found, s.Bind(1, id).Step());
    if (!found) return std::optional<DeviceRecord>();
    return std::optional<DeviceRecord>(DeviceFrom(s));
  }

  Result<std::vector<DeviceRecord>> ListDevices() override {
    CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT id, identity, name, invite, enrolled_ms, revoked_ms "
                                             "FROM devices ORDER BY enrolled_ms, id"));
    std::vector<DeviceRecord> out;
    for (;;) {
      CB_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return out;
      out.push_back(DeviceFrom(s));
    }
  }

  Status RevokeDevice(const std::string& id, uint64_t now_ms) override {
    CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("UPDATE devices SET revoked_ms = CASE WHEN revoked_ms = 0 "
                                             "THEN ? ELSE revoked_ms END WHERE id = ?"));
    CB_RETURN_IF_ERROR(s.Bind(1, now_ms).Bind(2, id).Run());
    if (db_->Changes() == 0) return Status::NotFound("no device " + id + " is enrolled on this board");
    return Status::Ok();
  }

  Result<std::vector<InviteRecord>> ListInvites() override {
    CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT token_sha256, name, created_ms, expires_ms, used_by, "
                                             "used_ms FROM invites ORDER BY created_ms, token_sha256"));
    std::vector<InviteRecord> out;
    for (;;) {
      CB_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return out;
      out.push_back({s.Text(0), s.Text(1), s.U64(2), s.U64(3), s.Text(4), s.U64(5)});
    }
  }

  Result<bool> UseNonce(const std::string& device, const std::string& nonce, uint64_t now_ms,
                        uint64_t expires_ms) override {
    if (now_ms >= last_sweep_ms_ + kNonceSweepMs) {
      CB_ASSIGN_OR_RETURN(Stmt sweep, db_->Prepare("DELETE FROM nonces WHERE expires_ms <= ?"));
      CB_RETURN_IF_ERROR(sweep.Bind(1, now_ms).Run());
      last_sweep_ms_ = now_ms;
    }
    // One statement, so two requests with the same nonce cannot both pass:
    // a remembered nonce is only replaced once it has expired.
    CB_ASSIGN_OR_RETURN(Stmt s,
                        db_->Prepare("INSERT INTO nonces (device, nonce, expires_ms) VALUES (?, ?, ?) "
                                     "ON CONFLICT (device, nonce) DO UPDATE SET expires_ms = "
                                     "excluded.expires_ms WHERE nonces.expires_ms <= ?"));
    // Every request writes a nonce, so this commit sets the request rate.
    // It is made without waiting for the disk (synchronous=NORMAL: safe
    // against a crash of the server, not of the machine): a power cut could
    // forget the last nonces, and only a replay of a request captured from
    // inside TLS within minutes of it could profit. Everything else commits
    // with synchronous=FULL, so an acknowledged push survives a power cut.
    CB_RETURN_IF_ERROR(db_->Exec("PRAGMA synchronous = NORMAL"));
    Status used = s.Bind(1, device).Bind(2, nonce).Bind(3, expires_ms).Bind(4, now_ms).Run();
    int changed = db_->Changes();
    CB_RETURN_IF_ERROR(db_->Exec("PRAGMA synchronous = FULL"));
    CB_RETURN_IF_ERROR(used);
    return changed == 1;
  }

  Result<std::vector<ReviewRecord>> ListReviews() override {
    CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT id, head, bytes, created_ms FROM reviews ORDER BY id"));
    std::vector<ReviewRecord> out;
    for (;;) {
      CB_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return out;
      out.push_back({s.Text(0), s.U64(1), s.U64(2), s.U64(3)});
    }
  }

  Result<std::optional<ReviewRecord>> FindReview(const std::string& id) override {
    CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT id, head, bytes, created_ms FROM reviews WHERE id = ?"));
    CB_ASSIGN_OR_RETURN(bool found, s.Bind(1, id).Step());
    if (!found) return std::optional<ReviewRecord>();
    return std::optional<ReviewRecord>(ReviewRecord{s.Text(0), s.U64(1), s.U64(2), s.U64(3)});
  }

  Result<std::optional<uint64_t>> FindChange(const std::string& review, const std::string& hash) override {
    CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT seq FROM changes WHERE review = ? AND hash = ?"));
    CB_ASSIGN_OR_RETURN(bool found, s.Bind(1, review).Bind(2, hash).Step());
    if (!found) return std::optional<uint64_t>();
    return std::optional<uint64_t>(s.U64(0));
  }

  Result<std::vector<uint64_t>> AppendChanges(const std::string& review, bool create, uint64_t now_ms,
                                              const std::vector<StoredChange>& changes) override {
    CB_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    uint64_t head = 0;
    if (create) {
      CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("INSERT INTO reviews (id, head, bytes, created_ms) "
                                               "VALUES (?, 0, 0, ?)"));
      CB_RETURN_IF_ERROR(s.Bind(1, review).Bind(2, now_ms).Run());
    } else {
      CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("SELECT head FROM reviews WHERE id = ?"));
      CB_ASSIGN_OR_RETURN(bool found, s.Bind(1, review).Step());
      if (!found) return Status::NotFound("no review " + review + " on this board");
      head = s.U64(0);
    }
    std::vector<uint64_t> seqs;
    uint64_t bytes = 0;
    for (const StoredChange& c : changes) {
      CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("INSERT INTO changes (review, seq, hash, compartment, author, "
                                               "size, received_ms, sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
      CB_RETURN_IF_ERROR(s.Bind(1, review)
                             .Bind(2, ++head)
                             .Bind(3, c.hash)
                             .Bind(4, c.compartment)
                             .Bind(5, c.author)
                             .Bind(6, static_cast<uint64_t>(c.sealed.size()))
                             .Bind(7, now_ms)
                             .Bind(8, ByteView(c.sealed))
                             .Run());
      seqs.push_back(head);
      bytes += c.sealed.size();
    }
    CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("UPDATE reviews SET head = ?, bytes = bytes + ? WHERE id = ?"));
    CB_RETURN_IF_ERROR(s.Bind(1, head).Bind(2, bytes).Bind(3, review).Run());
    CB_RETURN_IF_ERROR(tx->Commit());
    return seqs;
  }

  Result<uint64_t> PutHusk(const std::string& review, uint64_t now_ms, const StoredChange& husk) override {
    std::optional<uint64_t> replaced;
    {
      CB_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
      CB_ASSIGN_OR_RETURN(Stmt find,
                          db_->Prepare("SELECT seq, size FROM changes WHERE review = ? AND hash = ?"));
      CB_ASSIGN_OR_RETURN(bool found, find.Bind(1, review).Bind(2, husk.hash).Step());
      if (found) {
        uint64_t seq = find.U64(0), old_size = find.U64(1);
        CB_ASSIGN_OR_RETURN(Stmt put, db_->Prepare("UPDATE changes SET sealed = ?, size = ? "
                                                   "WHERE review = ? AND seq = ?"));
        CB_RETURN_IF_ERROR(put.Bind(1, ByteView(husk.sealed))
                               .Bind(2, static_cast<uint64_t>(husk.sealed.size()))
                               .Bind(3, review)
                               .Bind(4, seq)
                               .Run());
        CB_ASSIGN_OR_RETURN(Stmt sum, db_->Prepare("UPDATE reviews SET bytes = bytes - ? + ? WHERE id = ?"));
        CB_RETURN_IF_ERROR(
            sum.Bind(1, old_size).Bind(2, static_cast<uint64_t>(husk.sealed.size())).Bind(3, review).Run());
        CB_RETURN_IF_ERROR(tx->Commit());
        replaced = seq;
      }
    }
    if (!replaced) {
      CB_ASSIGN_OR_RETURN(auto seqs, AppendChanges(review, false, now_ms, {husk}));
      return seqs.front();
    }
    // secure_delete zeroed the old pages; the checkpoint (with no statement
    // of this connection open) empties the write-ahead log, which may still
    // hold copies of them. Best effort: a reader in another process can
    // hold it up, and the next checkpoint then does it.
    (void)db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return *replaced;
  }

  Result<std::vector<StoredChange>> ReadChanges(const std::string& review, uint64_t after, size_t limit,
                                                size_t max_bytes,
                                                const std::vector<std::string>& compartments, bool with_bytes,
                                                uint64_t* next) override {
    // Compartment names are plain ids (no commas), so ",a,b," with instr()
    // filters them with one cached statement whatever the list.
    std::string filter;
    if (!compartments.empty()) {
      filter = ",";
      for (const auto& c : compartments) filter += c + ",";
    }
    CB_ASSIGN_OR_RETURN(Stmt s,
                        db_->Prepare("SELECT seq, hash, compartment, author, received_ms, size, "
                                     "CASE WHEN ? THEN sealed END FROM changes WHERE review = ? AND "
                                     "seq > ? AND (? = '' OR instr(?, ',' || compartment || ',') > 0) "
                                     "ORDER BY seq LIMIT ?"));
    s.Bind(1, int64_t{with_bytes ? 1 : 0}).Bind(2, review).Bind(3, after).Bind(4, filter).Bind(5, filter);
    // One row more than asked for: the `next` one, if there is one.
    s.Bind(6, static_cast<uint64_t>(limit < SIZE_MAX ? limit + 1 : limit));
    std::vector<StoredChange> out;
    size_t total = 0;
    if (next) *next = 0;
    for (;;) {
      CB_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return out;
      size_t size = static_cast<size_t>(s.U64(5));
      if (out.size() == limit || (!out.empty() && total + size > max_bytes)) {
        if (next) *next = s.U64(0);
        return out;
      }
      total += size;
      out.push_back({s.U64(0), s.Text(1), s.Text(2), s.Text(3), s.U64(4), with_bytes ? s.Blob(6) : Bytes()});
    }
  }

  Status PutFileChunk(const std::string& review, const std::string& file, uint32_t chunks, uint32_t index,
                      ByteView sealed, uint64_t now_ms) override {
    CB_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    CB_ASSIGN_OR_RETURN(Stmt known,
                        db_->Prepare("SELECT chunks FROM file_chunks WHERE review = ? AND file = ? LIMIT 1"));
    CB_ASSIGN_OR_RETURN(bool found, known.Bind(1, review).Bind(2, file).Step());
    if (found && known.U64(0) != chunks)
      return Status::InvalidArgument("this file has " + std::to_string(known.U64(0)) + " pieces, not " +
                                     std::to_string(chunks));
    CB_ASSIGN_OR_RETURN(Stmt s,
                        db_->Prepare("INSERT INTO file_chunks (review, file, idx, chunks, size, received_ms, "
                                     "sealed) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    CB_RETURN_IF_ERROR(s.Bind(1, review)
                           .Bind(2, file)
                           .Bind(3, uint64_t{index})
                           .Bind(4, uint64_t{chunks})
                           .Bind(5, uint64_t{sealed.size()})
                           .Bind(6, now_ms)
                           .Bind(7, sealed)
                           .Run());
    return tx->Commit();
  }

  Result<std::optional<std::pair<uint32_t, std::vector<uint32_t>>>> FindFile(
      const std::string& review, const std::string& file) override {
    CB_ASSIGN_OR_RETURN(
        Stmt s,
        db_->Prepare("SELECT idx, chunks FROM file_chunks WHERE review = ? AND file = ? ORDER BY idx"));
    s.Bind(1, review).Bind(2, file);
    std::optional<std::pair<uint32_t, std::vector<uint32_t>>> out;
    for (;;) {
      CB_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return out;
      if (!out) out.emplace(static_cast<uint32_t>(s.U64(1)), std::vector<uint32_t>());
      out->second.push_back(static_cast<uint32_t>(s.U64(0)));
    }
  }

  Result<std::optional<Bytes>> ReadFileChunk(const std::string& review, const std::string& file,
                                             uint32_t index) override {
    CB_ASSIGN_OR_RETURN(
        Stmt s, db_->Prepare("SELECT sealed FROM file_chunks WHERE review = ? AND file = ? AND idx = ?"));
    CB_ASSIGN_OR_RETURN(bool found, s.Bind(1, review).Bind(2, file).Bind(3, uint64_t{index}).Step());
    if (!found) return std::optional<Bytes>();
    return std::optional<Bytes>(s.Blob(0));
  }

  Status DeleteFile(const std::string& review, const std::string& file) override {
    {
      CB_ASSIGN_OR_RETURN(Stmt s, db_->Prepare("DELETE FROM file_chunks WHERE review = ? AND file = ?"));
      CB_RETURN_IF_ERROR(s.Bind(1, review).Bind(2, file).Run());
    }
    (void)db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");  // as in PutHusk
    return Status::Ok();
  }

 private:
  std::unique_ptr<Db> db_;
  uint64_t last_sweep_ms_ = 0;
};

}  // namespace

Result<std::unique_ptr<ServerStore>> OpenSqliteStore(const std::string& path, bool create) {
  CB_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, create));
  auto store = std::make_unique<SqliteStore>(std::move(db));
  CB_RETURN_IF_ERROR(store->Init(create));
  return std::unique_ptr<ServerStore>(std::move(store));
}

}  // namespace caseboard::server
