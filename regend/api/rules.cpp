#include "regend/api/rules.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "regend/api/api_json.h"
#include "regend/api/representation.h"
#include "regend/http/error_response.h"
#include "regend/ingest/json_fields.h"

namespace regen::api {
namespace json = boost::json;
using domain::Role;

namespace {

constexpr std::size_t kMaxName = 200;
constexpr int64_t kMaxPriority = 1'000'000;
constexpr int64_t kMaxWindowSeconds = 30 * 24 * 3600;

// What differs between the two kinds of rule; the routes are otherwise the same code.
struct RoutingKind {
  using Stored = storage::StoredRoutingRule;
  using Record = domain::RoutingRuleRecord;
  static constexpr std::string_view kNoun = "routing rule";
  static constexpr std::string_view kPath = "/api/v1/routing-rules";

  static std::vector<Stored> list(storage::ReadTx& tx) { return tx.list_routing_rules(); }
  static std::optional<Stored> find(storage::ReadTx& tx, int64_t id) {
    return tx.find_routing_rule(id);
  }
  static int64_t insert(storage::WriteTx& tx, const Record& record, domain::Timestamp at) {
    return tx.insert_routing_rule(record, at);
  }
  static bool update(storage::WriteTx& tx, int64_t id, const Record& record, domain::Timestamp at) {
    return tx.update_routing_rule(id, record, at);
  }
  static bool remove(storage::WriteTx& tx, int64_t id, domain::Timestamp at) {
    return tx.delete_routing_rule(id, at);
  }
  static json::object to_json(const Stored& rule) { return routing_rule_json(rule); }

  // The kind's own fields, read into `record`; validated as the writer will use them.
  static void read_fields(ingest::FieldReader& reader, Record& record) {
    reader.reject_unknown({"name", "priority", "enabled", "match", "actions"});
    if (const json::object* actions = reader.object("actions")) {
      record.actions_json = json::serialize(*actions);
    }
  }
  static Status validate(const Record& record) {
    auto rule = domain::make_routing_rule(0, record);
    return rule.ok() ? Status{} : Status(rule.error());
  }
};

struct GroupingKind {
  using Stored = storage::StoredGroupingRule;
  using Record = domain::GroupingRuleRecord;
  static constexpr std::string_view kNoun = "grouping rule";
  static constexpr std::string_view kPath = "/api/v1/grouping-rules";

  static std::vector<Stored> list(storage::ReadTx& tx) { return tx.list_grouping_rules(); }
  static std::optional<Stored> find(storage::ReadTx& tx, int64_t id) {
    return tx.find_grouping_rule(id);
  }
  static int64_t insert(storage::WriteTx& tx, const Record& record, domain::Timestamp at) {
    return tx.insert_grouping_rule(record, at);
  }
  static bool update(storage::WriteTx& tx, int64_t id, const Record& record, domain::Timestamp at) {
    return tx.update_grouping_rule(id, record, at);
  }
  static bool remove(storage::WriteTx& tx, int64_t id, domain::Timestamp at) {
    return tx.delete_grouping_rule(id, at);
  }
  static json::object to_json(const Stored& rule) { return grouping_rule_json(rule); }

