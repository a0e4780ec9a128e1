// Private to core/store: the vault's SQL schema and its migrations.
//
// The schema version lives in SQLite's `PRAGMA user_version`. Each migration
// takes the file from version N to N+1 inside one transaction, so a vault is
// never left half-migrated. A file whose version is newer than this build
// knows is refused rather than guessed at.
#pragma once

#include "caseboard/status.h"
#include "sqlite_db.h"

namespace caseboard::store::internal {

constexpr int kSchemaVersion = 1;

Result<int> ReadSchemaVersion(Db& db);
// Brings a vault at any older version up to kSchemaVersion.
Status Migrate(Db& db);

}  // namespace caseboard::store::internal
