#pragma once
// The PostgreSQL migration runner. Several regend instances may start together: the runner
// holds a session advisory lock for the whole run, so each migration is applied exactly once.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "regend/storage/postgres/pg_connection.h"

namespace regen::storage {

struct PgMigration {
  int64_t version = 0;
  std::string name;  // "0001_initial"
  std::string sql;
};

// The NNNN_name.sql files of `dir`, ascending by number; other files are ignored. kInternal
// naming the path when the folder or a file cannot be read, a .sql file does not start with
// its number, or two files share one.
Result<std::vector<PgMigration>> read_migrations(const std::string& dir);

// The postgres migrations compiled into the binary (regend/storage/migrations.h).
std::vector<PgMigration> embedded_pg_migrations();

// On `connection` (dedicated: it holds the lock, and its statements must not time out):
// creates schema_migrations if needed, refuses a database newer than `migrations` (kInternal),
// then applies each migration not yet recorded, each in its own transaction with its
// schema_migrations row. kUnavailable when the connection fails, kInternal naming the file when
// a migration fails (that migration is rolled back; earlier ones stay).
Status apply_migrations(PgConnection& connection, const std::vector<PgMigration>& migrations);

}  // namespace regen::storage
