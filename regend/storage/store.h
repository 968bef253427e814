#pragma once
// The storage contract both backends (SQLite, PostgreSQL) implement. Backends provide
// transactions and primitive row operations; the logic deciding what to write (dedup, routing,
// grouping, timeline, outbox) lives once, in regend/domain, on top of WriteTx.
//
// Threads: every method blocks on the database and must run on a storage thread, never on an
// io thread. A WriteTx is used only by the thread that received it, only inside write().

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "regend/domain/alert.h"
#include "regend/domain/api_token.h"
#include "regend/domain/incident.h"
#include "regend/domain/rules.h"

namespace regen::storage {

using domain::IncidentStatus;
using domain::Timestamp;

struct AlertRow {
  int64_t id = 0;
  domain::NormalizedAlert alert;
  Timestamp received_at{};
  Timestamp updated_at{};
  int64_t occurrence = 1;  // bumped when a resolved alert fires again
  bool suppressed = false;
  std::optional<int64_t> incident_id;        // the incident of the current occurrence
  std::optional<Timestamp> acknowledged_at;  // set by the API; ingestion never changes it
};

struct IncidentRow {
  int64_t id = 0;
  int64_t incident_number = 0;
  std::string title;
  domain::Severity severity = domain::Severity::kWarning;
  IncidentStatus status = IncidentStatus::kTriggered;
  std::string summary;
  std::optional<std::string> commander;
  std::optional<std::string> group_key;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::optional<Timestamp> acknowledged_at;
  std::optional<Timestamp> resolved_at;
};

struct TimelineEntry {
  int64_t id = 0;  // assigned by the store; ignored by append_timeline
  int64_t incident_id = 0;
  std::string kind;          // incident_created, alert_linked, alert_resolved, ...
  std::string actor;         // "system" or a token's name
  std::string payload_json;  // compact JSON object
  Timestamp at{};
};

// One occurrence of an alert linked to an incident (a row of incident_alerts).
struct AlertLink {
  int64_t incident_id = 0;
  int64_t alert_id = 0;
  int64_t occurrence = 1;
  Timestamp linked_at{};
  std::optional<Timestamp> resolved_at;
};

struct OutboxEvent {
  std::string event_type;  // same vocabulary as timeline kinds
  std::optional<int64_t> incident_id;
  std::string payload_json;
  Timestamp at{};
};

// The outbox event that announces a timeline entry: its kind, incident, payload and time.
inline OutboxEvent outbox_event_for(const TimelineEntry& entry) {
  return {entry.kind, entry.incident_id, entry.payload_json, entry.at};
}

// What a backend throws from inside a transaction (connection lost, constraint violated);
// write() converts it to a Status. kUnavailable means "retry later", anything else is a bug or
// bad data.
class StoreError : public std::runtime_error {
 public:
  StoreError(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Keyset position in a newest-first list: the sort time and id of the last row already seen.
// The next page holds rows strictly older than (at, id), so rows arriving meanwhile (newer)
// neither shift nor repeat it.
struct Cursor {
  Timestamp at{};
  int64_t id = 0;
};

struct PageRequest {
  int64_t limit = 50;
  int64_t offset = 0;           // rows to skip (after the cursor position, when there is one)
  std::optional<Cursor> after;  // keyset start; none: from the newest
  // Counting stops here: an exact count reads every matching row, and lists at scale (1M
  // alerts) match far more rows than any page shows. 0: count them all.
  int64_t count_limit = 0;
};

template <typename Row>
struct Page {
  std::vector<Row> rows;
  // Rows matching the filter, ignoring limit, offset and cursor; when more than the request's
  // count_limit match, total is count_limit and total_exact is false (total is a lower bound).
  int64_t total = 0;
  bool total_exact = true;
};

// Incident list filters; every present condition must hold. Sorted newest first by
// (created_at, id).
struct IncidentFilter {
  std::vector<IncidentStatus> statuses;      // empty: any
  std::vector<domain::Severity> severities;  // empty: any
  std::optional<Timestamp> created_after;    // created_at >= this
  std::optional<Timestamp> created_before;   // created_at < this
  // Case-insensitive substring ("": any); SQLite folds ASCII letters only, PostgreSQL all.
  std::string title_contains;
};

// Alert list filters. Sorted newest first by (received_at, id).
struct AlertFilter {
  std::vector<std::string> sources;           // empty: any
  std::vector<domain::AlertStatus> statuses;  // empty: any
  std::vector<domain::Severity> severities;   // empty: any
};

// A rule row with its identity and times, as the rules API shows it.
struct StoredRoutingRule {
  int64_t id = 0;
  domain::RoutingRuleRecord record;
  Timestamp created_at{};
  Timestamp updated_at{};
};
struct StoredGroupingRule {
  int64_t id = 0;
  domain::GroupingRuleRecord record;
  Timestamp created_at{};
  Timestamp updated_at{};
};

// An API token as stored: never the token itself, only the SHA-256 of its secret part.
struct TokenRow {
  int64_t id = 0;
  std::string key_id;  // the public part of the token, unique, used to look it up
  std::string name;    // unique among tokens not revoked
  domain::Role role = domain::Role::kViewer;
  std::string secret_hash;  // lowercase hex SHA-256 of the whole token
  Timestamp created_at{};
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> revoked_at;
};

// Reads inside one transaction (a consistent snapshot on both backends). Errors throw
// StoreError like WriteTx.
class ReadTx {
 public:
  virtual ~ReadTx() = default;

  virtual std::optional<AlertRow> find_alert(std::string_view source,
                                             std::string_view external_id) = 0;
  virtual std::optional<AlertRow> find_alert_by_id(int64_t id) = 0;
  // Lists leave alert.raw empty: they never show it (find_alert_by_id does).
  virtual Page<AlertRow> list_alerts(const AlertFilter& filter, const PageRequest& page) = 0;

  virtual std::optional<IncidentRow> find_incident(int64_t id) = 0;
  virtual std::optional<IncidentRow> find_incident_by_number(int64_t incident_number) = 0;
  virtual Page<IncidentRow> list_incidents(const IncidentFilter& filter,
                                           const PageRequest& page) = 0;
  // The distinct alerts ever linked to the incident, most recently linked first, at most
  // `limit` (alert.raw empty, as in list_alerts); total counts them all.
  virtual Page<AlertRow> list_incident_alerts(int64_t incident_id, int64_t limit) = 0;

  // The incident's timeline, oldest first.
  virtual std::vector<TimelineEntry> list_timeline(int64_t incident_id) = 0;
  // One page of it, oldest first by (created_at, id); page.after is not used.
  virtual Page<TimelineEntry> list_timeline_page(int64_t incident_id, const PageRequest& page) = 0;
  // Outbox events not yet delivered, counted up to `at_most`: a count of every row reads the
  // whole table, and the store monitor counts every second.
  virtual int64_t count_outbox(int64_t at_most) = 0;

  // The rules version counter, bumped by every rule change (cache invalidation), and the rules.
  virtual int64_t rules_version() = 0;
  virtual domain::RuleSet load_rules() = 0;
  // Every rule row, enabled or not, by (priority, id).
  virtual std::vector<StoredRoutingRule> list_routing_rules() = 0;
  virtual std::optional<StoredRoutingRule> find_routing_rule(int64_t id) = 0;
  virtual std::vector<StoredGroupingRule> list_grouping_rules() = 0;
  virtual std::optional<StoredGroupingRule> find_grouping_rule(int64_t id) = 0;

  // Tokens by their public key id (revoked ones included: the caller decides).
  virtual std::optional<TokenRow> find_token(std::string_view key_id) = 0;
  // By creation, oldest first.
  virtual std::vector<TokenRow> list_tokens(bool include_revoked) = 0;
};

// An alert's identity: what find_alert looks it up by.
struct AlertKey {
  std::string_view source;
  std::string_view external_id;
};

// Primitive operations inside one transaction. Errors (constraint, connection lost) throw
// StoreError; write() catches it, rolls back and returns it as a Status. The alerts and
// incidents a WriteTx reads are locked for the rest of it where writers run concurrently
// (PostgreSQL: FOR UPDATE); SQLite has one writer at a time.
class WriteTx : public ReadTx {
 public:
  // A hint, before ingesting a batch: the alerts it will look up with find_alert and the group
  // keys with find_open_incident. A backend may read (and lock) them all at once, then answer
  // those lookups without asking the database again; results are the same either way. Returns
  // false when the backend ignores hints, so the caller need not work out more of them.
  // Default: ignores them (SQLite, in-process, gains nothing).
  virtual bool prefetch(std::span<const AlertKey> /*alerts*/,
                        std::span<const std::string> /*group_keys*/) {
    return false;
  }

  // Inserts and returns the new id. REQUIRES: no row with the same (source, external_id).
  virtual int64_t insert_alert(const AlertRow& row) = 0;
  // Overwrites the row's columns from `row` (acknowledged_at, owned by the API, is kept).
  virtual void update_alert(const AlertRow& row) = 0;
  // Sets acknowledged_at when it is not set yet; false when it already was (or no such alert).
  virtual bool acknowledge_alert(int64_t id, Timestamp at) = 0;

  // The newest incident with this group key that is still open (triggered or acknowledged)
  // and was created at or after `not_before`. Backends shared by several instances lock the
  // group key for the rest of the transaction, so two writers cannot both open an incident.
  virtual std::optional<IncidentRow> find_open_incident(std::string_view group_key,
                                                        Timestamp not_before) = 0;
  // Inserts with the next incident_number (monotonic, never reused); returns the stored row.
  virtual IncidentRow insert_incident(const IncidentRow& row) = 0;
  virtual void update_incident(const IncidentRow& row) = 0;

  virtual void link_alert(int64_t incident_id, int64_t alert_id, int64_t occurrence,
                          Timestamp at) = 0;
  // Marks that occurrence's link resolved; returns its incident, or nullopt when it had none
  // or the link was already resolved.
  virtual std::optional<int64_t> resolve_link(int64_t alert_id, int64_t occurrence,
                                              Timestamp at) = 0;
  // Links of the incident not yet resolved.
  virtual int64_t count_unresolved_links(int64_t incident_id) = 0;

  // Returns the new entry's id.
  virtual int64_t append_timeline(const TimelineEntry& entry) = 0;
  virtual void enqueue_outbox(const OutboxEvent& event) = 0;
  // append_timeline(entry), then enqueue_outbox(outbox_event_for(entry)), for callers that do
  // not need the entry's id (ingestion). A backend may write both with one statement, the
  // payload sent once, and send it without waiting for it; an error in it then throws from a
  // later operation or fails the commit, so it still fails the whole write.
  virtual void append_event(const TimelineEntry& entry) {
    append_timeline(entry);
    enqueue_outbox(outbox_event_for(entry));
  }

  // Records a delivery id; false when it was recorded before (the delivery is a replay).
  virtual bool record_delivery(std::string_view source, std::string_view delivery_id,
                               Timestamp at) = 0;

  // Rule rows as stored (JSON columns validated by the caller with domain::parse_*). Every
  // change bumps the rules version so every instance reloads its cache. Insert returns the
  // new id; update and delete return false when no rule has that id.
  virtual int64_t insert_routing_rule(const domain::RoutingRuleRecord& rule, Timestamp at) = 0;
  virtual int64_t insert_grouping_rule(const domain::GroupingRuleRecord& rule, Timestamp at) = 0;
  virtual bool update_routing_rule(int64_t id, const domain::RoutingRuleRecord& rule,
                                   Timestamp at) = 0;
  virtual bool update_grouping_rule(int64_t id, const domain::GroupingRuleRecord& rule,
                                    Timestamp at) = 0;
  virtual bool delete_routing_rule(int64_t id, Timestamp at) = 0;
  virtual bool delete_grouping_rule(int64_t id, Timestamp at) = 0;

  // Inserts and returns the new id. Throws StoreError(kConflict) when a token that is not
  // revoked already has this name.
  virtual int64_t insert_token(const TokenRow& token) = 0;
  // Revokes the token with this name that is not revoked yet; false when there is none.
  virtual bool revoke_token(std::string_view name, Timestamp at) = 0;
  virtual void touch_token(int64_t id, Timestamp at) = 0;

  // Bulk loading of synthetic data sets for benchmarks (the admin command bench.seed): many
  // rows per statement, and none of the logic of the operations above (no dedup, routing,
  // grouping or outbox). The inserts give each row its id (and each incident its
  // incident_number, both in row order) and store every column, acknowledged_at included.
  // REQUIRES: the rows' ids are 0; the alerts' (source, external_id) are not stored yet (a
  // duplicate throws StoreError and fails the transaction).
  virtual void bulk_insert_incidents(std::span<IncidentRow> rows) = 0;
  virtual void bulk_insert_alerts(std::span<AlertRow> rows) = 0;
  // REQUIRES: the incidents and alerts exist.
  virtual void bulk_insert_links(std::span<const AlertLink> links) = 0;
  // Entry ids are assigned by the store (entry.id is ignored).
  virtual void bulk_append_timeline(std::span<const TimelineEntry> entries) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual std::string_view backend() const = 0;  // "sqlite" / "postgres"
  virtual std::string location() const = 0;      // file path / URL without password

  // Applies pending migrations under a lock. Fails (kUnavailable) when the database is
  // unreachable, (kInternal) when it is newer than this binary or a migration fails.
  virtual Status migrate() = 0;

  // Runs `body` in one transaction: commits when it returns ok, rolls back when it returns an
  // error or throws. A failed commit, a lost connection or a lost race between instances is
  // kUnavailable: retrying the whole body is expected and safe.
  virtual Status write(const std::function<Status(WriteTx&)>& body) = 0;

  // Runs `body` in one read-only transaction (a consistent snapshot). Reads may run on several
  // threads at once, concurrently with write(). Errors as for write().
  virtual Status read(const std::function<Status(ReadTx&)>& body) = 0;

  // A cheap round trip proving the database answers (for /ready and status).
  virtual Status ping() = 0;
};

}  // namespace regen::storage
