// ServerStore on PostgreSQL (libpq), so that several board processes can
// share one store. Every multi-step update is one transaction that locks the
// rows it depends on (an invite, a review's head), so concurrent processes
// never hand out one invite twice or one sequence number twice.
#include "pg_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <functional>
#include <map>
#include <utility>

namespace caseboard::server {

namespace {

constexpr int kSchemaVersion = 2;

// IF NOT EXISTS throughout: creating the schema is idempotent, and any
// board process may be the first to meet an empty database.
constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS caseboard_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY, identity TEXT NOT NULL, name TEXT NOT NULL, invite TEXT NOT NULL,
  enrolled_ms BIGINT NOT NULL, revoked_ms BIGINT NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS invites (
  token_sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, created_ms BIGINT NOT NULL, expires_ms BIGINT NOT NULL,
  used_by TEXT NOT NULL DEFAULT '', used_ms BIGINT NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS nonces (
  device TEXT NOT NULL, nonce TEXT NOT NULL, expires_ms BIGINT NOT NULL, PRIMARY KEY (device, nonce));
CREATE INDEX IF NOT EXISTS nonces_by_expiry ON nonces (expires_ms);
CREATE TABLE IF NOT EXISTS reviews (
  id TEXT PRIMARY KEY, head BIGINT NOT NULL, bytes BIGINT NOT NULL, created_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (
  review TEXT NOT NULL REFERENCES reviews (id), seq BIGINT NOT NULL, hash TEXT NOT NULL,
  compartment TEXT NOT NULL, author TEXT NOT NULL, size BIGINT NOT NULL, received_ms BIGINT NOT NULL,
  sealed BYTEA NOT NULL, PRIMARY KEY (review, seq), UNIQUE (review, hash));
CREATE TABLE IF NOT EXISTS file_chunks (
  review TEXT NOT NULL REFERENCES reviews (id), file TEXT NOT NULL, idx BIGINT NOT NULL, chunks BIGINT NOT NULL,
  size BIGINT NOT NULL, received_ms BIGINT NOT NULL, sealed BYTEA NOT NULL, PRIMARY KEY (review, file, idx));
INSERT INTO caseboard_meta (key, value) VALUES ('schema', '2') ON CONFLICT DO NOTHING;
UPDATE caseboard_meta SET value = '2' WHERE key = 'schema' AND value = '1';
)sql";

constexpr uint64_t kNonceSweepMs = 60 * 1000;

// A query parameter: text, or bytes sent in binary form.
struct Param {
  Param(std::string s) : text(std::move(s)) {}    // NOLINT: implicit by design
  Param(const char* s) : text(s) {}               // NOLINT
  Param(uint64_t v) : text(std::to_string(v)) {}  // NOLINT
  Param(ByteView b) : bytes(b), binary(true) {}   // NOLINT
  std::string text;
  ByteView bytes;
  bool binary = false;
};

class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r) {}
  Rows(Rows&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  Rows& operator=(Rows&&) = delete;
  ~Rows() { PQclear(r_); }
  int size() const { return PQntuples(r_); }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
  }
  uint64_t U64(int row, int col) const { return std::strtoull(PQgetvalue(r_, row, col), nullptr, 10); }
  bool IsNull(int row, int col) const { return PQgetisnull(r_, row, col); }
  Bytes Blob(int row, int col) const {
    size_t n = 0;
    unsigned char* b = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_, row, col)), &n);
    Bytes out(b, b + n);
    PQfreemem(b);
    return out;
  }
  uint64_t Affected() const { return std::strtoull(PQcmdTuples(r_), nullptr, 10); }

 private:
  PGresult* r_;
};

class PgStore final : public ServerStore {
 public:
  explicit PgStore(PGconn* conn) : conn_(conn) {}
  ~PgStore() override { PQfinish(conn_); }

