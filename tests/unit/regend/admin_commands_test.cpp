#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "regend/admin/commands.h"

namespace regen::admin {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// A DaemonControl that records each call and answers with canned values. drain() keeps its
// `done` callback so a test decides when (and whether) the drain finishes.
class RecordingControl final : public DaemonControl {
 public:
  json::object status() const override {
    ++status_calls;
    return status_result;
  }
  void drain(std::optional<std::chrono::milliseconds> timeout,
             std::function<void(const DrainReport&)> done) override {
    drain_timeouts.push_back(timeout);
    drain_done = std::move(done);
  }
  Result<ReloadReport> reload() override {
    ++reload_calls;
    return reload_result;
  }

  json::object status_result{{"version", "0.1.0"}, {"pid", 4242}, {"draining", false}};
  Result<ReloadReport> reload_result = ReloadReport{};
  mutable int status_calls = 0;
  int reload_calls = 0;
  std::vector<std::optional<std::chrono::milliseconds>> drain_timeouts;
  std::function<void(const DrainReport&)> drain_done;
};

struct Fixture {
  RecordingControl control;
  CommandRegistry registry;
  Fixture() { register_commands(registry, control); }

  // Dispatches `cmd` with `args` (JSON text) and returns every reply produced so far.
  std::vector<Response> run(std::string cmd, std::string_view args = "{}") {
    std::vector<Response> replies;
    registry.dispatch(Request{std::move(cmd), json::parse(args).as_object()},
                      [&replies](Response response) { replies.push_back(std::move(response)); });
    return replies;
  }
};

// The single reply's error; fails the test unless there is exactly one failure reply.
CommandError single_failure(const std::vector<Response>& replies) {
  REQUIRE(replies.size() == 1);
  REQUIRE_FALSE(replies[0].ok);
  return replies[0].error;
}

}  // namespace

TEST_CASE("admin commands: status, drain, reload and help are registered in that order") {
  Fixture fixture;
  std::vector<std::string> names;
  for (const Command& command : fixture.registry.commands()) names.push_back(command.name);
  CHECK(names == std::vector<std::string>{"status", "drain", "reload", "help"});
}

TEST_CASE("admin commands: an unknown command lists the registered commands") {
  Fixture fixture;
  const CommandError error = single_failure(fixture.run("stop"));
  CHECK(error.code == kErrUnknownCommand);
  CHECK(error.message == "unknown command \"stop\"; commands: status, drain, reload, help");
}

TEST_CASE("admin commands: help lists every command with its summary and args") {
  Fixture fixture;
  const std::vector<Response> replies = fixture.run("help");
  REQUIRE(replies.size() == 1);
  REQUIRE(replies[0].ok);
  const json::array& listed = replies[0].data.at("commands").as_array();
  const std::vector<Command>& commands = fixture.registry.commands();
  REQUIRE(listed.size() == commands.size());
  for (std::size_t i = 0; i < listed.size(); ++i) {
    INFO(commands[i].name);
    CHECK(listed[i] == json::object{{"name", commands[i].name},
                                    {"summary", commands[i].summary},
                                    {"args", commands[i].args_help}});
    CHECK_FALSE(commands[i].summary.empty());
  }
  CHECK(listed[1].at("args") == "timeout_ms: integer, optional (default server.drain_timeout)");
  CHECK(listed[0].at("args") == "");
}

TEST_CASE("admin commands: help ignores its arguments") {
  Fixture fixture;
  const std::vector<Response> replies = fixture.run("help", R"({"verbose":true})");
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].ok);
}

TEST_CASE("admin commands: status replies with what the daemon reports") {
  Fixture fixture;
  const std::vector<Response> replies = fixture.run("status");
  REQUIRE(replies.size() == 1);
  REQUIRE(replies[0].ok);
  CHECK(replies[0].data == fixture.control.status_result);
  CHECK(fixture.control.status_calls == 1);
}

TEST_CASE("admin commands: status refuses an unknown argument, naming it") {
  Fixture fixture;
  const CommandError error = single_failure(fixture.run("status", R"({"verbose":true})"));
  CHECK(error.code == kErrInvalidArgs);
  CHECK(error.message == "unknown argument \"verbose\"");
  CHECK(fixture.control.status_calls == 0);
}

TEST_CASE("admin commands: drain without a timeout passes none and replies when drained") {
  Fixture fixture;
  std::vector<Response> replies;
  fixture.registry.dispatch(Request{"drain", {}}, [&replies](Response response) {
    replies.push_back(std::move(response));
  });
  REQUIRE(fixture.control.drain_timeouts.size() == 1);
  CHECK(fixture.control.drain_timeouts[0] == std::nullopt);
  CHECK(replies.empty());

  DrainReport report;
  report.duration = 1250ms;
  report.connections_at_start = 5;
  report.idle_closed = 3;
  report.requests_completed = 2;
  REQUIRE(fixture.control.drain_done);
  fixture.control.drain_done(report);

  REQUIRE(replies.size() == 1);
  CHECK(replies[0].ok);
  CHECK(replies[0].data == report.to_json());
}

TEST_CASE("admin commands: drain passes a valid timeout_ms through as milliseconds") {
  for (const auto& [args, expected] :
       {std::pair{R"({"timeout_ms":1})", 1ms}, std::pair{R"({"timeout_ms":30000})", 30000ms},
        std::pair{R"({"timeout_ms":86400000})", 86400000ms}}) {
    INFO(args);
    Fixture fixture;
    CHECK(fixture.run("drain", args).empty());
    REQUIRE(fixture.control.drain_timeouts.size() == 1);
    CHECK(fixture.control.drain_timeouts[0] == std::optional(expected));
  }
}

