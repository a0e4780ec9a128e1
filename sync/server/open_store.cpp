#include "open_store.h"

#include "pg_store.h"
#include "sqlite_store.h"

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

Result<std::unique_ptr<ServerStore>> OpenStore(const std::string& database, const DataDir& dir, bool create) {
  CB_RETURN_IF_ERROR(CheckDatabaseUrl(database));
  if (database.empty()) return OpenSqliteStore(dir.sqlite_db(), create);
  if (IsPostgresUrl(database)) return OpenPgStore(database, create);
  return OpenSqliteStore(database.substr(7), create);
}

}  // namespace caseboard::server
