#include "open_store.h"

#include <algorithm>

#include "pg_store.h"
#include "sqlite_store.h"
#include "store_pool.h"

namespace caseboard::server {

namespace {

bool IsPostgresUrl(const std::string& s) {
  return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}

}  // namespace

Status CheckDatabaseUrl(const std::string& database) {
  if (database.empty() || IsPostgresUrl(database)) return Status::Ok();
  if (database.rfind("sqlite:", 0) == 0 && database.size() > 7) return Status::Ok();
  return Status::InvalidArgument("--database must be sqlite:PATH or a postgresql:// URL");
}

Result<std::unique_ptr<ServerStore>> OpenStore(const std::string& database, const DataDir& dir, bool create,
                                               size_t connections) {
  CB_RETURN_IF_ERROR(CheckDatabaseUrl(database));
  std::vector<std::unique_ptr<ServerStore>> members;
  if (IsPostgresUrl(database)) {
    // The first connection creates or checks the schema; the others only check it.
    for (size_t i = 0; i < std::max<size_t>(connections, 1); ++i) {
      CB_ASSIGN_OR_RETURN(auto conn, OpenPgStore(database, create && i == 0));
      members.push_back(std::move(conn));
    }
  } else {
    std::string path = database.empty() ? dir.sqlite_db() : database.substr(7);
    CB_ASSIGN_OR_RETURN(auto conn, OpenSqliteStore(path, create));
    members.push_back(std::move(conn));
  }
  return std::unique_ptr<ServerStore>(std::make_unique<StorePool>(std::move(members)));
}

}  // namespace caseboard::server