TEST_CASE("admin commands: drain refuses a timeout_ms that is not an integer from 1 to 86400000") {
  for (std::string_view args :
       {R"({"timeout_ms":0})", R"({"timeout_ms":-5})", R"({"timeout_ms":86400001})",
        R"({"timeout_ms":18446744073709551615})", R"({"timeout_ms":1.5})",
        R"({"timeout_ms":1000.0})", R"({"timeout_ms":"1000"})", R"({"timeout_ms":null})",
        R"({"timeout_ms":true})", R"({"timeout_ms":[1000]})"}) {
    INFO(args);
    Fixture fixture;
    const CommandError error = single_failure(fixture.run("drain", args));
    CHECK(error.code == kErrInvalidArgs);
    CHECK(error.message == "timeout_ms must be an integer from 1 to 86400000");
    CHECK(fixture.control.drain_timeouts.empty());
  }
}

TEST_CASE("admin commands: drain refuses an unknown argument, naming it") {
  Fixture fixture;
  const CommandError error = single_failure(fixture.run("drain", R"({"timeout":1000})"));
  CHECK(error.code == kErrInvalidArgs);
  CHECK(error.message == "unknown argument \"timeout\"");
  CHECK(fixture.control.drain_timeouts.empty());
}

TEST_CASE("admin commands: reload replies with the applied and restart-only keys") {
  Fixture fixture;
  ReloadReport report;
  report.config_file = "/etc/regen/regend.toml";
  report.applied = {"log.level", "log.access_log"};
  report.needs_restart = {"server.listen"};
  fixture.control.reload_result = report;

  const std::vector<Response> replies = fixture.run("reload");
  REQUIRE(replies.size() == 1);
  REQUIRE(replies[0].ok);
  CHECK(replies[0].data == json::parse(R"({"config_file":"/etc/regen/regend.toml",
      "applied":["log.level","log.access_log"],"needs_restart":["server.listen"]})"));
  CHECK(fixture.control.reload_calls == 1);
}

TEST_CASE("admin commands: a failed reload replies failed with the daemon's message") {
  Fixture fixture;
  fixture.control.reload_result =
      Error{ErrorCode::kInvalidArgument, "server.listen: expected host:port"};
  const CommandError error = single_failure(fixture.run("reload"));
  CHECK(error.code == kErrFailed);
  CHECK(error.message == "server.listen: expected host:port");
  CHECK(fixture.control.reload_calls == 1);
}

TEST_CASE("admin commands: reload refuses an unknown argument, naming it") {
  Fixture fixture;
  const CommandError error = single_failure(fixture.run("reload", R"({"file":"/tmp/x.toml"})"));
  CHECK(error.code == kErrInvalidArgs);
  CHECK(error.message == "unknown argument \"file\"");
  CHECK(fixture.control.reload_calls == 0);
}

TEST_CASE("drain report: to_json reports every counter and the closed connections") {
  DrainReport report;
  report.timed_out = false;
  report.duration = 2500ms;
  report.connections_at_start = 10;
  report.idle_closed = 4;
  report.requests_completed = 6;
  report.connections_forced = 0;
  CHECK(report.to_json() == json::parse(R"({"drained":true,"timed_out":false,
      "duration_ms":2500,"connections_at_start":10,"connections_closed":10,"idle_closed":4,
      "requests_completed":6,"connections_forced":0})"));
}

TEST_CASE("drain report: a timed-out drain is not drained and counts forced closes") {
  DrainReport report;
  report.timed_out = true;
  report.duration = 30000ms;
  report.connections_at_start = 7;
  report.connections_forced = 2;
  const json::object out = report.to_json();
  CHECK(out.at("drained") == false);
  CHECK(out.at("timed_out") == true);
  CHECK(out.at("connections_closed").to_number<int64_t>() == 5);
  CHECK(out.at("connections_forced").to_number<int64_t>() == 2);
  CHECK(out.at("duration_ms").to_number<int64_t>() == 30000);
}

TEST_CASE("drain report: a default report is an instant, complete drain of nothing") {
  const json::object out = DrainReport{}.to_json();
  CHECK(out.size() == 8);
  CHECK(out.at("drained") == true);
  CHECK(out.at("connections_closed").to_number<int64_t>() == 0);
  CHECK(out.at("duration_ms").to_number<int64_t>() == 0);
}

TEST_CASE("reload report: config_file is null when running on defaults") {
  ReloadReport report;
  report.applied = {"log.level"};
  CHECK(report.to_json() ==
        json::parse(R"({"config_file":null,"applied":["log.level"],"needs_restart":[]})"));
}

TEST_CASE("reload report: config_file and both key lists are reported in order") {
  ReloadReport report;
  report.config_file = "regend.toml";
  report.applied = {"b", "a"};
  report.needs_restart = {"z", "y"};
  const json::object out = report.to_json();
  CHECK(out.size() == 3);
  CHECK(out.at("config_file") == "regend.toml");
  CHECK(out.at("applied") == json::array{"b", "a"});
  CHECK(out.at("needs_restart") == json::array{"z", "y"});
}

}  // namespace regen::admin
