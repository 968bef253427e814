// SqliteStore::Tx's bulk loading (store.h): prepared multi-row INSERTs reused for every group
// of rows, ids taken from MAX(id) + 1. The write connection is the only writer, so nothing
// else can take those ids between the MAX and the INSERT.

#include <array>
#include <string>
#include <vector>

#include "regend/storage/row_codec.h"
#include "regend/storage/sqlite/sqlite_rows.h"
#include "regend/storage/sqlite/sqlite_tx.h"

namespace regen::storage {
namespace {

// Rows per multi-row INSERT: far below SQLite's 32766 variables, and past the point where
// more rows per statement stop paying.
constexpr int kBulkRows = 64;

std::string insert_sql(std::string_view head, int per_row, int rows) {
  std::string row = "(";
  for (int i = 0; i < per_row; ++i) row += i == 0 ? "?" : ", ?";
  row += ")";
  std::string sql(head);
  sql += " VALUES ";
  for (int i = 0; i < rows; ++i) {
    if (i > 0) sql += ", ";
    sql += row;
  }
  return sql;
}

constexpr int kIncidentColumnCount = 12;
constexpr int kAlertColumnCount = 18;
constexpr int kLinkColumnCount = 5;
constexpr int kTimelineColumnCount = 5;

constexpr std::string_view kIncidentHead =
    "INSERT INTO incidents (id, incident_number, title, severity, status, summary, commander, "
    "group_key, created_at, updated_at, acknowledged_at, resolved_at)";
constexpr std::string_view kAlertHead =
    "INSERT INTO alerts (id, source, external_id, title, description, severity, status, labels, "
    "annotations, started_at, ended_at, received_at, updated_at, occurrence, suppressed, "
    "incident_id, raw, acknowledged_at)";
constexpr std::string_view kLinkHead =
    "INSERT INTO incident_alerts (incident_id, alert_id, occurrence, linked_at, resolved_at)";
constexpr std::string_view kTimelineHead =
    "INSERT INTO timeline (incident_id, kind, actor, payload, created_at)";

// The statements are keyed by the address of their text: these strings live for the process.
const std::string kIncidentsMany = insert_sql(kIncidentHead, kIncidentColumnCount, kBulkRows);
const std::string kIncidentsOne = insert_sql(kIncidentHead, kIncidentColumnCount, 1);
const std::string kAlertsMany = insert_sql(kAlertHead, kAlertColumnCount, kBulkRows);
const std::string kAlertsOne = insert_sql(kAlertHead, kAlertColumnCount, 1);
const std::string kLinksMany = insert_sql(kLinkHead, kLinkColumnCount, kBulkRows);
const std::string kLinksOne = insert_sql(kLinkHead, kLinkColumnCount, 1);
const std::string kTimelineMany = insert_sql(kTimelineHead, kTimelineColumnCount, kBulkRows);
const std::string kTimelineOne = insert_sql(kTimelineHead, kTimelineColumnCount, 1);

// Enum names bound without a copy: these strings live for the process.
template <typename Enum, std::size_t kCount>
const std::string& name_of(Enum value) {
  static const std::array<std::string, kCount> kNames = [] {
    std::array<std::string, kCount> names;
    for (std::size_t i = 0; i < kCount; ++i) names[i] = domain::to_string(static_cast<Enum>(i));
    return names;
  }();
  return kNames[static_cast<std::size_t>(value)];
}
const std::string& name_of(domain::Severity severity) {
  return name_of<domain::Severity, 3>(severity);
}
const std::string& name_of(domain::AlertStatus status) {
  return name_of<domain::AlertStatus, 2>(status);
}
const std::string& name_of(domain::IncidentStatus status) {
  return name_of<domain::IncidentStatus, 4>(status);
}

}  // namespace

template <typename Bind>
void SqliteStore::Tx::insert_in_groups(const std::string& insert, const std::string& insert_one,
                                       int per_row, std::size_t count, Bind bind) {
  std::size_t next = 0;
  for (; next + kBulkRows <= count; next += kBulkRows) {
    SQLite::Statement& st = statement(insert.c_str());
    for (int r = 0; r < kBulkRows; ++r) bind(st, r * per_row + 1, next + r);
    st.exec();
  }
  for (; next < count; ++next) {
    SQLite::Statement& st = statement(insert_one.c_str());
    bind(st, 1, next);
    st.exec();
  }
}

void SqliteStore::Tx::bulk_insert_incidents(std::span<IncidentRow> rows) {
  if (rows.empty()) return;
  int64_t id = single_int(statement("SELECT COALESCE(MAX(id), 0) FROM incidents"));
  int64_t number = single_int(statement("SELECT COALESCE(MAX(incident_number), 0) FROM incidents"));
  for (IncidentRow& row : rows) {
    row.id = ++id;
    row.incident_number = ++number;
  }
  insert_in_groups(kIncidentsMany, kIncidentsOne, kIncidentColumnCount, rows.size(),
                   [&](SQLite::Statement& st, int i, std::size_t index) {
                     const IncidentRow& row = rows[index];
                     st.bind(i, row.id);
                     st.bind(i + 1, row.incident_number);
                     st.bindNoCopy(i + 2, row.title);
                     st.bindNoCopy(i + 3, name_of(row.severity));
                     st.bindNoCopy(i + 4, name_of(row.status));
                     st.bindNoCopy(i + 5, row.summary);
                     if (row.commander) {
                       st.bindNoCopy(i + 6, *row.commander);
                     } else {
                       st.bind(i + 6);
                     }
                     if (row.group_key) {
                       st.bindNoCopy(i + 7, *row.group_key);
                     } else {
                       st.bind(i + 7);
                     }
                     bind_time(st, i + 8, row.created_at);
                     bind_time(st, i + 9, row.updated_at);
                     bind_optional(st, i + 10, row.acknowledged_at);
                     bind_optional(st, i + 11, row.resolved_at);
                   });
}

void SqliteStore::Tx::bulk_insert_alerts(std::span<AlertRow> rows) {
  if (rows.empty()) return;
  int64_t id = single_int(statement("SELECT COALESCE(MAX(id), 0) FROM alerts"));
  // Encoded once, bound without a copy: they must outlive the statements that use them.
  std::vector<std::string> labels(rows.size());
  std::vector<std::string> annotations(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].id = ++id;
    labels[i] = encode_map(rows[i].alert.labels);
    annotations[i] = encode_map(rows[i].alert.annotations);
  }
  insert_in_groups(kAlertsMany, kAlertsOne, kAlertColumnCount, rows.size(),
                   [&](SQLite::Statement& st, int i, std::size_t index) {
                     const AlertRow& row = rows[index];
                     const domain::NormalizedAlert& alert = row.alert;
                     st.bind(i, row.id);
                     st.bindNoCopy(i + 1, alert.source);
                     st.bindNoCopy(i + 2, alert.external_id);
                     st.bindNoCopy(i + 3, alert.title);
                     st.bindNoCopy(i + 4, alert.description);
                     st.bindNoCopy(i + 5, name_of(alert.severity));
                     st.bindNoCopy(i + 6, name_of(alert.status));
                     st.bindNoCopy(i + 7, labels[index]);
                     st.bindNoCopy(i + 8, annotations[index]);
                     bind_optional(st, i + 9, alert.started_at);
                     bind_optional(st, i + 10, alert.ended_at);
                     bind_time(st, i + 11, row.received_at);
                     bind_time(st, i + 12, row.updated_at);
                     st.bind(i + 13, row.occurrence);
                     st.bind(i + 14, row.suppressed ? 1 : 0);
                     bind_optional(st, i + 15, row.incident_id);
                     st.bindNoCopy(i + 16, alert.raw);
                     bind_optional(st, i + 17, row.acknowledged_at);
                   });
}

void SqliteStore::Tx::bulk_insert_links(std::span<const AlertLink> links) {
  insert_in_groups(kLinksMany, kLinksOne, kLinkColumnCount, links.size(),
                   [&](SQLite::Statement& st, int i, std::size_t index) {
                     const AlertLink& link = links[index];
                     st.bind(i, link.incident_id);
                     st.bind(i + 1, link.alert_id);
                     st.bind(i + 2, link.occurrence);
                     bind_time(st, i + 3, link.linked_at);
                     bind_optional(st, i + 4, link.resolved_at);
                   });
}

void SqliteStore::Tx::bulk_append_timeline(std::span<const TimelineEntry> entries) {
  insert_in_groups(kTimelineMany, kTimelineOne, kTimelineColumnCount, entries.size(),
                   [&](SQLite::Statement& st, int i, std::size_t index) {
                     const TimelineEntry& entry = entries[index];
                     st.bind(i, entry.incident_id);
                     st.bindNoCopy(i + 1, entry.kind);
                     st.bindNoCopy(i + 2, entry.actor);
                     st.bindNoCopy(i + 3, entry.payload_json);
                     bind_time(st, i + 4, entry.at);
                   });
}

}  // namespace regen::storage
