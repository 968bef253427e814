#pragma once
// The ReadTx operations over one PostgreSQL connection, written once for both kinds of
// transaction: PgReadTx serves read() (a READ ONLY, REPEATABLE READ transaction), and
// PgReads<WriteTx> is the base of PgWriteTx. Plain SELECTs, no row locks: the write
// transaction adds those where it needs them (see pg_write_tx.h).
//
// Threads: used by the thread holding the connection's lease.

#include "regend/storage/postgres/pg_connection.h"
#include "regend/storage/store.h"

namespace regen::storage {

template <typename Interface>  // ReadTx or WriteTx
class PgReads : public Interface {
 public:
  // REQUIRES: a transaction is open on `connection`, which outlives this object.
  explicit PgReads(PgConnection& connection) : db_(connection) {}

  std::optional<AlertRow> find_alert(std::string_view source,
                                     std::string_view external_id) override;
  std::optional<AlertRow> find_alert_by_id(int64_t id) override;
  Page<AlertRow> list_alerts(const AlertFilter& filter, const PageRequest& page) override;
  std::optional<IncidentRow> find_incident(int64_t id) override;
  std::optional<IncidentRow> find_incident_by_number(int64_t incident_number) override;
  Page<IncidentRow> list_incidents(const IncidentFilter& filter, const PageRequest& page) override;
  Page<AlertRow> list_incident_alerts(int64_t incident_id, int64_t limit) override;
  std::vector<TimelineEntry> list_timeline(int64_t incident_id) override;
  Page<TimelineEntry> list_timeline_page(int64_t incident_id, const PageRequest& page) override;
  int64_t count_outbox(int64_t at_most) override;
  int64_t rules_version() override;
  // Rules that fail to parse are skipped with a warning naming their id.
  domain::RuleSet load_rules() override;
  std::vector<StoredRoutingRule> list_routing_rules() override;
  std::optional<StoredRoutingRule> find_routing_rule(int64_t id) override;
  std::vector<StoredGroupingRule> list_grouping_rules() override;
  std::optional<StoredGroupingRule> find_grouping_rule(int64_t id) override;
  std::optional<TokenRow> find_token(std::string_view key_id) override;
  std::vector<TokenRow> list_tokens(bool include_revoked) override;

 protected:
  PgConnection& db_;
};

extern template class PgReads<ReadTx>;
extern template class PgReads<WriteTx>;

using PgReadTx = PgReads<ReadTx>;

}  // namespace regen::storage
