#include "regend/router/router.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/unit/regend/recording_completion.h"

namespace regen::router {
namespace {

namespace json = boost::json;
using testing::CompletionRecord;
using testing::recording_responder;
using Outcome = Router::Match::Outcome;
using Params = std::vector<std::pair<std::string_view, std::string_view>>;

// What a handler saw when it ran.
struct Call {
  std::string label;
  std::vector<std::pair<std::string, std::string>> params;
};

// A handler that records its call into `calls` and answers 200 with `label` as the body.
http::Handler recording_handler(std::string label, std::vector<Call>* calls) {
  return
      [label = std::move(label), calls](const http::Request& request, http::Responder responder) {
        Call call{label, {}};
        for (const auto& [name, value] : request.path_params) call.params.emplace_back(name, value);
        calls->push_back(std::move(call));
        responder.send(http::Response::json(200, label));
      };
}

// The router the incident API resembles: literal and capture segments, several methods.
struct Fixture {
  std::vector<Call> calls;
  Router router;

  Fixture() {
    router.add("GET", "/", recording_handler("root", &calls));
    router.add("GET", "/health", recording_handler("health", &calls));
    router.add("GET", "/api/v1/incidents", recording_handler("list", &calls));
    router.add("POST", "/api/v1/incidents", recording_handler("create", &calls));
    router.add("GET", "/api/v1/incidents/{id}", recording_handler("get", &calls));
    router.add("PATCH", "/api/v1/incidents/{id}", recording_handler("update", &calls));
    router.add("GET", "/api/v1/incidents/{id}/notes/{note}", recording_handler("note", &calls));
  }

