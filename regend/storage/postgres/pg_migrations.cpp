#include "regend/storage/postgres/pg_migrations.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "regend/storage/migrations.h"
#include "regend/storage/store.h"

namespace regen::storage {
namespace {

namespace fs = std::filesystem;

// Key of the session advisory lock serializing migration runners ("regen\0mg").
constexpr int64_t kMigrationLockKey = 8243108378306440551;

Error internal(std::string message) { return Error{ErrorCode::kInternal, std::move(message)}; }

Result<PgMigration> read_migration(const fs::path& path) {
  const std::string name = path.stem().string();
  std::size_t digits = 0;
  while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
  if (digits == 0 || digits > 9) {
    return internal("migration " + path.string() + " does not start with its number");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream sql;
  sql << in.rdbuf();
  if (!in) return internal("cannot read migration " + path.string());
  return PgMigration{std::stoll(name.substr(0, digits)), name, sql.str()};
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status apply_one(PgConnection& db, const PgMigration& migration) {
  db.exec("BEGIN");
  try {
    db.exec_script(migration.sql);
    db.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            {migration.version, migration.name, now_ms()});
    db.exec("COMMIT");
  } catch (const StoreError& e) {
    try {
      db.exec("ROLLBACK");
    } catch (const StoreError&) {
      // The connection is gone: the server rolled back.
    }
    return Error{e.code(), "migration " + migration.name + " failed: " + e.what()};
  }
  spdlog::info("postgres: applied migration {}", migration.name);
  return {};
}

Status apply_locked(PgConnection& db, const std::vector<PgMigration>& migrations) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT, "
      "applied_at BIGINT)");
  PgResult rows = db.exec("SELECT version FROM schema_migrations");
  std::set<int64_t> applied;
  for (int i = 0; i < rows.rows(); ++i) applied.insert(rows.int64(i, 0));
  const int64_t known = migrations.empty() ? 0 : migrations.back().version;
  if (!applied.empty() && *applied.rbegin() > known) {
    return internal("database schema version " + std::to_string(*applied.rbegin()) +
                    " is newer than this regend (knows up to " + std::to_string(known) +
                    "); upgrade regend");
  }
  for (const PgMigration& migration : migrations) {
    if (applied.contains(migration.version)) continue;
    if (Status status = apply_one(db, migration); !status) return status;
  }
  return {};
}

}  // namespace

Result<std::vector<PgMigration>> read_migrations(const std::string& dir) {
  std::error_code ec;
  fs::directory_iterator entries(dir, ec);
  if (ec) return internal("cannot read migrations directory " + dir + ": " + ec.message());
  std::vector<PgMigration> migrations;
  for (const fs::directory_entry& entry : entries) {
    if (entry.path().extension() != ".sql") continue;
    auto migration = read_migration(entry.path());
    if (!migration) return migration.error();
    migrations.push_back(std::move(migration.value()));
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      return internal("migrations " + migrations[i - 1].name + " and " + migrations[i].name +
                      " in " + dir + " share a number");
    }
  }
  return migrations;
}

std::vector<PgMigration> embedded_pg_migrations() {
  std::vector<PgMigration> migrations;
  for (const Migration& migration : embedded_migrations("postgres")) {
    migrations.push_back(
        {migration.version, std::string(migration.name), std::string(migration.sql)});
  }
  return migrations;
}

Status apply_migrations(PgConnection& connection, const std::vector<PgMigration>& migrations) {
  try {
    connection.exec("SELECT pg_advisory_lock($1)", {kMigrationLockKey});
  } catch (const StoreError& e) {
    return Error{e.code(), std::string("cannot take the migration lock: ") + e.what()};
  }
  Status status;
  try {
    status = apply_locked(connection, migrations);
  } catch (const StoreError& e) {
    status = Error{e.code(), std::string("migration failed: ") + e.what()};
  }
  try {
    connection.exec("SELECT pg_advisory_unlock($1)", {kMigrationLockKey});
  } catch (const StoreError&) {
    // Only a lost connection makes this fail, and that released the lock with the session.
  }
  return status;
}

}  // namespace regen::storage
