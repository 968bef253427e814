#pragma once
// SqliteStore's WriteTx: the primitive row operations over the write connection, with every
// statement prepared once and reused. Its reads are SqliteReads', shared with read().

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>

#include "regend/storage/sqlite/sqlite_reads.h"
#include "regend/storage/sqlite/sqlite_store.h"

namespace regen::storage {

class SqliteStore::Tx final : public SqliteReads<WriteTx> {
 public:
  using SqliteReads::SqliteReads;

  // Call as each write transaction begins: drops what was cached from the previous one.
  void begin() { next_incident_number_.reset(); }

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
  void enqueue_outbox(const OutboxEvent& event) override;
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
  int64_t insert_token(const TokenRow& token) override;
  bool revoke_token(std::string_view name, Timestamp at) override;
  void touch_token(int64_t id, Timestamp at) override;

  // sqlite_bulk.cpp
  void bulk_insert_incidents(std::span<IncidentRow> rows) override;
  void bulk_insert_alerts(std::span<AlertRow> rows) override;
  void bulk_insert_links(std::span<const AlertLink> links) override;
  void bulk_append_timeline(std::span<const TimelineEntry> entries) override;

 private:
  // Runs `insert` (`per_row` placeholders a row, kBulkRows rows) for every full group of rows,
  // then `insert_one` for the rest; bind(st, first_index, row_index) binds one row.
  template <typename Bind>
  void insert_in_groups(const std::string& insert, const std::string& insert_one, int per_row,
                        std::size_t count, Bind bind);
  // Binds `row` (text without copying: see bind_view in the .cpp); `row` must outlive the
  // statement's execution. Uses labels_json_ and annotations_json_.
  void bind_alert(SQLite::Statement& st, const AlertRow& row);
  void bind_incident(SQLite::Statement& st, const IncidentRow& row);
  // Runs an UPDATE/DELETE of one rule; bumps the rules version when it changed a row.
  bool change_rule(SQLite::Statement& st);
  void bump_rules_version();

  // The next incident_number, once read in this transaction.
  std::optional<int64_t> next_incident_number_;
  // The encoded maps of the alert being written, bound without copying.
  std::string labels_json_;
  std::string annotations_json_;
};

}  // namespace regen::storage
