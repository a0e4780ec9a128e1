// The board's store in PostgreSQL, so that several board processes can share it.
#pragma once

#include <memory>
#include <string>

#include "store.h"

namespace caseboard::server {

// Connects to `url` (a libpq connection URI); `create` makes the schema if
// the database has none.
Result<std::unique_ptr<ServerStore>> OpenPgStore(const std::string& url, bool create);

}  // namespace caseboard::server
