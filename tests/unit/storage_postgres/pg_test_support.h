#pragma once
// What the PostgreSQL store tests share: one real server per test binary run, a fresh database
// per test case, sample rows, and raw SQL for checks the store itself never makes.

#include <memory>
#include <string>

#include "regend/storage/postgres/pg_connection.h"
#include "regend/storage/postgres/pg_settings.h"
#include "regend/storage/postgres/pg_store.h"
#include "tests/support/postgres_server.h"

namespace regen::storage::pgtest {

// Started on first use, reused by every test case of this run, stopped at exit.
test::PostgresServer& server();

// The URL of a new, empty database (t_<n>) on server(): test cases stay independent.
std::string fresh_database();

// Settings for `url` with the source tree's migrations and short timeouts.
PgSettings settings_for(const std::string& url);

// A store on a fresh database, already migrated.
std::unique_ptr<PgStore> migrated_store();
std::unique_ptr<PgStore> migrated_store(const std::string& url);

// A connection of its own to `url` (no statement timeout), for raw SQL.
std::unique_ptr<PgConnection> connect(const std::string& url);
int64_t query_int(const std::string& url, const char* sql);

// Runs `body` in a write and REQUIREs it to succeed.
void write_ok(Store& store, const std::function<void(WriteTx&)>& body);

Timestamp ms(int64_t millis);
AlertRow sample_alert(const std::string& external_id);
IncidentRow sample_incident(const std::string& group_key, int64_t created_ms);

}  // namespace regen::storage::pgtest
