// Chooses the store from --database: SQLite in the data folder by default.
#pragma once

#include <memory>
#include <string>

#include "data_dir.h"
#include "store.h"

namespace caseboard::server {

// `database` is empty (board.db in the data folder), "sqlite:PATH", or a
// PostgreSQL URL ("postgresql://..." or "postgres://..."). `create` makes a
// new store (init); otherwise the store must exist.
//
// The store is thread-safe (StorePool). A PostgreSQL store holds
// `connections` connections, so that as many requests can use it at once;
// a SQLite store always holds one.
Result<std::unique_ptr<ServerStore>> OpenStore(const std::string& database, const DataDir& dir, bool create,
                                               size_t connections = 1);

// Checks the form of a --database value without opening anything.
Status CheckDatabaseUrl(const std::string& database);

}  // namespace caseboard::server