  Status Init(bool create) {
    CB_ASSIGN_OR_RETURN(Rows existing, Exec("SELECT to_regclass('caseboard_meta') IS NOT NULL"));
    bool has_schema = existing.Text(0, 0) == "t";
    if (has_schema && create) {
      CB_ASSIGN_OR_RETURN(Rows used,
                          Exec("SELECT (SELECT count(*) FROM devices) + (SELECT count(*) FROM reviews)"));
      if (used.U64(0, 0) > 0)
        return Status::AlreadyExists(Describe() + " already holds a board; give init an empty database");
    }
    int version = 0;
    if (has_schema) {
      CB_ASSIGN_OR_RETURN(Rows v, Exec("SELECT value FROM caseboard_meta WHERE key = 'schema'"));
      if (v.size() != 1) return Status::Corruption(Describe() + " has a damaged board schema");
      version = std::stoi(v.Text(0, 0));
    }
    if (version > kSchemaVersion)
      return Status::Unsupported(Describe() + " was written by a newer caseboard-server; upgrade this one");
    if (version < kSchemaVersion) {
      // The schema script is idempotent: it creates what is missing and
      // records the version. Two processes creating it at once would race on
      // the catalog, hence the lock.
      CB_RETURN_IF_ERROR(Run("BEGIN"));
      CB_RETURN_IF_ERROR(Run("SELECT pg_advisory_xact_lock(7216354)"));
      CB_RETURN_IF_ERROR(Run(kSchema));
      CB_RETURN_IF_ERROR(Run("COMMIT"));
    }
    return Status::Ok();
  }

  std::string Describe() const override {
    return std::string("postgresql ") + PQuser(conn_) + "@" + PQhost(conn_) + ":" + PQport(conn_) + "/" +
           PQdb(conn_);
  }

  Status AddInvite(const InviteRecord& v) override {
    return Run("INSERT INTO invites (token_sha256, name, created_ms, expires_ms) VALUES ($1, $2, $3, $4)",
               {v.token_sha256, v.name, v.created_ms, v.expires_ms});
  }

  Status RedeemInvite(const std::string& token_sha256, uint64_t now_ms, DeviceRecord device) override {
    return InTransaction([&]() -> Status {
      CB_ASSIGN_OR_RETURN(Rows invite,
                          Exec("SELECT name FROM invites WHERE token_sha256 = $1 AND used_by = '' "
                               "AND expires_ms > $2 FOR UPDATE",
                               {token_sha256, now_ms}));
      if (invite.size() == 0) return Status::NotFound("the invite is unknown, already used or expired");
      device.invite = invite.Text(0, 0);
      CB_ASSIGN_OR_RETURN(auto existing, FindDevice(device.id));
      if (existing) return Status::AlreadyExists("this device is already enrolled on the board");
      CB_RETURN_IF_ERROR(Run("UPDATE invites SET used_by = $1, used_ms = $2 WHERE token_sha256 = $3",
                             {device.id, now_ms, token_sha256}));
      return Run("INSERT INTO devices (id, identity, name, invite, enrolled_ms) VALUES ($1, $2, $3, $4, $5)",
                 {device.id, device.identity, device.name, device.invite, now_ms});
    });
  }

  Result<std::optional<DeviceRecord>> FindDevice(const std::string& id) override {
    CB_ASSIGN_OR_RETURN(Rows r,
                        Exec("SELECT id, identity, name, invite, enrolled_ms, revoked_ms FROM devices "
                             "WHERE id = $1",
                             {id}));
    if (r.size() == 0) return std::optional<DeviceRecord>();
    return std::optional<DeviceRecord>(DeviceAt(r, 0));
  }

  Result<std::vector<DeviceRecord>> ListDevices() override {
    CB_ASSIGN_OR_RETURN(Rows r,
                        Exec("SELECT id, identity, name, invite, enrolled_ms, revoked_ms FROM devices "
                             "ORDER BY enrolled_ms, id"));
    std::vector<DeviceRecord> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(DeviceAt(r, i));
    return out;
  }

  Status RevokeDevice(const std::string& id, uint64_t now_ms) override {
    CB_ASSIGN_OR_RETURN(Rows r, Exec("UPDATE devices SET revoked_ms = CASE WHEN revoked_ms = 0 THEN $1 ELSE "
                                     "revoked_ms END WHERE id = $2",
                                     {now_ms, id}));
    if (r.Affected() == 0) return Status::NotFound("no device " + id + " is enrolled on this board");
    return Status::Ok();
  }

  Result<std::vector<InviteRecord>> ListInvites() override {
    CB_ASSIGN_OR_RETURN(Rows r, Exec("SELECT token_sha256, name, created_ms, expires_ms, used_by, used_ms "
                                     "FROM invites ORDER BY created_ms, token_sha256"));
    std::vector<InviteRecord> out;
    for (int i = 0; i < r.size(); ++i)
      out.push_back({r.Text(i, 0), r.Text(i, 1), r.U64(i, 2), r.U64(i, 3), r.Text(i, 4), r.U64(i, 5)});
    return out;
  }

