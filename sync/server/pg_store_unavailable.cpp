// Built instead of pg_store.cpp when libpq was not found at configure time.
#include "pg_store.h"

namespace caseboard::server {

Result<std::unique_ptr<ServerStore>> OpenPgStore(const std::string& /*url*/, bool /*create*/) {
  return Status::Unsupported(
      "this caseboard-server was built without PostgreSQL support (libpq); leave out --database to use "
      "SQLite");
}

}  // namespace caseboard::server
