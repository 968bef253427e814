#include "tests/unit/storage_postgres/pg_test_support.h"

#include <catch2/catch.hpp>

#include <atomic>

#include "regend/storage/row_codec.h"

namespace regen::storage::pgtest {

test::PostgresServer& server() {
  static test::PostgresServer instance;
  return instance;
}

std::string fresh_database() { return server().create_database(); }

PgSettings settings_for(const std::string& url) {
  PgSettings settings;
  settings.url = url;
  settings.connect_timeout = std::chrono::milliseconds(3000);
  settings.statement_timeout = std::chrono::milliseconds(10000);
  settings.migrations_dir = std::string(REGEN_SOURCE_DIR) + "/migrations/postgres";
  return settings;
}

std::unique_ptr<PgStore> migrated_store() { return migrated_store(fresh_database()); }

std::unique_ptr<PgStore> migrated_store(const std::string& url) {
  auto store = std::make_unique<PgStore>(settings_for(url));
  Status migrated = store->migrate();
  INFO((migrated ? "" : migrated.error().message));
  REQUIRE(migrated.ok());
  return store;
}

std::unique_ptr<PgConnection> connect(const std::string& url) {
  PgSettings settings = settings_for(url);
  settings.statement_timeout = std::chrono::milliseconds(0);
  return PgConnection::open(settings);
}

int64_t query_int(const std::string& url, const char* sql) {
  return connect(url)->exec(sql).int64(0, 0);
}

void write_ok(Store& store, const std::function<void(WriteTx&)>& body) {
  Status status = store.write([&](WriteTx& tx) -> Status {
    body(tx);
    return {};
  });
  INFO((status ? "" : status.error().message));
  REQUIRE(status.ok());
}

Timestamp ms(int64_t millis) { return from_millis(millis); }

AlertRow sample_alert(const std::string& external_id) {
  AlertRow row;
  row.alert.source = "prometheus";
  row.alert.external_id = external_id;
  row.alert.title = "DiskFull on db-1";
  row.alert.description = "95% used";
  row.alert.severity = domain::Severity::kCritical;
  row.alert.status = domain::AlertStatus::kFiring;
  row.alert.labels = {{"alertname", "DiskFull"}, {"instance", "db-1"}};
  row.alert.annotations = {{"summary", "disk almost full"}};
  row.alert.started_at = ms(1'700'000'000'000);
  row.alert.raw = R"({"fingerprint":")" + external_id + R"("})";
  row.received_at = ms(1'700'000'000'500);
  row.updated_at = row.received_at;
  return row;
}

IncidentRow sample_incident(const std::string& group_key, int64_t created_ms) {
  IncidentRow row;
  row.title = "DiskFull";
  row.severity = domain::Severity::kCritical;
  row.status = IncidentStatus::kTriggered;
  row.group_key = group_key;
  row.created_at = ms(created_ms);
  row.updated_at = ms(created_ms);
  return row;
}

}  // namespace regen::storage::pgtest
