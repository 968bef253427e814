#include "regend/api/incidents.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "regend/api/api_json.h"
#include "regend/api/query.h"
#include "regend/api/representation.h"
#include "regend/domain/incident_changes.h"
#include "regend/http/error_response.h"
#include "regend/ingest/json_fields.h"
#include "regend/ingest/limits.h"

namespace regen::api {
namespace json = boost::json;
using domain::IncidentStatus;
using domain::Role;
using domain::Severity;
using storage::IncidentRow;

namespace {

constexpr std::size_t kMaxTitle = 500;
constexpr std::size_t kMaxSummary = 10000;
constexpr std::size_t kMaxCommander = 200;
constexpr std::size_t kMaxNote = 10000;
// The detail view embeds the newest alerts and the first timeline entries; both report totals.
constexpr int64_t kDetailAlerts = 500;
constexpr int64_t kDetailTimeline = 50;

constexpr std::string_view kStatuses = "triggered, acknowledged, resolved, canceled";
constexpr std::string_view kSeverities = "critical, warning, info";

// "42" is an incident number; "id:17" an internal id.
struct IncidentRef {
  bool by_number = true;
  int64_t value = 0;
};

Result<IncidentRef> parse_ref(std::string_view text) {
  IncidentRef ref;
  constexpr std::string_view kIdPrefix = "id:";
  if (text.starts_with(kIdPrefix)) {
    ref.by_number = false;
    text.remove_prefix(kIdPrefix.size());
  }
  Result<int64_t> value = parse_id(text, "id");
  if (!value) {
    return Error(ErrorCode::kInvalidArgument,
                 "the incident must be given by number (/incidents/42) or id (/incidents/id:17)",
                 "id");
  }
  ref.value = value.value();
  return ref;
}

Error not_found(std::string_view text) {
  return Error(ErrorCode::kNotFound, "no incident " + std::string(text));
}

// The incident the path names, or kNotFound (StoreError propagates to read/write()).
Result<IncidentRow> find(storage::ReadTx& tx, const IncidentRef& ref, std::string_view text) {
  std::optional<IncidentRow> incident =
      ref.by_number ? tx.find_incident_by_number(ref.value) : tx.find_incident(ref.value);
  if (!incident) return not_found(text);
  return std::move(*incident);
}

json::array to_array(const std::vector<IncidentRow>& rows, json::storage_ptr sp) {
  json::array data(sp);
  data.reserve(rows.size());
  for (const IncidentRow& row : rows) data.push_back(incident_json(row, sp));
  return data;
}

http::Response list(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  Result<QueryParams> params = QueryParams::parse(
      call.request.query, {"status", "severity", "created_after", "created_before", "q", "limit",
                           "offset", "page", "cursor"});
  if (!params) return http::error_response(params.error(), rid);
  storage::IncidentFilter filter;
  auto statuses = parse_enum_list<IncidentStatus>(params.value(), "status",
                                                  domain::parse_incident_status, kStatuses);
  if (!statuses) return http::error_response(statuses.error(), rid);
  filter.statuses = std::move(statuses.value());
  auto severities =
      parse_enum_list<Severity>(params.value(), "severity", domain::parse_severity, kSeverities);
  if (!severities) return http::error_response(severities.error(), rid);
  filter.severities = std::move(severities.value());
  auto after = params.value().time("created_after");
  if (!after) return http::error_response(after.error(), rid);
  filter.created_after = after.value();
  auto before = params.value().time("created_before");
  if (!before) return http::error_response(before.error(), rid);
  filter.created_before = before.value();
  auto query = params.value().one("q");
  if (!query) return http::error_response(query.error(), rid);
  if (query.value()) {
    if (Status length = ingest::check_length(*query.value(), kMaxTitle, "q"); !length) {
      return http::error_response(length.error(), rid);
    }
    filter.title_contains = *query.value();
  }
  Result<Pagination> pagination = parse_pagination(params.value());
  if (!pagination) return http::error_response(pagination.error(), rid);

  storage::Page<IncidentRow> page;
  Status status = call.store.read([&](storage::ReadTx& tx) -> Status {
    page = tx.list_incidents(filter, pagination.value().page_request(kMaxExactIncidentTotal));
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  std::optional<std::string> next = take_page(page.rows, pagination.value(), [](const auto& row) {
    return storage::Cursor{row.created_at, row.id};
  });
  ResponseArena arena;
  return json_response(
      200, list_json(to_array(page.rows, arena.storage()), page.total, pagination.value().limit,
                     pagination.value().offset, next, page.total_exact));
}

http::Response show(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  std::string_view text = call.request.path_param("id");
  Result<IncidentRef> ref = parse_ref(text);
  if (!ref) return http::error_response(ref.error(), rid);
  ResponseArena arena;
  const json::storage_ptr sp = arena.storage();
  json::object body(sp);
  Status status = call.store.read([&](storage::ReadTx& tx) -> Status {
    Result<IncidentRow> incident = find(tx, ref.value(), text);
    if (!incident) return incident.error();
    body = incident_json(incident.value(), sp);
    storage::Page<storage::AlertRow> alerts =
        tx.list_incident_alerts(incident.value().id, kDetailAlerts);
    json::array alert_data(sp);
    alert_data.reserve(alerts.rows.size());
    for (const storage::AlertRow& alert : alerts.rows) alert_data.push_back(alert_json(alert, sp));
    body["alerts"] = json::object({{"data", std::move(alert_data)}, {"total", alerts.total}}, sp);
    storage::PageRequest first;
    first.limit = kDetailTimeline;
    storage::Page<storage::TimelineEntry> timeline =
        tx.list_timeline_page(incident.value().id, first);
    json::array entries(sp);
    entries.reserve(timeline.rows.size());
    for (const storage::TimelineEntry& entry : timeline.rows) {
      entries.push_back(timeline_json(entry, sp));
    }
    body["timeline"] = json::object({{"data", std::move(entries)}, {"total", timeline.total}}, sp);
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  return json_response(200, body);
}

std::optional<Severity> severity_field(ingest::FieldReader& reader) {
  std::optional<std::string_view> text = reader.string("severity");
  if (!text) return std::nullopt;
  std::optional<Severity> severity = domain::parse_severity(*text);
  if (!severity) {
    reader.fail(
        ingest::invalid_field("severity", "severity must be one of " + std::string(kSeverities)));
  }
  return severity;
}

http::Response create(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  Result<json::object> body = parse_body(call.request.body);
  if (!body) return http::error_response(body.error(), rid);
  ingest::FieldReader reader(body.value(), "");
  reader.reject_unknown({"title", "severity", "summary"});
  domain::NewIncident input;
  input.title = required_text_field(reader, "title", kMaxTitle);
  input.severity = severity_field(reader).value_or(Severity::kWarning);
  input.summary = optional_text_field(reader, "summary", kMaxSummary).value_or("");
  if (!reader.ok()) return http::error_response(reader.error(), rid);

  IncidentRow created;
  Status status = call.store.write([&](storage::WriteTx& tx) -> Status {
    created = domain::create_incident(tx, input, call.principal.name, call.now);
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  http::Response response = json_response(201, incident_json(created));
  response.headers.emplace_back("Location",
                                "/api/v1/incidents/" + std::to_string(created.incident_number));
  return response;
}

Result<domain::IncidentPatch> parse_patch(const json::object& body) {
  ingest::FieldReader reader(body, "");
  reader.reject_unknown({"status", "severity", "summary", "commander"});
  domain::IncidentPatch patch;
  if (std::optional<std::string_view> text = reader.string("status")) {
    patch.status = domain::parse_incident_status(*text);
    if (!patch.status) {
      reader.fail(
          ingest::invalid_field("status", "status must be one of " + std::string(kStatuses)));
    }
  }
  patch.severity = severity_field(reader);
  patch.summary = optional_text_field(reader, "summary", kMaxSummary);
  if (reader.is_null("commander")) {
    patch.commander = std::optional<std::string>();
  } else if (std::optional<std::string> commander =
                 optional_text_field(reader, "commander", kMaxCommander)) {
    patch.commander = std::move(commander);
  }
  if (!reader.ok()) return reader.error();
  if (!patch.status && !patch.severity && !patch.summary && !patch.commander) {
    return Error(ErrorCode::kInvalidArgument,
                 "nothing to change: give status, severity, summary or commander");
  }
  return patch;
}

http::Response conflict(const domain::TransitionRefused& refused, std::string_view rid) {
  json::array allowed;
  std::string names;
  for (IncidentStatus status : refused.allowed) {
    allowed.emplace_back(to_string(status));
    names += (names.empty() ? "" : ", ") + std::string(to_string(status));
  }
  std::string message = "an incident that is " + std::string(to_string(refused.from)) +
                        " cannot become " + std::string(to_string(refused.to));
  message += names.empty() ? " (it is closed)" : " (allowed: " + names + ")";
  return http::error_response(ErrorCode::kConflict, message, rid,
                              json::object{{"field", "status"},
                                           {"from", to_string(refused.from)},
                                           {"to", to_string(refused.to)},
                                           {"allowed", std::move(allowed)}});
}

http::Response update(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  std::string_view text = call.request.path_param("id");
  Result<IncidentRef> ref = parse_ref(text);
  if (!ref) return http::error_response(ref.error(), rid);
  Result<json::object> body = parse_body(call.request.body);
  if (!body) return http::error_response(body.error(), rid);
  Result<domain::IncidentPatch> patch = parse_patch(body.value());
  if (!patch) return http::error_response(patch.error(), rid);

  domain::PatchOutcome outcome;
  Status status = call.store.write([&](storage::WriteTx& tx) -> Status {
    Result<IncidentRow> incident = find(tx, ref.value(), text);
    if (!incident) return incident.error();
    outcome = domain::apply_patch(tx, std::move(incident.value()), patch.value(),
                                  call.principal.name, call.now);
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  if (outcome.refused) return conflict(*outcome.refused, rid);
  json::object response = incident_json(outcome.incident);
  json::array changed;
  for (const std::string& field : outcome.changed) changed.emplace_back(field);
  response["changed"] = std::move(changed);
  return json_response(200, response);
}

http::Response timeline(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  std::string_view text = call.request.path_param("id");
  Result<IncidentRef> ref = parse_ref(text);
  if (!ref) return http::error_response(ref.error(), rid);
  Result<QueryParams> params = QueryParams::parse(call.request.query, {"limit", "offset", "page"});
  if (!params) return http::error_response(params.error(), rid);
  Result<Pagination> pagination = parse_pagination(params.value());
  if (!pagination) return http::error_response(pagination.error(), rid);
  storage::PageRequest request;
  request.limit = pagination.value().limit;
  request.offset = pagination.value().offset;
  storage::Page<storage::TimelineEntry> page;
  Status status = call.store.read([&](storage::ReadTx& tx) -> Status {
    Result<IncidentRow> incident = find(tx, ref.value(), text);
    if (!incident) return incident.error();
    page = tx.list_timeline_page(incident.value().id, request);
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  json::array data;
  for (const storage::TimelineEntry& entry : page.rows) data.push_back(timeline_json(entry));
  return json_response(
      200, list_json(std::move(data), page.total, request.limit, request.offset, std::nullopt));
}

http::Response add_note(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  std::string_view text = call.request.path_param("id");
  Result<IncidentRef> ref = parse_ref(text);
  if (!ref) return http::error_response(ref.error(), rid);
  Result<json::object> body = parse_body(call.request.body);
  if (!body) return http::error_response(body.error(), rid);
  ingest::FieldReader reader(body.value(), "");
  reader.reject_unknown({"text"});
  std::string note = required_text_field(reader, "text", kMaxNote);
  if (!reader.ok()) return http::error_response(reader.error(), rid);

  storage::TimelineEntry entry;
  Status status = call.store.write([&](storage::WriteTx& tx) -> Status {
    Result<IncidentRow> incident = find(tx, ref.value(), text);
    if (!incident) return incident.error();
    entry = domain::add_note(tx, incident.value().id, note, call.principal.name, call.now);
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  return json_response(201, timeline_json(entry));
}

}  // namespace

void register_incident_routes(router::Router& router, const ApiContext& context) {
  router.add("GET", "/api/v1/incidents", api_route(context, Role::kViewer, list));
  router.add("POST", "/api/v1/incidents", api_route(context, Role::kResponder, create));
  router.add("GET", "/api/v1/incidents/{id}", api_route(context, Role::kViewer, show));
  router.add("PATCH", "/api/v1/incidents/{id}", api_route(context, Role::kResponder, update));
  router.add("GET", "/api/v1/incidents/{id}/timeline", api_route(context, Role::kViewer, timeline));
  router.add("POST", "/api/v1/incidents/{id}/timeline",
             api_route(context, Role::kResponder, add_note));
}

}  // namespace regen::api
