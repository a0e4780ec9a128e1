// A thin RAII layer over the SQLite C API for the board's store: prepared
// statements cached per connection, transactions that roll back unless
// committed, and SQLite result codes turned into Status values.
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

namespace caseboard::server::sqlite {

class Db;

// A cached prepared statement, reset when the handle goes away so that a
// SELECT left on a row does not hold its read transaction open (which would
// keep SQLite from checkpointing the WAL).
class Stmt {
 public:
  Stmt(sqlite3_stmt* s, Db* db) : s_(s), db_(db) {}
  Stmt(Stmt&& other) noexcept : s_(std::exchange(other.s_, nullptr)), db_(other.db_) {}
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt() {
    if (s_) sqlite3_reset(s_);
  }

  Stmt& Bind(int index, std::string_view text);
  Stmt& Bind(int index, ByteView blob);
  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, uint64_t value) { return Bind(index, static_cast<int64_t>(value)); }

  // True when a row is ready, false when done.
  Result<bool> Step();
  // Steps to completion (statements that return no rows).
  Status Run();

  std::string Text(int col) const;
  Bytes Blob(int col) const;
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  uint64_t U64(int col) const { return static_cast<uint64_t>(sqlite3_column_int64(s_, col)); }

 private:
  sqlite3_stmt* s_;
  Db* db_;
};

class Db {
 public:
  // Opens the database file, creating it with mode 0600 if `create`.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status Exec(const char* sql);
  // A cached statement, reset, bindings cleared. `sql` must be a literal:
  // the cache is keyed by its address.
  Result<Stmt> Prepare(const char* sql);
  // Statements built at run time (a variable IN list), not cached.
  Result<sqlite3_stmt*> PrepareOnce(const std::string& sql);

  Status ErrorStatus(int rc, std::string_view context) const;
  int Changes() const { return sqlite3_changes(db_); }
  const std::string& path() const { return path_; }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE (so a writer waits for the lock up front, under
// busy_timeout, instead of failing on upgrade) ... COMMIT; rolls back if
// destroyed before Commit().
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

}  // namespace caseboard::server::sqlite
