// Private to core/store: a thin RAII layer over the SQLite C API that turns
// SQLite result codes into Status values a person can act on.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "caseboard/bytes.h"
#include "caseboard/status.h"

namespace caseboard::store::internal {

class Db;

// A prepared statement owned by Db's cache. It is reset when this handle goes
// out of scope: a SELECT left on a row would otherwise hold its read
// transaction open, and SQLite could never checkpoint the WAL back into the
// database (the WAL would grow without bound while a vault stays open).
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s, Db* db) : s_(s), db_(db) {}
  Stmt(Stmt&& other) noexcept : s_(std::exchange(other.s_, nullptr)), db_(other.db_) {}
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt() {
    if (s_) sqlite3_reset(s_);
  }

  Stmt& Bind(int index, std::string_view text);
  Stmt& Bind(int index, ByteView blob);
  Stmt& Bind(int index, int64_t value);

  // True when a row is ready, false when done; an error is returned as Status.
  Result<bool> Step();
  // Steps to completion (for statements that return no rows).
  Status Run();

  std::string Text(int col) const;
  ByteView Blob(int col) const;
  int64_t Int(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_;
  Db* db_;
};

class Db {
 public:
  // Opens (and, if `create`, creates with mode 0600) the database file.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status Exec(const char* sql);
  // A cached prepared statement, reset and with bindings cleared.
  Result<Stmt> Prepare(const char* sql);

  // Maps the connection's last error to a Status, with `context` in front.
  Status ErrorStatus(int rc, std::string_view context) const;

  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::map<const char*, sqlite3_stmt*> cache_;  // keyed by the literal's address: SQL is always a literal
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed before Commit().
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Db& db);
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Db& db) : db_(db) {}
  Db& db_;
  bool done_ = false;
};

}  // namespace caseboard::store::internal
