#include "regend/api/alerts.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "regend/api/api_json.h"
#include "regend/api/query.h"
#include "regend/api/representation.h"
#include "regend/domain/incident_changes.h"
#include "regend/http/error_response.h"

namespace regen::api {
namespace json = boost::json;
using domain::Role;
using storage::AlertRow;

namespace {

Error not_found(int64_t id) {
  return Error(ErrorCode::kNotFound, "no alert " + std::to_string(id));
}

http::Response list(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  Result<QueryParams> params = QueryParams::parse(
      call.request.query, {"source", "status", "severity", "limit", "offset", "page", "cursor"});
  if (!params) return http::error_response(params.error(), rid);
  storage::AlertFilter filter;
  filter.sources = params.value().all("source");
  auto statuses = parse_enum_list<domain::AlertStatus>(
      params.value(), "status", domain::parse_alert_status, "firing, resolved");
  if (!statuses) return http::error_response(statuses.error(), rid);
  filter.statuses = std::move(statuses.value());
  auto severities = parse_enum_list<domain::Severity>(
      params.value(), "severity", domain::parse_severity, "critical, warning, info");
  if (!severities) return http::error_response(severities.error(), rid);
  filter.severities = std::move(severities.value());
  Result<Pagination> pagination = parse_pagination(params.value());
  if (!pagination) return http::error_response(pagination.error(), rid);

  storage::Page<AlertRow> page;
  Status status = call.store.read([&](storage::ReadTx& tx) -> Status {
    page = tx.list_alerts(filter, pagination.value().page_request(kMaxExactAlertTotal));
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  std::optional<std::string> next = take_page(page.rows, pagination.value(), [](const auto& row) {
    return storage::Cursor{row.received_at, row.id};
  });
  ResponseArena arena;
  json::array data(arena.storage());
  data.reserve(page.rows.size());
  for (const AlertRow& row : page.rows) data.push_back(alert_json(row, arena.storage()));
  return json_response(200, list_json(std::move(data), page.total, pagination.value().limit,
                                      pagination.value().offset, next, page.total_exact));
}

http::Response show(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  Result<int64_t> id = parse_id(call.request.path_param("id"), "id");
  if (!id) return http::error_response(id.error(), rid);
  std::optional<AlertRow> alert;
  Status status = call.store.read([&](storage::ReadTx& tx) -> Status {
    alert = tx.find_alert_by_id(id.value());
    return alert ? Status{} : Status(not_found(id.value()));
  });
  if (!status) return store_failure(status.error(), rid);
  json::object body = alert_json(*alert);
  body["raw"] = alert->alert.raw;
  return json_response(200, body);
}

http::Response acknowledge(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  Result<int64_t> id = parse_id(call.request.path_param("id"), "id");
  if (!id) return http::error_response(id.error(), rid);
  std::optional<AlertRow> alert;
  bool changed = false;
  Status status = call.store.write([&](storage::WriteTx& tx) -> Status {
    alert = tx.find_alert_by_id(id.value());
    if (!alert) return not_found(id.value());
    changed = domain::acknowledge_alert(tx, *alert, call.principal.name, call.now);
    if (changed) alert->acknowledged_at = call.now;
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  json::object body = alert_json(*alert);
  body["changed"] = changed;
  return json_response(200, body);
}

}  // namespace

void register_alert_routes(router::Router& router, const ApiContext& context) {
  router.add("GET", "/api/v1/alerts", api_route(context, Role::kViewer, list));
  router.add("GET", "/api/v1/alerts/{id}", api_route(context, Role::kViewer, show));
  router.add("POST", "/api/v1/alerts/{id}/acknowledge",
             api_route(context, Role::kResponder, acknowledge));
}

}  // namespace regen::api
