// PgWriteTx's bulk loading (store.h): multi-row INSERTs of up to kGroupRows rows each. Ids come
// from the tables' own sequences, drawn for a whole group in one round trip, so the sequences
// stay ahead of every stored id and later single-row inserts never collide with bulk rows.

#include <algorithm>
#include <string>
#include <vector>

#include "regend/storage/postgres/pg_write_tx.h"
#include "regend/storage/row_codec.h"

namespace regen::storage {
namespace {

// PostgreSQL takes at most 65535 parameters per statement; a thousand rows already amortize
// the round trip and the parse.
constexpr std::size_t kMaxParams = 65535;
constexpr std::size_t kGroupRows = 1000;

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

constexpr char kIncidentIds[] =
    "SELECT nextval(pg_get_serial_sequence('incidents', 'id')) FROM generate_series(1, $1)";
constexpr char kIncidentNumbers[] =
    "SELECT nextval('incident_number_seq') FROM generate_series(1, $1)";
constexpr char kAlertIds[] =
    "SELECT nextval(pg_get_serial_sequence('alerts', 'id')) FROM generate_series(1, $1)";

// "<head> VALUES ($1, $2), ($3, $4)" for `rows` rows of `per_row` parameters.
std::string insert_sql(std::string_view head, std::size_t per_row, std::size_t rows) {
  std::string sql(head);
  sql.reserve(head.size() + rows * per_row * 8);
  sql += " VALUES ";
  std::size_t n = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (std::size_t c = 0; c < per_row; ++c) {
      if (c > 0) sql += ", ";
      sql += "$" + std::to_string(++n);
    }
    sql += ")";
  }
  return sql;
}

// `count` values of a sequence, ascending: rows given ids in row order keep the order the
// caller chose (creation order, as ingestion would have produced).
std::vector<int64_t> draw(PgConnection& db, const char* sql, std::size_t count) {
  PgResult result = db.exec(sql, {static_cast<int64_t>(count)});
  std::vector<int64_t> values;
  values.reserve(count);
  for (int i = 0; i < result.rows(); ++i) values.push_back(result.int64(i, 0));
  std::sort(values.begin(), values.end());
  if (values.size() != count) throw StoreError(ErrorCode::kInternal, "sequence returned too few");
  return values;
}

// Inserts `rows` in groups; append(row, params) adds one row's `per_row` parameters.
template <typename Row, typename Append>
void insert_groups(PgConnection& db, std::string_view head, std::size_t per_row,
                   std::span<Row> rows, Append append) {
  const std::size_t group = std::min(kGroupRows, kMaxParams / per_row);
  std::vector<PgParam> params;
  for (std::size_t start = 0; start < rows.size(); start += group) {
    const std::size_t n = std::min(group, rows.size() - start);
    params.clear();
    params.reserve(n * per_row);
    for (std::size_t i = 0; i < n; ++i) append(rows[start + i], params);
    db.exec(insert_sql(head, per_row, n).c_str(), params);
  }
}

}  // namespace

void PgWriteTx::bulk_insert_incidents(std::span<IncidentRow> rows) {
  if (rows.empty()) return;
  const std::vector<int64_t> ids = draw(db_, kIncidentIds, rows.size());
  const std::vector<int64_t> numbers = draw(db_, kIncidentNumbers, rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].id = ids[i];
    rows[i].incident_number = numbers[i];
  }
  insert_groups(db_, kIncidentHead, 12, rows, [](const IncidentRow& row, auto& params) {
    params.insert(params.end(),
                  {row.id, row.incident_number, row.title, domain::to_string(row.severity),
                   domain::to_string(row.status), row.summary, row.commander, row.group_key,
                   row.created_at, row.updated_at, row.acknowledged_at, row.resolved_at});
  });
}

void PgWriteTx::bulk_insert_alerts(std::span<AlertRow> rows) {
  if (rows.empty()) return;
  const std::vector<int64_t> ids = draw(db_, kAlertIds, rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].id = ids[i];
  insert_groups(db_, kAlertHead, 18, rows, [](const AlertRow& row, auto& params) {
    const domain::NormalizedAlert& alert = row.alert;
    params.insert(params.end(),
                  {row.id, alert.source, alert.external_id, alert.title, alert.description,
                   domain::to_string(alert.severity), domain::to_string(alert.status),
                   encode_map(alert.labels), encode_map(alert.annotations), alert.started_at,
                   alert.ended_at, row.received_at, row.updated_at, row.occurrence, row.suppressed,
                   row.incident_id, alert.raw, row.acknowledged_at});
  });
}

void PgWriteTx::bulk_insert_links(std::span<const AlertLink> links) {
  insert_groups(db_, kLinkHead, 5, links, [](const AlertLink& link, auto& params) {
    params.insert(params.end(), {link.incident_id, link.alert_id, link.occurrence, link.linked_at,
                                 link.resolved_at});
  });
}

void PgWriteTx::bulk_append_timeline(std::span<const TimelineEntry> entries) {
  insert_groups(db_, kTimelineHead, 5, entries, [](const TimelineEntry& entry, auto& params) {
    params.insert(params.end(),
                  {entry.incident_id, entry.kind, entry.actor, entry.payload_json, entry.at});
  });
}

}  // namespace regen::storage
