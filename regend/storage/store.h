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
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "regend/domain/alert.h"
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
  std::optional<int64_t> incident_id;  // the incident of the current occurrence
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
  int64_t incident_id = 0;
  std::string kind;          // incident_created, alert_linked, alert_resolved, ...
  std::string actor;         // "system" or a token's name
  std::string payload_json;  // compact JSON object
  Timestamp at{};
};

struct OutboxEvent {
  std::string event_type;  // same vocabulary as timeline kinds
  std::optional<int64_t> incident_id;
  std::string payload_json;
  Timestamp at{};
};

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

// Primitive operations inside one transaction. Errors (constraint, connection lost) throw
// StoreError; write() catches it, rolls back and returns it as a Status.
class WriteTx {
 public:
  virtual ~WriteTx() = default;

  virtual std::optional<AlertRow> find_alert(std::string_view source,
                                             std::string_view external_id) = 0;
  // Inserts and returns the new id. REQUIRES: no row with the same (source, external_id).
  virtual int64_t insert_alert(const AlertRow& row) = 0;
  // Overwrites the row's columns from `row` (acknowledged_at, owned by the API, is kept).
  virtual void update_alert(const AlertRow& row) = 0;

  // The newest incident with this group key that is still open (triggered or acknowledged)
  // and was created at or after `not_before`. Backends shared by several instances lock the
  // group key for the rest of the transaction, so two writers cannot both open an incident.
  virtual std::optional<IncidentRow> find_open_incident(std::string_view group_key,
                                                        Timestamp not_before) = 0;
  virtual std::optional<IncidentRow> find_incident(int64_t id) = 0;
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

  virtual void append_timeline(const TimelineEntry& entry) = 0;
  virtual void enqueue_outbox(const OutboxEvent& event) = 0;

  // Records a delivery id; false when it was recorded before (the delivery is a replay).
  virtual bool record_delivery(std::string_view source, std::string_view delivery_id,
                               Timestamp at) = 0;

  // The incident's timeline, oldest first.
  virtual std::vector<TimelineEntry> list_timeline(int64_t incident_id) = 0;
  // Outbox events not yet delivered.
  virtual int64_t count_outbox() = 0;

  // Rule rows as stored (JSON columns validated by the caller with domain::parse_*). Each
  // insert bumps the rules version so every instance reloads its cache. Returns the new id.
  virtual int64_t insert_routing_rule(const domain::RoutingRuleRecord& rule, Timestamp at) = 0;
  virtual int64_t insert_grouping_rule(const domain::GroupingRuleRecord& rule, Timestamp at) = 0;

  // The rules version counter, bumped by every rule change (cache invalidation), and the rules.
  virtual int64_t rules_version() = 0;
  virtual domain::RuleSet load_rules() = 0;
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

  // A cheap round trip proving the database answers (for /ready and status).
  virtual Status ping() = 0;
};

}  // namespace regen::storage
