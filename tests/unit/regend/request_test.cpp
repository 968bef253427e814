#include "regend/http/request.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/unit/regend/recording_completion.h"

namespace regen::http {
namespace {

using testing::CompletionRecord;
using testing::recording_responder;

// Stands in for the session's parsed header fields.
struct FakeHeaders {
  std::map<std::string, std::string, std::less<>> fields;
  mutable std::vector<std::string> asked;
};

std::string_view fake_lookup(const void* source, std::string_view name) {
  const auto& headers = *static_cast<const FakeHeaders*>(source);
  headers.asked.emplace_back(name);
  auto it = headers.fields.find(name);
  return it == headers.fields.end() ? std::string_view{} : std::string_view(it->second);
}

Response response_with_status(unsigned status) {
  Response response;
  response.status = status;
  return response;
}

}  // namespace

TEST_CASE("request: path_param returns the value captured under that name") {
  Request request;
  request.path_params = {{"id", "42"}, {"note", "n-7"}};
  CHECK(request.path_param("id") == "42");
  CHECK(request.path_param("note") == "n-7");
}

TEST_CASE("request: path_param is empty for a name the route does not capture") {
  Request request;
  request.path_params = {{"id", "42"}};
  CHECK(request.path_param("ID").empty());
  CHECK(request.path_param("").empty());
  CHECK(Request{}.path_param("id").empty());
}

TEST_CASE("request: header is empty when no header source has been set") {
  const Request request;
  CHECK(request.header("X-Request-ID").empty());
}

TEST_CASE("request: header asks the header source set by the session") {
  FakeHeaders headers;
  headers.fields = {{"Content-Type", "application/json"}};
  Request request;
  request.set_header_source(&headers, &fake_lookup);

  CHECK(request.header("Content-Type") == "application/json");
  CHECK(request.header("Authorization").empty());
  CHECK(headers.asked == std::vector<std::string>{"Content-Type", "Authorization"});
}

TEST_CASE("response: json sets the status and body with the JSON content type") {
  const Response response = Response::json(201, R"({"id":1})");
  CHECK(response.status == 201);
  CHECK(response.body == R"({"id":1})");
  CHECK(response.content_type == "application/json");
  CHECK(response.headers.empty());
}

TEST_CASE("responder: send delivers the response to the completion once") {
  auto record = std::make_shared<CompletionRecord>();
  {
    Responder responder = recording_responder(record);
    responder.send(response_with_status(204));
  }
  REQUIRE(record->completed.size() == 1);
  CHECK(record->completed[0].status == 204);
  CHECK(record->abandoned == 0);
}

TEST_CASE("responder: a second send is ignored") {
  auto record = std::make_shared<CompletionRecord>();
  {
    Responder responder = recording_responder(record);
    responder.send(response_with_status(200));
    responder.send(response_with_status(500));
  }
  REQUIRE(record->completed.size() == 1);
  CHECK(record->completed[0].status == 200);
  CHECK(record->abandoned == 0);
}

TEST_CASE("responder: destroying an unsent responder abandons its completion") {
  auto record = std::make_shared<CompletionRecord>();
  { Responder responder = recording_responder(record); }
  CHECK(record->completed.empty());
  CHECK(record->abandoned == 1);
}

TEST_CASE("responder: moving a responder hands over the completion without abandoning it") {
  auto record = std::make_shared<CompletionRecord>();
  {
    Responder first = recording_responder(record);
    Responder second = std::move(first);
    CHECK(record->abandoned == 0);
    second.send(response_with_status(202));
  }
  REQUIRE(record->completed.size() == 1);
  CHECK(record->completed[0].status == 202);
  CHECK(record->abandoned == 0);
}

TEST_CASE("responder: a moved-from responder ignores send and the new owner abandons once") {
  auto record = std::make_shared<CompletionRecord>();
  {
    Responder first = recording_responder(record);
    Responder second = std::move(first);
    first.send(response_with_status(500));  // NOLINT(bugprone-use-after-move): the point
    CHECK(record->completed.empty());
  }
  CHECK(record->completed.empty());
  CHECK(record->abandoned == 1);
}

TEST_CASE("responder: move-assigning over an unsent responder abandons the one it replaces") {
  auto replaced = std::make_shared<CompletionRecord>();
  auto kept = std::make_shared<CompletionRecord>();
  {
    Responder target = recording_responder(replaced);
    Responder source = recording_responder(kept);
    target = std::move(source);
    CHECK(replaced->abandoned == 1);  // answered 500, not left hanging
    target.send(response_with_status(204));
  }
  CHECK(replaced->completed.empty());
  REQUIRE(kept->completed.size() == 1);
  CHECK(kept->completed[0].status == 204);
  CHECK(kept->abandoned == 0);
}

}  // namespace regen::http