  Result<bool> UseNonce(const std::string& device, const std::string& nonce, uint64_t now_ms,
                        uint64_t expires_ms) override {
    if (now_ms >= last_sweep_ms_ + kNonceSweepMs) {
      CB_RETURN_IF_ERROR(Run("DELETE FROM nonces WHERE expires_ms <= $1", {now_ms}));
      last_sweep_ms_ = now_ms;
    }
    // One statement, its own transaction: a remembered nonce is only
    // replaced once it has expired. Every request writes one, so it commits
    // without waiting for the WAL flush (see the SQLite store for why that is
    // safe for nonces alone): set_config(..., true) turns synchronous_commit
    // off for this statement's transaction only, and is read at its commit.
    CB_ASSIGN_OR_RETURN(
        Rows r,
        Exec("INSERT INTO nonces (device, nonce, expires_ms) SELECT $1::text, $2::text, $3::bigint FROM "
             "(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit "
             "ON CONFLICT (device, nonce) DO UPDATE SET expires_ms = "
             "EXCLUDED.expires_ms WHERE nonces.expires_ms <= $4",
             {device, nonce, expires_ms, now_ms}));
    return r.Affected() == 1;
  }

  Result<std::vector<ReviewRecord>> ListReviews() override {
    CB_ASSIGN_OR_RETURN(Rows r, Exec("SELECT id, head, bytes, created_ms FROM reviews ORDER BY id"));
    std::vector<ReviewRecord> out;
    for (int i = 0; i < r.size(); ++i) out.push_back({r.Text(i, 0), r.U64(i, 1), r.U64(i, 2), r.U64(i, 3)});
    return out;
  }

  Result<std::optional<ReviewRecord>> FindReview(const std::string& id) override {
    CB_ASSIGN_OR_RETURN(Rows r, Exec("SELECT id, head, bytes, created_ms FROM reviews WHERE id = $1", {id}));
    if (r.size() == 0) return std::optional<ReviewRecord>();
    return std::optional<ReviewRecord>(ReviewRecord{r.Text(0, 0), r.U64(0, 1), r.U64(0, 2), r.U64(0, 3)});
  }

  Result<std::optional<uint64_t>> FindChange(const std::string& review, const std::string& hash) override {
    CB_ASSIGN_OR_RETURN(Rows r,
                        Exec("SELECT seq FROM changes WHERE review = $1 AND hash = $2", {review, hash}));
    if (r.size() == 0) return std::optional<uint64_t>();
    return std::optional<uint64_t>(r.U64(0, 0));
  }

  Result<std::vector<uint64_t>> AppendChanges(const std::string& review, bool create, uint64_t now_ms,
                                              const std::vector<StoredChange>& changes) override {
    std::vector<uint64_t> seqs;
    // Each change takes the review's next number and is stored in one
    // statement. Taking the number locks the review's row until commit,
    // which orders concurrent pushes to one review across processes. The
    // usual push of one change to a review that exists is that statement
    // alone, its own transaction: one round trip to the database.
    auto append = [&]() -> Status {
      seqs.clear();
      if (create)
        CB_RETURN_IF_ERROR(
            Run("INSERT INTO reviews (id, head, bytes, created_ms) VALUES ($1, 0, 0, $2)", {review, now_ms}));
      for (const StoredChange& c : changes) {
        CB_ASSIGN_OR_RETURN(
            Rows r,
            Exec("WITH taken AS (UPDATE reviews SET head = head + 1, bytes = bytes + $2 WHERE id = $1 "
                 "RETURNING head) INSERT INTO changes (review, seq, hash, compartment, author, size, "
                 "received_ms, sealed) SELECT $1, taken.head, $3, $4, $5, $2, $6, $7 FROM taken "
                 "RETURNING seq",
                 {review, uint64_t{c.sealed.size()}, c.hash, c.compartment, c.author, now_ms,
                  ByteView(c.sealed)}));
        if (r.size() == 0) return Status::NotFound("no review " + review + " on this board");
        seqs.push_back(r.U64(0, 0));
      }
      return Status::Ok();
    };
    Status done = create || changes.size() > 1 ? InTransaction(append) : append();
    if (!done.ok()) return done;
    return seqs;
  }

