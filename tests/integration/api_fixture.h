#pragma once
// Shared by the incident/alert/rules API tests: a real regend on either storage backend with
// one API token per role, JSON calls to the API, generic webhooks, and direct reads of what the
// store holds (to prove what a request did, or did not, write).
//
// Every helper throws std::runtime_error naming what failed, so a broken precondition fails the
// test with the server's answer rather than with a crash further on.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/regend_process.h"

struct pg_conn;  // libpq's PGconn, kept out of the tests' includes

namespace regen::test {

// An API answer. body is the response parsed as JSON, null when empty or not JSON. json() and
// data() return references into it: keep the response in a variable while using them.
struct ApiResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string text;
  boost::json::value body;

  std::string header(const std::string& name) const;
  // The body as an object; throws when it is not one.
  const boost::json::object& json() const;
  // body.data of a list envelope.
  const boost::json::array& data() const;
  // body.error.code / body.error.details.field of an error response, or "".
  std::string error_code() const;
  std::string error_field() const;
};

// One request on a fresh connection to 127.0.0.1:port. `authorization` is the whole header
// value; "" sends none. Throws when no response arrives.
ApiResponse api_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const std::string& authorization);

// POSTs one generic alert ({"title","external_id","severity","labels"}) to
// /api/v1/webhooks/generic and returns the reply ({"received","incidents_created",...}).
// Throws unless it is answered 200.
boost::json::object post_generic_alert(uint16_t port, const std::string& title,
                                       const std::string& external_id,
                                       const std::string& severity = "warning",
                                       const std::map<std::string, std::string>& labels = {});

// JSON number / string accessors that fail loudly on a wrong type (Boost.JSON keeps small
// integers as int64, large ones as uint64).
int64_t integer(const boost::json::value& value);
std::string text(const boost::json::value& value);
// Percent-encodes everything but unreserved characters, for query values.
std::string url_encode(const std::string& value);

class ApiFixture {
 public:
  // Starts regend on `backend`: "sqlite" (the default, its file at <tmp>/var/regen.db) or
  // "postgres" (a fresh database on this binary's one PostgreSQL server). Then creates the
  // tokens named viewer, responder and admin, each with that role.
  explicit ApiFixture(const std::string& backend);
  ~ApiFixture();
  ApiFixture(const ApiFixture&) = delete;
  ApiFixture& operator=(const ApiFixture&) = delete;

  const std::string& backend() const { return backend_; }
  RegendProcess& regend() { return *regend_; }
  uint16_t port() const { return regend_->port(); }
  // Another regend on the same PostgreSQL database. REQUIRES: backend() == "postgres".
  std::unique_ptr<RegendProcess> another_instance() const;

  // Tokens created at start-up.
  std::string viewer;
  std::string responder;
  std::string admin;

  // Creates a token through the admin socket; returns it.
  std::string create_token(const std::string& name, const std::string& role) const;

  // A call to this regend with "Authorization: Bearer <token>"; token "" sends none.
  ApiResponse call(const std::string& method, const std::string& target, const std::string& body,
                   const std::string& token) const;
  // Sends one request per body, each on its own connection opened beforehand, released together
  // from as many threads, so the server handles them concurrently; answers in `bodies` order.
  std::vector<ApiResponse> call_together(const std::string& method, const std::string& target,
                                         const std::vector<std::string>& bodies,
                                         const std::string& token) const;
  ApiResponse get(const std::string& target, const std::string& token) const {
    return call("GET", target, "", token);
  }

  boost::json::object post_alert(const std::string& title, const std::string& external_id,
                                 const std::string& severity = "warning",
                                 const std::map<std::string, std::string>& labels = {}) const {
    return post_generic_alert(port(), title, external_id, severity, labels);
  }

  // Opens an incident through POST /api/v1/incidents (as responder); returns its body.
  boost::json::object create_incident(const std::string& title,
                                      const std::string& severity = "warning") const;

  // The integer the query returns (first column of the first row), read from the store
  // directly, on either backend. Keep the SQL to what SQLite and PostgreSQL both accept.
  int64_t count(const std::string& sql) const;
  // The first column of every row, as text.
  std::vector<std::string> column(const std::string& sql) const;

 private:
  std::string backend_;
  std::string database_url_;  // postgres only
  std::unique_ptr<RegendProcess> regend_;
  mutable pg_conn* pg_ = nullptr;  // opened on first use
};

}  // namespace regen::test
