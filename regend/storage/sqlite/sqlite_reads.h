#pragma once
// The ReadTx operations over one SQLite connection, written once for both kinds of transaction:
// SqliteReads<ReadTx> serves read() on a reader connection, SqliteReads<WriteTx> is the base
// of the write transaction. Fixed statements are prepared once per connection and reused.
//
// Threads: one object per connection, used by the thread holding that connection.

#include <SQLiteCpp/SQLiteCpp.h>

#include <map>
#include <memory>

#include "regend/storage/store.h"

namespace regen::storage {

template <typename Interface>  // ReadTx or WriteTx
class SqliteReads : public Interface {
 public:
  // `db` must outlive this object.
  explicit SqliteReads(SQLite::Database& db) : db_(db) {}

  // Resets every cached statement. A stepped but unreset SELECT keeps a read transaction open
  // after COMMIT, which pins the WAL (no checkpoint) and blocks other writers: call this
  // before the transaction ends, whichever way it ends. Never throws.
  void reset_statements() noexcept;

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
  domain::RuleSet load_rules() override;
  std::vector<StoredRoutingRule> list_routing_rules() override;
  std::optional<StoredRoutingRule> find_routing_rule(int64_t id) override;
  std::vector<StoredGroupingRule> list_grouping_rules() override;
  std::optional<StoredGroupingRule> find_grouping_rule(int64_t id) override;
  std::optional<TokenRow> find_token(std::string_view key_id) override;
  std::vector<TokenRow> list_tokens(bool include_revoked) override;

 protected:
  // The prepared statement for `sql` (a string constant: its address is the key), reset and
  // with its bindings cleared.
  SQLite::Statement& statement(const char* sql);
  // Runs a one-row, one-column SELECT COUNT(*) or the like.
  int64_t single_int(SQLite::Statement& st);

  SQLite::Database& db_;

 private:
  std::map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

extern template class SqliteReads<ReadTx>;
extern template class SqliteReads<WriteTx>;

}  // namespace regen::storage