  Result<uint64_t> PutHusk(const std::string& review, uint64_t now_ms, const StoredChange& husk) override {
    std::optional<uint64_t> seq;
    Status done = InTransaction([&]() -> Status {
      seq.reset();
      CB_ASSIGN_OR_RETURN(Rows r,
                          Exec("SELECT seq, size FROM changes WHERE review = $1 AND hash = $2 FOR UPDATE",
                               {review, husk.hash}));
      if (r.size() == 0) return Status::Ok();
      seq = r.U64(0, 0);
      uint64_t old_size = r.U64(0, 1);
      CB_RETURN_IF_ERROR(Run("UPDATE changes SET sealed = $1, size = $2 WHERE review = $3 AND seq = $4",
                             {ByteView(husk.sealed), uint64_t{husk.sealed.size()}, review, *seq}));
      return Run("UPDATE reviews SET bytes = bytes - $1 + $2 WHERE id = $3",
                 {old_size, uint64_t{husk.sealed.size()}, review});
    });
    if (!done.ok()) return done;
    if (seq) {
      // The old row version stays in the table's pages until vacuumed;
      // VACUUM (which cannot run in a transaction) makes the space free.
      // How soon freed space is overwritten is up to PostgreSQL: see
      // docs/data-protection.md.
      (void)Run("VACUUM changes", {});
      return *seq;
    }
    CB_ASSIGN_OR_RETURN(auto seqs, AppendChanges(review, false, now_ms, {husk}));
    return seqs.front();
  }

  Result<std::vector<StoredChange>> ReadChanges(const std::string& review, uint64_t after, size_t limit,
                                                size_t max_bytes,
                                                const std::vector<std::string>& compartments, bool with_bytes,
                                                uint64_t* next) override {
    std::string filter;
    if (!compartments.empty()) {
      filter = ",";
      for (const auto& c : compartments) filter += c + ",";
    }
    // Rows come in pages so that a byte-limited read fetches little more than it returns.
    std::vector<StoredChange> out;
    size_t total = 0;
    const uint64_t page = with_bytes ? 64 : 2000;
    if (next) *next = 0;
    for (;;) {
      // One row more than the page: the `next` one, if this page is the last.
      uint64_t want = std::min<uint64_t>(page, limit - out.size()) + 1;
      CB_ASSIGN_OR_RETURN(Rows r,
                          Exec("SELECT seq, hash, compartment, author, received_ms, size, CASE WHEN $1 "
                               "THEN sealed END FROM changes WHERE review = $2 AND seq > $3 AND ($4 = '' "
                               "OR position(',' || compartment || ',' in $4) > 0) ORDER BY seq LIMIT $5",
                               {with_bytes ? "true" : "false", review, after, filter, want}));
      for (int i = 0; i < r.size(); ++i) {
        size_t size = static_cast<size_t>(r.U64(i, 5));
        if (out.size() == limit || (!out.empty() && total + size > max_bytes)) {
          if (next) *next = r.U64(i, 0);
          return out;
        }
        total += size;
        out.push_back({r.U64(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.U64(i, 4),
                       with_bytes ? r.Blob(i, 6) : Bytes()});
        after = out.back().seq;
      }
      if (static_cast<uint64_t>(r.size()) < want) return out;
    }
  }

  Status PutFileChunk(const std::string& review, const std::string& file, uint32_t chunks, uint32_t index,
                      ByteView sealed, uint64_t now_ms) override {
    CB_ASSIGN_OR_RETURN(
        Rows known,
        Exec("SELECT chunks FROM file_chunks WHERE review = $1 AND file = $2 LIMIT 1", {review, file}));
    if (known.size() > 0 && known.U64(0, 0) != chunks)
      return Status::InvalidArgument("this file has " + std::to_string(known.U64(0, 0)) + " pieces, not " +
                                     std::to_string(chunks));
    return Run(
        "INSERT INTO file_chunks (review, file, idx, chunks, size, received_ms, sealed) VALUES ($1, $2, $3, "
        "$4, $5, $6, $7) ON CONFLICT DO NOTHING",
        {review, file, uint64_t{index}, uint64_t{chunks}, uint64_t{sealed.size()}, now_ms, sealed});
  }

  Result<std::optional<std::pair<uint32_t, std::vector<uint32_t>>>> FindFile(
      const std::string& review, const std::string& file) override {
    CB_ASSIGN_OR_RETURN(
        Rows r, Exec("SELECT idx, chunks FROM file_chunks WHERE review = $1 AND file = $2 ORDER BY idx",
                     {review, file}));
    std::optional<std::pair<uint32_t, std::vector<uint32_t>>> out;
    for (int i = 0; i < r.size(); ++i) {
      if (!out) out.emplace(static_cast<uint32_t>(r.U64(i, 1)), std::vector<uint32_t>());
      out->second.push_back(static_cast<uint32_t>(r.U64(i, 0)));
    }
    return out;
  }

  Result<std::optional<Bytes>> ReadFileChunk(const std::string& review, const std::string& file,
                                             uint32_t index) override {
    CB_ASSIGN_OR_RETURN(Rows r,
                        Exec("SELECT sealed FROM file_chunks WHERE review = $1 AND file = $2 AND idx = $3",
                             {review, file, uint64_t{index}}));
    if (r.size() == 0) return std::optional<Bytes>();
    return std::optional<Bytes>(r.Blob(0, 0));
  }

  Status DeleteFile(const std::string& review, const std::string& file) override {
    CB_RETURN_IF_ERROR(Run("DELETE FROM file_chunks WHERE review = $1 AND file = $2", {review, file}));
    (void)Run("VACUUM file_chunks", {});  // as in PutHusk
    return Status::Ok();
  }

 private:
  static DeviceRecord DeviceAt(const Rows& r, int i) {
    return DeviceRecord{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.U64(i, 4), r.U64(i, 5)};
  }

  Status Error(PGresult* res, const std::string& context) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string msg = context + ": " + PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQclear(res);
    std::string s = state ? state : "";
    if (s == "23505") return Status::AlreadyExists(msg);                  // unique_violation
    if (s == "40001" || s == "40P01") return Status::Busy(msg);           // serialization, deadlock
    if (s.rfind("08", 0) == 0 || s.empty()) return Status::IOError(msg);  // connection
    return Status::Internal(msg);
  }

