#include "schema.h"

#include <string>

namespace caseboard::store::internal {
namespace {

// Only ids, sizes and sequence numbers are stored in the clear. Every value
// column holds AES-256-GCM ciphertext (nonce || ciphertext || tag).
constexpr const char* kMigrations[] = {
    // 0 -> 1: the first vault format.
    R"sql(
      CREATE TABLE meta(
        key   TEXT PRIMARY KEY,
        value BLOB NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE records(
        review TEXT NOT NULL,
        kind   TEXT NOT NULL,
        id     TEXT NOT NULL,
        value  BLOB NOT NULL,
        PRIMARY KEY(review, kind, id)
      );
      CREATE TABLE attachments(
        review   TEXT NOT NULL,
        id       TEXT NOT NULL,
        blob     TEXT NOT NULL,
        size     INTEGER NOT NULL,
        manifest BLOB NOT NULL,
        PRIMARY KEY(review, id)
      );
      CREATE TABLE attachment_chunks(
        blob TEXT NOT NULL,
        idx  INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY(blob, idx)
      );
    )sql",
};

static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion,
              "one migration per schema version");

}  // namespace

Result<int> ReadSchemaVersion(Db& db) {
  CB_ASSIGN_OR_RETURN(Stmt st, db.Prepare("PRAGMA user_version"));
  CB_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Corruption("vault database has no schema version");
  return static_cast<int>(st.Int(0));
}

Status Migrate(Db& db) {
  CB_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(db));
  if (version > kSchemaVersion) {
    return Status::Unsupported("this vault was written by a newer Caseboard (vault format " +
                               std::to_string(version) + ", this build reads up to " +
                               std::to_string(kSchemaVersion) + "); install the newer Caseboard to open it");
  }
  if (version < 0) return Status::Corruption("vault schema version is negative");
  while (version < kSchemaVersion) {
    CB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
    CB_RETURN_IF_ERROR(db.Exec(kMigrations[version])
                           .WithContext("migrating the vault to format " + std::to_string(version + 1)));
    std::string set_version = "PRAGMA user_version = " + std::to_string(version + 1);
    CB_RETURN_IF_ERROR(db.Exec(set_version.c_str()));
    CB_RETURN_IF_ERROR(txn->Commit());
    ++version;
  }
  return Status::Ok();
}

}  // namespace caseboard::store::internal
