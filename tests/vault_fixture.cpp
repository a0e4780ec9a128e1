#include "vault_fixture.h"

#include <algorithm>
#include <memory>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>

namespace caseboard::test {

std::unique_ptr<store::Vault> CreateVault(const std::string& dir) {
  auto v = store::Vault::Create(dir, AsBytes(kPassphrase), FastVaultOptions());
  REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  return std::move(v).value();
}

std::unique_ptr<store::Vault> OpenUnlocked(const std::string& dir, const char* passphrase) {
  auto v = store::Vault::Open(dir);
  REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  Status s = (*v)->Unlock(AsBytes(passphrase));
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return std::move(v).value();
}

store::ReadFn ReadFrom(const std::string& content) {
  auto offset = std::make_shared<size_t>(0);
  return [content, offset](std::span<uint8_t> buf) -> Result<size_t> {
    size_t n = std::min(buf.size(), content.size() - *offset);
    std::copy_n(content.data() + *offset, n, buf.data());
    *offset += n;
    return n;
  };
}

Result<store::AttachmentInfo> PutAttachmentBytes(store::Vault& vault, const std::string& review,
                                                 ByteView data, size_t piece) {
  size_t pos = 0;
  return vault.PutAttachment(review, [&](std::span<uint8_t> buf) -> Result<size_t> {
    size_t n = std::min({buf.size(), piece, data.size() - pos});
    if (n != 0) std::memcpy(buf.data(), data.data() + pos, n);
    pos += n;
    return n;
  });
}

Result<Bytes> ReadAttachmentBytes(const store::Vault& vault, const std::string& review,
                                  const std::string& id) {
  Bytes out;
  Status s = vault.ReadAttachment(review, id, [&](ByteView d) {
    out.insert(out.end(), d.begin(), d.end());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

void RawSql(const std::string& vault_dir, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string path = vault_dir + "/vault.db";
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) ==
          SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, msg);
}

void RawFlipByte(const std::string& vault_dir, const std::string& table, const std::string& column,
                 const std::string& where, size_t offset) {
  sqlite3* db = nullptr;
  std::string path = vault_dir + "/vault.db";
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  std::string select = "SELECT rowid, " + column + " FROM " + table + " WHERE " + where;
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, select.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::vector<std::pair<int64_t, Bytes>> rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, 1));
    rows.emplace_back(sqlite3_column_int64(st, 0), Bytes(p, p + sqlite3_column_bytes(st, 1)));
  }
  sqlite3_finalize(st);
  REQUIRE_FALSE(rows.empty());
  std::string update = "UPDATE " + table + " SET " + column + " = ?1 WHERE rowid = ?2";
  for (auto& [rowid, blob] : rows) {
    REQUIRE(offset < blob.size());
    blob[offset] ^= 0x01;
    REQUIRE(sqlite3_prepare_v2(db, update.c_str(), -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_blob(st, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, rowid);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
}

int64_t RawQueryInt(const std::string& vault_dir, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string path = vault_dir + "/vault.db";
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

std::vector<Bytes> AllChanges(const review::Replica& r) {
  std::vector<Bytes> out;
  Status s = r.ForEachChange([&](const crdt::Change& c) {
    out.push_back(c.sealed);
    return Status::Ok();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

}  // namespace caseboard::test