  static void read_fields(ingest::FieldReader& reader, Record& record) {
    reader.reject_unknown({"name", "priority", "enabled", "match", "group_by", "window_s"});
    if (const json::array* group_by = reader.array("group_by")) {
      record.group_by_json = json::serialize(*group_by);
    } else if (reader.ok()) {
      reader.fail(ingest::invalid_field("group_by",
                                        "group_by is required: an array of label "
                                        "keys, e.g. [\"alertname\"]"));
    }
    record.window_s = reader.integer("window_s", 1, kMaxWindowSeconds).value_or(record.window_s);
  }
  static Status validate(const Record& record) {
    auto rule = domain::make_grouping_rule(0, record);
    return rule.ok() ? Status{} : Status(rule.error());
  }
};

template <typename Kind>
Error not_found(int64_t id) {
  return Error(ErrorCode::kNotFound, "no " + std::string(Kind::kNoun) + " " + std::to_string(id));
}

// The body of a POST or PUT: the whole rule (PUT replaces every field).
template <typename Kind>
Result<typename Kind::Record> parse_rule(std::string_view text) {
  Result<json::object> body = parse_body(text);
  if (!body) return body.error();
  ingest::FieldReader reader(body.value(), "");
  typename Kind::Record record;
  Kind::read_fields(reader, record);
  record.name = required_text_field(reader, "name", kMaxName);
  record.priority = reader.integer("priority", 0, kMaxPriority).value_or(record.priority);
  record.enabled = reader.boolean("enabled").value_or(true);
  if (const json::object* match = reader.object("match")) {
    record.match_json = json::serialize(*match);
  }
  if (!reader.ok()) return reader.error();
  if (Status valid = Kind::validate(record); !valid) return valid.error();
  return record;
}

template <typename Kind>
http::Response list(const ApiCall& call) {
  std::vector<typename Kind::Stored> rules;
  Status status = call.store.read([&](storage::ReadTx& tx) -> Status {
    rules = Kind::list(tx);
    return {};
  });
  if (!status) return store_failure(status.error(), call.request.request_id);
  json::array data;
  for (const auto& rule : rules) data.push_back(Kind::to_json(rule));
  const auto count = static_cast<int64_t>(rules.size());
  return json_response(200, list_json(std::move(data), count, count, 0, std::nullopt));
}

template <typename Kind>
http::Response show(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  Result<int64_t> id = parse_id(call.request.path_param("id"), "id");
  if (!id) return http::error_response(id.error(), rid);
  std::optional<typename Kind::Stored> rule;
  Status status = call.store.read([&](storage::ReadTx& tx) -> Status {
    rule = Kind::find(tx, id.value());
    return rule ? Status{} : Status(not_found<Kind>(id.value()));
  });
  if (!status) return store_failure(status.error(), rid);
  return json_response(200, Kind::to_json(*rule));
}

template <typename Kind>
http::Response create(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  Result<typename Kind::Record> record = parse_rule<Kind>(call.request.body);
  if (!record) return http::error_response(record.error(), rid);
  std::optional<typename Kind::Stored> stored;
  Status status = call.store.write([&](storage::WriteTx& tx) -> Status {
    int64_t id = Kind::insert(tx, record.value(), call.now);
    stored = Kind::find(tx, id);
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  http::Response response = json_response(201, Kind::to_json(*stored));
  response.headers.emplace_back("Location",
                                std::string(Kind::kPath) + "/" + std::to_string(stored->id));
  return response;
}

template <typename Kind>
http::Response replace(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  Result<int64_t> id = parse_id(call.request.path_param("id"), "id");
  if (!id) return http::error_response(id.error(), rid);
  Result<typename Kind::Record> record = parse_rule<Kind>(call.request.body);
  if (!record) return http::error_response(record.error(), rid);
  std::optional<typename Kind::Stored> stored;
  Status status = call.store.write([&](storage::WriteTx& tx) -> Status {
    if (!Kind::update(tx, id.value(), record.value(), call.now)) return not_found<Kind>(id.value());
    stored = Kind::find(tx, id.value());
    return {};
  });
  if (!status) return store_failure(status.error(), rid);
  return json_response(200, Kind::to_json(*stored));
}

template <typename Kind>
http::Response remove(const ApiCall& call) {
  const std::string_view rid = call.request.request_id;
  Result<int64_t> id = parse_id(call.request.path_param("id"), "id");
  if (!id) return http::error_response(id.error(), rid);
  Status status = call.store.write([&](storage::WriteTx& tx) -> Status {
    return Kind::remove(tx, id.value(), call.now) ? Status{} : Status(not_found<Kind>(id.value()));
  });
  if (!status) return store_failure(status.error(), rid);
  http::Response response;
  response.status = 204;
  response.body.clear();
  return response;
}

template <typename Kind>
void register_kind(router::Router& router, const ApiContext& context) {
  const std::string item = std::string(Kind::kPath) + "/{id}";
  router.add("GET", Kind::kPath, api_route(context, Role::kViewer, list<Kind>));
  router.add("POST", Kind::kPath, api_route(context, Role::kAdmin, create<Kind>));
  router.add("GET", item, api_route(context, Role::kViewer, show<Kind>));
  router.add("PUT", item, api_route(context, Role::kAdmin, replace<Kind>));
  router.add("DELETE", item, api_route(context, Role::kAdmin, remove<Kind>));
}

}  // namespace

void register_rule_routes(router::Router& router, const ApiContext& context) {
  register_kind<RoutingKind>(router, context);
  register_kind<GroupingKind>(router, context);
}

}  // namespace regen::api
