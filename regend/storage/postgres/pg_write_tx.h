#pragma once
// PgStore's WriteTx: the primitive row operations, each one parameterized statement on the
// connection that holds the transaction. Its reads are PgReads', shared with read().
// Ingestion's statements are prepared once per connection; those whose results an operation
// does not return are deferred (sent without waiting, see PgConnection::defer), and the rows
// of new alerts, links and incident events are buffered into one statement per table
// (PgConnection::defer_row). With prefetch, which reads a batch's alerts and open incidents
// up front, a batch of new alerts costs the server about six statements and as many round
// trips in all, instead of several of each per alert (docs/notes/write-path-perf.md, §5).
//
// Concurrency with other writers (other threads, other regend instances) under READ COMMITTED:
// - find_alert and prefetch lock the alert rows they return (FOR UPDATE): two transactions
//   updating one alert serialize. find_incident and find_incident_by_number lock theirs too: every
//   change to an incident reads it, checks it (a status transition) and writes the whole row back.
// - insert_alert is deferred too (its id is drawn from the sequence beforehand): when a
//   concurrent transaction inserted the same (source, external_id) first, the unique violation
//   throws StoreError(kUnavailable) from the next operation or the COMMIT, so the caller
//   retries the batch and find_alert sees the row.
// - find_open_incident and prefetch take a transaction-scoped advisory lock on the group key
//   before looking (once per group and transaction; prefetch in sorted order), so two writers
//   cannot both miss the open incident and both create one.
// Lock waits are bounded by statement_timeout; a deadlock between two such writers is detected
// by the server and surfaces as kUnavailable.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "regend/storage/postgres/pg_connection.h"
#include "regend/storage/postgres/pg_reads.h"
#include "regend/storage/store.h"

namespace regen::storage {

class PgWriteTx final : public PgReads<WriteTx> {
 public:
  // REQUIRES: a transaction is open on `connection`, which outlives this object.
  explicit PgWriteTx(PgConnection& connection) : PgReads(connection) {}

  // Reads and locks (FOR UPDATE) the alerts and each group's newest open incident, one
  // statement each (per source for alerts), after taking the groups' locks in sorted order.
  // The lookups below then answer from what this transaction knows (see known_alerts_).
  bool prefetch(std::span<const AlertKey> alerts, std::span<const std::string> group_keys) override;
  // Locks the row it returns (FOR UPDATE), unlike the read transaction's.
  std::optional<AlertRow> find_alert(std::string_view source,
                                     std::string_view external_id) override;
  // Lock the incident they return (FOR UPDATE): a status change reads, checks the transition
  // and writes the whole row, so two of them racing must not both see the old status.
  std::optional<IncidentRow> find_incident(int64_t id) override;
  std::optional<IncidentRow> find_incident_by_number(int64_t incident_number) override;
  int64_t insert_alert(const AlertRow& row) override;
  void update_alert(const AlertRow& row) override;
  bool acknowledge_alert(int64_t id, Timestamp at) override;
  std::optional<IncidentRow> find_open_incident(std::string_view group_key,
                                                Timestamp not_before) override;
  IncidentRow insert_incident(const IncidentRow& row) override;
  void update_incident(const IncidentRow& row) override;
  void link_alert(int64_t incident_id, int64_t alert_id, int64_t occurrence, Timestamp at) override;
  std::optional<int64_t> resolve_link(int64_t alert_id, int64_t occurrence, Timestamp at) override;
  int64_t count_unresolved_links(int64_t incident_id) override;
  int64_t append_timeline(const TimelineEntry& entry) override;
  // Deferred (PgConnection::defer), as are update_alert, update_incident and the group locks;
  // insert_alert, link_alert and append_event buffer their rows (PgConnection::defer_row). Their
  // errors throw from the next operation that reads a result, or fail the COMMIT.
  void enqueue_outbox(const OutboxEvent& event) override;
  void append_event(const TimelineEntry& entry) override;
  bool record_delivery(std::string_view source, std::string_view delivery_id,
                       Timestamp at) override;
  int64_t insert_routing_rule(const domain::RoutingRuleRecord& rule, Timestamp at) override;
  int64_t insert_grouping_rule(const domain::GroupingRuleRecord& rule, Timestamp at) override;
  bool update_routing_rule(int64_t id, const domain::RoutingRuleRecord& rule,
                           Timestamp at) override;
  bool update_grouping_rule(int64_t id, const domain::GroupingRuleRecord& rule,
                            Timestamp at) override;
  bool delete_routing_rule(int64_t id, Timestamp at) override;
  bool delete_grouping_rule(int64_t id, Timestamp at) override;
  // A concurrent insert of the same name waits for the other transaction, then conflicts
  // when it committed.
  int64_t insert_token(const TokenRow& token) override;
  bool revoke_token(std::string_view name, Timestamp at) override;
  void touch_token(int64_t id, Timestamp at) override;

  // pg_bulk.cpp: multi-row INSERTs; ids drawn from the tables' sequences up front, so rows of
  // other writers interleave safely.
  void bulk_insert_incidents(std::span<IncidentRow> rows) override;
  void bulk_insert_alerts(std::span<AlertRow> rows) override;
  void bulk_insert_links(std::span<const AlertLink> links) override;
  void bulk_append_timeline(std::span<const TimelineEntry> entries) override;

 private:
  // Bumps the rules version when `changed` (rows a rule UPDATE/DELETE affected) is not 0.
  bool rule_changed(int64_t changed);
  void bump_rules_version();

  // Lets the containers below be searched by a string_view, without a copy.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  void lock_group(std::string_view group_key);
  void lock_groups(std::span<const std::string_view> group_keys);
  // known_alerts_'s key: source and external id, NUL-separated.
  static std::string alert_key(std::string_view source, std::string_view external_id);

  // What this transaction knows of alerts it looked up (prefetch, find_alert): the row as this
  // transaction left it, locked, or nullopt when there was none. A row another writer inserts
  // meanwhile under a key known absent makes this transaction's insert fail (kUnavailable,
  // retried), as it would without the cache.
  std::unordered_map<std::string, std::optional<AlertRow>> known_alerts_;
  // The newest open incident (kFindOpenIncident's order, without the window) of groups this
  // transaction holds the lock of, locked, or nullopt when the group had none.
  std::unordered_map<std::string, std::optional<IncidentRow>, StringHash, std::equal_to<>>
      open_incidents_;

  // Group keys whose advisory lock this transaction holds (transaction-scoped: released at
  // COMMIT or ROLLBACK, when this object goes too; no savepoint releases one earlier).
  std::unordered_set<std::string, StringHash, std::equal_to<>> locked_groups_;

  // The next id of alerts' sequence, drawn in blocks (kNextAlertIds in pg_write_tx.cpp).
  int64_t next_alert_id();
  std::vector<int64_t> alert_ids_;   // drawn and not used yet, largest first
  int64_t alert_id_block_ = 0;       // ids per draw: 1, then doubling
  int64_t expected_new_alerts_ = 0;  // inserts prefetch expects: the size of the next draw
};

}  // namespace regen::storage
