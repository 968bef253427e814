#include "tests/integration/api_fixture.h"

#include <libpq-fe.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <latch>
#include <stdexcept>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/postgres_server.h"

namespace regen::test {
namespace json = boost::json;

namespace {

// One server for the whole binary, started on first use; each fixture gets its own database.
PostgresServer& postgres_server() {
  static PostgresServer instance;
  return instance;
}

json::value parse_or_null(const std::string& body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  return ec ? json::value(nullptr) : value;
}

ApiResponse to_api_response(std::optional<HttpResponse> response, const std::string& what) {
  if (!response) throw std::runtime_error("no response to " + what);
  ApiResponse answer;
  answer.status = response->status;
  answer.headers = std::move(response->headers);
  answer.text = std::move(response->body);
  answer.body = parse_or_null(answer.text);
  return answer;
}

std::map<std::string, std::string> request_headers(const std::string& body,
                                                   const std::string& authorization) {
  std::map<std::string, std::string> headers;
  if (!body.empty()) headers["Content-Type"] = "application/json";
  if (!authorization.empty()) headers["Authorization"] = authorization;
  return headers;
}

}  // namespace

std::string ApiResponse::header(const std::string& name) const {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

const json::object& ApiResponse::json() const {
  if (!body.is_object()) {
    throw std::runtime_error("response " + std::to_string(status) +
                             " is not a JSON object: " + text);
  }
  return body.get_object();
}

const json::array& ApiResponse::data() const {
  const json::value* data = json().if_contains("data");
  if (data == nullptr || !data->is_array()) {
    throw std::runtime_error("response has no data array: " + text);
  }
  return data->get_array();
}

std::string ApiResponse::error_code() const {
  if (!body.is_object()) return "";
  const json::value* error = body.get_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return "";
  const json::value* code = error->get_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->get_string()) : "";
}

std::string ApiResponse::error_field() const {
  if (error_code().empty()) return "";
  const json::value& details = body.at("error").at("details");
  const json::value* field =
      details.is_object() ? details.get_object().if_contains("field") : nullptr;
  return field != nullptr && field->is_string() ? std::string(field->get_string()) : "";
}

ApiResponse api_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const std::string& authorization) {
  return to_api_response(
      http_request(port, method, target, body, request_headers(body, authorization)),
      method + " " + target);
}

json::object post_generic_alert(uint16_t port, const std::string& title,
                                const std::string& external_id, const std::string& severity,
                                const std::map<std::string, std::string>& labels) {
  json::object label_object;
  for (const auto& [key, value] : labels) label_object[key] = value;
  json::object alert{{"title", title},
                     {"external_id", external_id},
                     {"severity", severity},
                     {"labels", std::move(label_object)}};
  ApiResponse response =
      api_request(port, "POST", "/api/v1/webhooks/generic", json::serialize(alert), "");
  if (response.status != 200) {
    throw std::runtime_error("webhook answered " + std::to_string(response.status) + ": " +
                             response.text);
  }
  return response.json();
}

int64_t integer(const json::value& value) {
  if (!value.is_number()) {
    throw std::runtime_error("expected a number, got " + json::serialize(value));
  }
  return value.to_number<int64_t>();
}

std::string text(const json::value& value) {
  if (!value.is_string()) {
    throw std::runtime_error("expected a string, got " + json::serialize(value));
  }
  return std::string(value.get_string());
}

std::string url_encode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

ApiFixture::ApiFixture(const std::string& backend) : backend_(backend) {
  if (backend == "postgres") {
    database_url_ = postgres_server().create_database();
    regend_ = std::make_unique<RegendProcess>(
        RegendOptions{.extra_args = {"--database-url", database_url_}});
  } else if (backend == "sqlite") {
    regend_ = std::make_unique<RegendProcess>();
  } else {
    throw std::runtime_error("unknown backend " + backend);
  }
  viewer = create_token("viewer", "viewer");
  responder = create_token("responder", "responder");
  admin = create_token("admin", "admin");
}

ApiFixture::~ApiFixture() {
  if (pg_ != nullptr) PQfinish(pg_);
}

std::unique_ptr<RegendProcess> ApiFixture::another_instance() const {
  if (backend_ != "postgres") throw std::runtime_error("a second instance needs PostgreSQL");
  return std::make_unique<RegendProcess>(
      RegendOptions{.extra_args = {"--database-url", database_url_}});
}

std::string ApiFixture::create_token(const std::string& name, const std::string& role) const {
  json::object reply = regend_->admin("tokens.create", {{"name", name}, {"role", role}});
  if (!reply.at("ok").as_bool()) {
    throw std::runtime_error("tokens.create failed: " + json::serialize(reply));
  }
  return text(reply.at("data").at("token"));
}

ApiResponse ApiFixture::call(const std::string& method, const std::string& target,
                             const std::string& body, const std::string& token) const {
  return api_request(port(), method, target, body, token.empty() ? "" : "Bearer " + token);
}

std::vector<ApiResponse> ApiFixture::call_together(const std::string& method,
                                                   const std::string& target,
                                                   const std::vector<std::string>& bodies,
                                                   const std::string& token) const {
  std::vector<std::unique_ptr<HttpConnection>> connections;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    connections.push_back(std::make_unique<HttpConnection>(port()));
  }
  std::latch start(static_cast<std::ptrdiff_t>(bodies.size()));
  std::vector<std::optional<HttpResponse>> responses(bodies.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      responses[i] = connections[i]->request(method, target, bodies[i],
                                             request_headers(bodies[i], "Bearer " + token));
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<ApiResponse> answers;
  for (auto& response : responses) {
    answers.push_back(to_api_response(std::move(response), method + " " + target));
  }
  return answers;
}

json::object ApiFixture::create_incident(const std::string& title,
                                         const std::string& severity) const {
  json::object request{{"title", title}, {"severity", severity}};
  ApiResponse response = call("POST", "/api/v1/incidents", json::serialize(request), responder);
  if (response.status != 201) {
    throw std::runtime_error("POST /api/v1/incidents answered " + std::to_string(response.status) +
                             ": " + response.text);
  }
  return response.json();
}

int64_t ApiFixture::count(const std::string& sql) const {
  std::vector<std::string> values = column(sql);
  if (values.empty()) throw std::runtime_error("no rows from: " + sql);
  return std::stoll(values.front());
}

std::vector<std::string> ApiFixture::column(const std::string& sql) const {
  std::vector<std::string> values;
  if (backend_ == "sqlite") {
    SQLite::Database db(regend_->dir().file("var/regen.db"), SQLite::OPEN_READONLY);
    SQLite::Statement query(db, sql);
    while (query.executeStep()) values.push_back(query.getColumn(0).getString());
    return values;
  }
  if (pg_ == nullptr) pg_ = PQconnectdb(database_url_.c_str());
  if (PQstatus(pg_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(pg_);
    PQfinish(pg_);
    pg_ = nullptr;
    throw std::runtime_error("cannot connect to " + database_url_ + ": " + message);
  }
  PGresult* result = PQexec(pg_, sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    std::string message = PQresultErrorMessage(result);
    PQclear(result);
    throw std::runtime_error(sql + ": " + message);
  }
  for (int row = 0; row < PQntuples(result); ++row) values.emplace_back(PQgetvalue(result, row, 0));
  PQclear(result);
  return values;
}

}  // namespace regen::test
