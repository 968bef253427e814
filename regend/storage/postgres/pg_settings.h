#pragma once
// How PgStore reaches its database. Plain data, copied into the store at construction.

#include <chrono>
#include <cstddef>
#include <string>

namespace regen::storage {

struct PgSettings {
  // A libpq connection URI, postgres://user:pass@host:port/db?param=value..., or a key=value
  // conninfo string. Several hosts and target_session_attrs=read-write work as libpq documents.
  std::string url;
  // Connections opened (lazily) at most; one per concurrent caller.
  std::size_t pool_size = 4;
  // Bounds one connection attempt (libpq rounds it up to whole seconds, at least 2) and how long
  // a caller waits for a free pooled connection.
  std::chrono::milliseconds connect_timeout{5000};
  // Server-side limit for each statement of the pooled connections; 0 disables it.
  std::chrono::milliseconds statement_timeout{5000};
  // Folder of NNNN_name.sql files; empty: the migrations compiled into the binary.
  std::string migrations_dir;
};

}  // namespace regen::storage
