// The board's store in one SQLite file (the default; see store.h).
#pragma once

#include <memory>
#include <string>

#include "store.h"

namespace caseboard::server {

// Opens the store at `path`; `create` makes a new file (failing if one
// exists) and its schema. ":memory:" with `create` gives a store in memory (for tests).
Result<std::unique_ptr<ServerStore>> OpenSqliteStore(const std::string& path, bool create);

}  // namespace caseboard::server
