#pragma once
// PgStore's WriteTx: the primitive row operations, each one parameterized statement on the
// connection that holds the transaction.
//
// Concurrency with other writers (other threads, other regend instances) under READ COMMITTED:
// - find_alert locks the row it returns (FOR UPDATE): two transactions updating one alert
//   serialize.
// - insert_alert never waits for a duplicate to be resolved by a unique violation: when a
//   concurrent transaction inserted the same (source, external_id) first, it throws
//   StoreError(kUnavailable) so the caller retries the batch and find_alert sees the row.
// - find_open_incident takes a transaction-scoped advisory lock on the group key before looking,
//   so two writers cannot both miss the open incident and both create one.
// Lock waits are bounded by statement_timeout; a deadlock between two such writers is detected
// by the server and surfaces as kUnavailable.

#include <vector>

#include "regend/storage/postgres/pg_connection.h"
#include "regend/storage/store.h"

namespace regen::storage {

class PgWriteTx final : public WriteTx {
 public:
  // REQUIRES: a transaction is open on `connection`, which outlives this object.
  explicit PgWriteTx(PgConnection& connection) : db_(connection) {}

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
  // Rules that fail to parse are skipped with a warning naming their id.
  domain::RuleSet load_rules() override;

 private:
  void bump_rules_version();

  PgConnection& db_;
};

}  // namespace regen::storage
