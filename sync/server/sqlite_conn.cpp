#include "sqlite_conn.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace caseboard::server::sqlite {

Stmt& Stmt::Bind(int index, std::string_view text) {
  // An empty view may have a null data pointer, which SQLite would bind as NULL.
  sqlite3_bind_text(s_, index, text.data() ? text.data() : "", static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::Bind(int index, ByteView blob) {
  static const uint8_t kEmpty = 0;  // a zero-length blob must not bind as NULL
  sqlite3_bind_blob(s_, index, blob.empty() ? &kEmpty : blob.data(), static_cast<int>(blob.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::Bind(int index, int64_t value) {
  sqlite3_bind_int64(s_, index, value);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->ErrorStatus(rc, "board database");
}

Status Stmt::Run() {
  for (;;) {
    CB_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string Stmt::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(s_, col);
  return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s_, col)) : std::string();
}

Bytes Stmt::Blob(int col) const {
  const auto* b = static_cast<const uint8_t*>(sqlite3_column_blob(s_, col));
  int n = sqlite3_column_bytes(s_, col);
  return b ? Bytes(b, b + n) : Bytes();
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, bool create) {
  if (path == ":memory:") {
    // An in-memory store, for tests: nothing to create or find.
  } else if (create) {
    // Created by us so that it is private from the first byte; SQLite gives
    // its -wal and -shm files the same mode.
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Status::IOError("cannot create " + path + ": " + std::strerror(errno));
    ::close(fd);
  } else if (::access(path.c_str(), F_OK) != 0) {
    return Status::NotFound("no board database at " + path + " (run 'caseboard-server init' first)");
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Db> db(new Db(raw, path));
  if (rc != SQLITE_OK) return db->ErrorStatus(rc, "opening " + path);
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Db::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return ErrorStatus(rc, "board database");
  return Status::Ok();
}

Result<Stmt> Db::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return Stmt(it->second, this);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(rc, "board database");
  cache_.emplace(sql, stmt);
  return Stmt(stmt, this);
}

Result<sqlite3_stmt*> Db::PrepareOnce(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(rc, "board database");
  return stmt;
}

Status Db::ErrorStatus(int rc, std::string_view context) const {
  std::string msg = std::string(context) + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      return Status::Corruption(msg + " (the board database " + path_ +
                                " is damaged; restore it from a backup)");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy(msg);
    case SQLITE_FULL:
      return Status::IOError(msg + " (the disk is full)");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Status::IOError(msg);
    case SQLITE_CONSTRAINT:
      return Status::AlreadyExists(msg);
    default:
      return Status::Internal(msg);
  }
}

Result<std::unique_ptr<Transaction>> Transaction::Begin(Db& db) {
  CB_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
  if (!done_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Status s = db_.Exec("COMMIT");
  if (s.ok()) done_ = true;
  return s;
}

}  // namespace caseboard::server::sqlite