  Result<Rows> Exec(const char* sql, const std::vector<Param>& params = {}) {
    // A connection lost outside a transaction (a database restart) is
    // re-made once; inside one, the transaction is gone and the error stands.
    if (PQstatus(conn_) != CONNECTION_OK && depth_ == 0) {
      PQreset(conn_);
      prepared_.clear();  // they went with the old session
    }
    // BEGIN, COMMIT, VACUUM, the schema...: the simple protocol, nothing to plan.
    PGresult* res = params.empty() ? PQexec(conn_, sql) : ExecPrepared(sql, params);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(res, "board database");
    return Rows(res);
  }

  // Statements with parameters are the ones every request runs: each is
  // parsed and planned once per connection, then only executed.
  PGresult* ExecPrepared(const char* sql, const std::vector<Param>& params) {
    auto [it, fresh] = prepared_.emplace(sql, "cb" + std::to_string(prepared_.size()));
    if (fresh) {
      PGresult* res = PQprepare(conn_, it->second.c_str(), sql, static_cast<int>(params.size()), nullptr);
      if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        prepared_.erase(it);
        return res;  // the caller reports the failure
      }
      PQclear(res);
    }
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const Param& p : params) {
      // A null value pointer would mean SQL NULL, even for empty bytes.
      static const char kEmpty = 0;
      values.push_back(!p.binary         ? p.text.c_str()
                       : p.bytes.empty() ? &kEmpty
                                         : reinterpret_cast<const char*>(p.bytes.data()));
      lengths.push_back(p.binary ? static_cast<int>(p.bytes.size()) : 0);
      formats.push_back(p.binary ? 1 : 0);
    }
    return PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()), values.data(),
                          lengths.data(), formats.data(), 0);
  }

  Status Run(const char* sql, const std::vector<Param>& params = {}) { return Exec(sql, params).status(); }

  Status InTransaction(const std::function<Status()>& body) {
    CB_RETURN_IF_ERROR(Run("BEGIN"));
    ++depth_;
    Status s = body();
    --depth_;
    if (!s.ok()) {
      (void)Run("ROLLBACK");
      return s;
    }
    return Run("COMMIT");
  }

  PGconn* conn_;
  std::map<std::string, std::string> prepared_;  // SQL text -> name of its prepared statement
  int depth_ = 0;
  uint64_t last_sweep_ms_ = 0;
};

}  // namespace

Result<std::unique_ptr<ServerStore>> OpenPgStore(const std::string& url, bool create) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (!conn) return Status::Internal("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status::IOError("cannot connect to the PostgreSQL database: " + msg);
  }
  // The server's stderr carries one JSON object per line: the server's
  // notices ("relation already exists, skipping") must not land there.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  auto store = std::make_unique<PgStore>(conn);
  CB_RETURN_IF_ERROR(store->Init(create));
  return std::unique_ptr<ServerStore>(std::move(store));
}

}  // namespace caseboard::server
