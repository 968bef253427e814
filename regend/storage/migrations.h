#pragma once
// Schema migrations, compiled into the binary from migrations/<backend>/NNNN_name.sql
// (cmake/EmbedMigrations.cmake; ordered by the zero-padded number in the file name). Backends
// apply the pending ones in ascending version order under a lock, recording each in
// schema_migrations in the same transaction as the migration itself.

#include <string_view>
#include <vector>

namespace regen::storage {

struct Migration {
  int version = 0;
  std::string_view name;  // "0001_initial"
  std::string_view sql;
};

// The migrations for "sqlite" or "postgres", ascending by version.
std::vector<Migration> embedded_migrations(std::string_view backend);

}  // namespace regen::storage