  // Dispatches one request; returns the route label and fills `record` with the outcome.
  std::string_view dispatch(std::string_view method, std::string_view path,
                            const std::shared_ptr<CompletionRecord>& record,
                            std::string_view request_id = "rid-1") {
    http::Request request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.request_id = request_id;
    return router.dispatch(request, recording_responder(record));
  }
};

std::string header_value(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

}  // namespace

TEST_CASE("router: a literal path with its method is found with no params") {
  Fixture fixture;
  const Router::Match match = fixture.router.match("GET", "/health");
  CHECK(match.outcome == Outcome::kFound);
  CHECK(match.pattern == "/health");
  CHECK(match.handler != nullptr);
  CHECK(match.params.empty());
}

TEST_CASE("router: the root path matches the root pattern only") {
  Fixture fixture;
  CHECK(fixture.router.match("GET", "/").pattern == "/");
  CHECK(fixture.router.match("GET", "/").outcome == Outcome::kFound);
  CHECK(fixture.router.match("GET", "/health").pattern == "/health");
}

TEST_CASE("router: a capture segment yields its value under the capture's name") {
  Fixture fixture;
  const Router::Match match = fixture.router.match("GET", "/api/v1/incidents/42");
  REQUIRE(match.outcome == Outcome::kFound);
  CHECK(match.pattern == "/api/v1/incidents/{id}");
  CHECK(match.params == Params{{"id", "42"}});
}

TEST_CASE("router: several captures are returned in path order") {
  Fixture fixture;
  const Router::Match match = fixture.router.match("GET", "/api/v1/incidents/7/notes/n-3");
  REQUIRE(match.outcome == Outcome::kFound);
  CHECK(match.params == Params{{"id", "7"}, {"note", "n-3"}});
}

TEST_CASE("router: captured params view the path that was matched") {
  Fixture fixture;
  const std::string path = "/api/v1/incidents/abc";
  const Router::Match match = fixture.router.match("GET", path);
  REQUIRE(match.params.size() == 1);
  CHECK(match.params[0].second.data() == path.data() + path.size() - 3);
}

TEST_CASE("router: the method picks the handler among those of one pattern") {
  Fixture fixture;
  const Router::Match get = fixture.router.match("GET", "/api/v1/incidents");
  const Router::Match post = fixture.router.match("POST", "/api/v1/incidents");
  REQUIRE(get.outcome == Outcome::kFound);
  REQUIRE(post.outcome == Outcome::kFound);
  CHECK(get.handler != post.handler);
}

TEST_CASE("router: an unknown path is not found") {
  Fixture fixture;
  for (std::string_view path : {"/nope", "/api/v1", "/api/v1/incidents/1/notes",
                                "/api/v1/incidents/1/notes/2/extra", "/HEALTH"}) {
    INFO(path);
    const Router::Match match = fixture.router.match("GET", path);
    CHECK(match.outcome == Outcome::kNotFound);
    CHECK(match.handler == nullptr);
    CHECK(match.params.empty());
  }
}

TEST_CASE("router: a path with an empty segment matches no route") {
  Fixture fixture;
  for (std::string_view path :
       {"/api//v1/incidents", "//health", "/api/v1/incidents//", "/api/v1/incidents/1/notes/"}) {
    INFO(path);
    CHECK(fixture.router.match("GET", path).outcome == Outcome::kNotFound);
  }
}

TEST_CASE("router: an empty capture value does not match the capture") {
  Fixture fixture;
  // "/api/v1/incidents/" has two segments, the second empty: not "{id}" with id "".
  const Router::Match match = fixture.router.match("GET", "/api/v1/incidents/");
  CHECK(match.outcome == Outcome::kNotFound);
  CHECK(match.params.empty());
}

TEST_CASE("router: a trailing slash is a different path") {
  Fixture fixture;
  CHECK(fixture.router.match("GET", "/health/").outcome == Outcome::kNotFound);
  CHECK(fixture.router.match("GET", "/api/v1/incidents/42/").outcome == Outcome::kNotFound);
}

TEST_CASE("router: a known path with another method is not allowed, listing methods sorted") {
  Fixture fixture;
  const Router::Match match = fixture.router.match("DELETE", "/api/v1/incidents/42");
  CHECK(match.outcome == Outcome::kMethodNotAllowed);
  CHECK(match.allow == "GET, PATCH");
  CHECK(match.pattern == "/api/v1/incidents/{id}");
  CHECK(match.handler == nullptr);
  CHECK(match.params.empty());
}

TEST_CASE("router: methods are case-sensitive") {
  Fixture fixture;
  const Router::Match match = fixture.router.match("get", "/health");
  CHECK(match.outcome == Outcome::kMethodNotAllowed);
  CHECK(match.allow == "GET");
}

TEST_CASE("router: a literal route and a capture route on the same path both stay reachable") {
  std::vector<Call> calls;
  Router router;
  router.add("GET", "/incidents/search", recording_handler("search", &calls));
  router.add("DELETE", "/incidents/{id}", recording_handler("delete", &calls));

  const Router::Match search = router.match("GET", "/incidents/search");
  REQUIRE(search.outcome == Outcome::kFound);
  CHECK(search.pattern == "/incidents/search");
  CHECK(search.params.empty());

  // The literal route has no DELETE, so the capture route takes "search" as an id.
  const Router::Match remove = router.match("DELETE", "/incidents/search");
  REQUIRE(remove.outcome == Outcome::kFound);
  CHECK(remove.pattern == "/incidents/{id}");
  CHECK(remove.params == Params{{"id", "search"}});
}

TEST_CASE("router: a 405 lists the methods of every route that matches the path") {
  std::vector<Call> calls;
  Router router;
  router.add("GET", "/incidents/search", recording_handler("search", &calls));
  router.add("PATCH", "/incidents/{id}", recording_handler("patch", &calls));
  router.add("GET", "/incidents/{id}", recording_handler("show", &calls));

  const Router::Match post = router.match("POST", "/incidents/search");
  REQUIRE(post.outcome == Outcome::kMethodNotAllowed);
  CHECK(post.allow == "GET, PATCH");
  CHECK(post.pattern == "/incidents/search");
  CHECK(post.params.empty());
}

TEST_CASE("router: a route registered first wins when two patterns match with the method") {
  std::vector<Call> calls;
  Router router;
  router.add("GET", "/incidents/{id}", recording_handler("by-id", &calls));
  router.add("GET", "/incidents/search", recording_handler("search", &calls));
  CHECK(router.match("GET", "/incidents/search").pattern == "/incidents/{id}");
}

TEST_CASE("router: a pattern whose braces hold no name is a literal segment") {
  std::vector<Call> calls;
  Router router;
  router.add("GET", "/x/{}", recording_handler("braces", &calls));
  CHECK(router.match("GET", "/x/{}").outcome == Outcome::kFound);
  CHECK(router.match("GET", "/x/{}").params.empty());
  CHECK(router.match("GET", "/x/1").outcome == Outcome::kNotFound);
}

TEST_CASE("router: an empty router finds nothing") {
  const Router router;
  CHECK(router.match("GET", "/").outcome == Outcome::kNotFound);
  CHECK(router.match("GET", "/health").outcome == Outcome::kNotFound);
}

TEST_CASE("router: dispatch runs the handler with the path params and returns the pattern") {
  Fixture fixture;
  auto record = std::make_shared<CompletionRecord>();
  const std::string_view label = fixture.dispatch("GET", "/api/v1/incidents/9/notes/x", record);

  CHECK(label == "/api/v1/incidents/{id}/notes/{note}");
  REQUIRE(fixture.calls.size() == 1);
  CHECK(fixture.calls[0].label == "note");
  CHECK(fixture.calls[0].params ==
        std::vector<std::pair<std::string, std::string>>{{"id", "9"}, {"note", "x"}});
  REQUIRE(record->completed.size() == 1);
  CHECK(record->completed[0].body == "note");
  CHECK(record->abandoned == 0);
}

TEST_CASE("router: dispatch fills the request's path params for the handler's caller") {
  Fixture fixture;
  auto record = std::make_shared<CompletionRecord>();
  http::Request request;
  request.method = "PATCH";
  request.path = "/api/v1/incidents/17";
  fixture.router.dispatch(request, testing::recording_responder(record));
  CHECK(request.path_param("id") == "17");
  REQUIRE(fixture.calls.size() == 1);
  CHECK(fixture.calls[0].label == "update");
}

TEST_CASE("router: an unknown path answers 404 with the error shape and returns unmatched") {
  Fixture fixture;
  auto record = std::make_shared<CompletionRecord>();
  const std::string_view label = fixture.dispatch("GET", "/nope", record, "req-404");

  CHECK(label == Router::kUnmatched);
  CHECK(label == "unmatched");
  CHECK(fixture.calls.empty());
  REQUIRE(record->completed.size() == 1);
  const http::Response& response = record->completed[0];
  CHECK(response.status == 404);
  CHECK(response.content_type == "application/json");
  const json::value body = json::parse(response.body);
  CHECK(body.at("error").at("code") == "not_found");
  CHECK(body.at("error").at("message") == "no route for /nope");
  CHECK(body.at("error").at("request_id") == "req-404");
}

TEST_CASE("router: a known path with another method answers 405 with an Allow header") {
  Fixture fixture;
  auto record = std::make_shared<CompletionRecord>();
  const std::string_view label = fixture.dispatch("DELETE", "/api/v1/incidents", record, "r405");

  CHECK(label == "/api/v1/incidents");
  CHECK(fixture.calls.empty());
  REQUIRE(record->completed.size() == 1);
  const http::Response& response = record->completed[0];
  CHECK(response.status == 405);
  CHECK(header_value(response, "Allow") == "GET, POST");
  const json::value body = json::parse(response.body);
  CHECK(body.at("error").at("code") == "method_not_allowed");
  CHECK(body.at("error").at("message") == "DELETE is not allowed on /api/v1/incidents");
  CHECK(body.at("error").at("details") == json::parse(R"({"allow":"GET, POST"})"));
  CHECK(body.at("error").at("request_id") == "r405");
}

TEST_CASE("router: a 404 answer has no Allow header") {
  Fixture fixture;
  auto record = std::make_shared<CompletionRecord>();
  (void)fixture.dispatch("GET", "/health/", record);
  REQUIRE(record->completed.size() == 1);
  CHECK(record->completed[0].status == 404);
  CHECK(header_value(record->completed[0], "Allow") == "<absent>");
}

TEST_CASE("router: dispatch lets a handler that drops its responder abandon it") {
  Router router;
  router.add("GET", "/drop", [](const http::Request&, http::Responder) {});
  auto record = std::make_shared<CompletionRecord>();
  http::Request request;
  request.method = "GET";
  request.path = "/drop";
  CHECK(router.dispatch(request, testing::recording_responder(record)) == "/drop");
  CHECK(record->completed.empty());
  CHECK(record->abandoned == 1);
}

}  // namespace regen::router
