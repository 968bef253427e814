#include "regend/storage/open_store.h"

#include <filesystem>

#include "regend/storage/postgres/pg_store.h"
#include "regend/storage/postgres/pg_url.h"
#include "regend/storage/sqlite/sqlite_store.h"

namespace regen::storage {

std::string redact_url(const std::string& url) { return mask_password(url); }

Result<std::unique_ptr<Store>> open_store(const config::Config& config, std::size_t callers) {
  const std::string& url = config.storage.database_url;
  if (url.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(config.storage.data_dir, ec);
    if (ec) {
      return Error{ErrorCode::kUnavailable,
                   "cannot create data directory " + config.storage.data_dir + ": " + ec.message()};
    }
    std::string path = (std::filesystem::path(config.storage.data_dir) / "regen.db").string();
    try {
      return std::unique_ptr<Store>(std::make_unique<SqliteStore>(path));
    } catch (const StoreError& e) {
      return Error{e.code(), e.what()};
    }
  }
  if (url.rfind("postgres://", 0) != 0 && url.rfind("postgresql://", 0) != 0) {
    return Error{ErrorCode::kInvalidArgument,
                 "storage.database_url must start with postgres:// (got " + redact_url(url) + ")"};
  }
  // Connections open lazily, so constructing never fails on an unreachable server; the
  // migrate() at start-up is where an unreachable database is reported (kUnavailable).
  PgSettings settings;
  settings.url = url;
  settings.pool_size = callers;
  return std::unique_ptr<Store>(std::make_unique<PgStore>(settings));
}

}  // namespace regen::storage
