#pragma once
// Which PostgreSQL failures are worth a retry, and the StoreError each failure becomes.

#include <string>
#include <string_view>

#include "regend/storage/store.h"

struct pg_conn;
struct pg_result;

namespace regen::storage {

// A libpq message without its trailing newline; "" for null.
std::string trimmed(const char* text);

// True for SQLSTATEs that a later retry can succeed after: connection exceptions (08*),
// statement timeout (57014), serialization failure (40001), deadlock (40P01), server shutting
// down or starting (57P01-57P03), insufficient resources (53*, e.g. too many connections),
// read-only transaction (25006: a demoted primary during failover), lock timeout (55P03).
bool is_retryable_sqlstate(std::string_view sqlstate);

// The StoreError for a failed statement. `result` may be null (libpq could not even build
// one). A connection no longer CONNECTION_OK is always kUnavailable.
StoreError query_error(pg_conn* conn, const pg_result* result);

}  // namespace regen::storage
