#pragma once
// SqliteStore's WriteTx: the primitive row operations over the write connection, with every
// statement prepared once and reused.

#include <SQLiteCpp/SQLiteCpp.h>

#include <map>
#include <memory>

#include "regend/storage/sqlite/sqlite_store.h"

namespace regen::storage {

class SqliteStore::Tx final : public WriteTx {
 public:
  explicit Tx(SQLite::Database& db) : db_(db) {}

  // Resets every cached statement. A stepped but unreset SELECT keeps a read transaction open
  // after COMMIT, which pins the WAL (no checkpoint) and blocks other writers: call this
  // before the transaction ends, whichever way it ends.
  void reset_statements();

  std::optional<AlertRow> find_alert(std::string_view source,
                                     std::string_view external_id) override;
  int64_t insert_alert(const AlertRow& row) override;
  void update_alert(const AlertRow& row) override;
  std::optional<IncidentRow> find_open_incident(std::string_view group_key,
                                                Timestamp not_before) override;
  std::optional<IncidentRow> find_incident(int64_t id) override;
  IncidentRow insert_incident(const IncidentRow& row) override;
  void update_incident(const IncidentRow& row) override;
  void link_alert(int64_t incident_id, int64_t alert_id, int64_t occurrence, Timestamp at) override;
  std::optional<int64_t> resolve_link(int64_t alert_id, int64_t occurrence, Timestamp at) override;
  int64_t count_unresolved_links(int64_t incident_id) override;
  void append_timeline(const TimelineEntry& entry) override;
  void enqueue_outbox(const OutboxEvent& event) override;
  bool record_delivery(std::string_view source, std::string_view delivery_id,
                       Timestamp at) override;
  std::vector<TimelineEntry> list_timeline(int64_t incident_id) override;
  int64_t count_outbox() override;
  int64_t insert_routing_rule(const domain::RoutingRuleRecord& rule, Timestamp at) override;
  int64_t insert_grouping_rule(const domain::GroupingRuleRecord& rule, Timestamp at) override;
  int64_t rules_version() override;
  domain::RuleSet load_rules() override;

 private:
  // The prepared statement for `sql` (a string literal: its address is the key), reset.
  SQLite::Statement& statement(const char* sql);
  void bind_alert(SQLite::Statement& st, const AlertRow& row);
  void bind_incident(SQLite::Statement& st, const IncidentRow& row);
  void bump_rules_version();

  SQLite::Database& db_;
  std::map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace regen::storage
