#pragma once
// Schema migrations, compiled into the binary from migrations/<backend>/NNNN_name.sql
// (cmake/EmbedMigrations.cmake). Each backend applies them in ascending version order, each
// in its own transaction with its schema_migrations row, under a lock.

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
