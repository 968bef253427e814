#include "regend/admin/command_registry.h"

#include <boost/json/object.hpp>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace regen::admin {
namespace {

namespace json = boost::json;

// Collects every reply a dispatch produces.
struct Replies {
  std::vector<Response> received;
  Reply reply() {
    return [this](Response response) { received.push_back(std::move(response)); };
  }
};

// A command that records the arguments it ran with and answers {"ran": name}.
Command recording_command(std::string name, std::vector<json::object>* runs) {
  Command command;
  command.name = name;
  command.summary = "summary of " + name;
  command.run = [name, runs](const json::object& args, Reply reply) {
    runs->push_back(args);
    reply(Response::success(json::object{{"ran", name}}));
  };
  return command;
}

}  // namespace

TEST_CASE("command registry: dispatch runs the named command with the request's args") {
  std::vector<json::object> alpha_runs;
  std::vector<json::object> beta_runs;
  CommandRegistry registry;
  registry.add(recording_command("alpha", &alpha_runs));
  registry.add(recording_command("beta", &beta_runs));

  Replies replies;
  registry.dispatch(Request{"beta", json::object{{"n", 3}}}, replies.reply());

  CHECK(alpha_runs.empty());
  REQUIRE(beta_runs.size() == 1);
  CHECK(beta_runs[0] == json::object{{"n", 3}});
  REQUIRE(replies.received.size() == 1);
  CHECK(replies.received[0].ok);
  CHECK(replies.received[0].data == json::object{{"ran", "beta"}});
}

TEST_CASE("command registry: an unknown command replies unknown_command listing the commands") {
  std::vector<json::object> runs;
  CommandRegistry registry;
  registry.add(recording_command("alpha", &runs));
  registry.add(recording_command("beta", &runs));

  Replies replies;
  registry.dispatch(Request{"gamma", {}}, replies.reply());

  CHECK(runs.empty());
  REQUIRE(replies.received.size() == 1);
  const Response& response = replies.received[0];
  CHECK_FALSE(response.ok);
  CHECK(response.error.code == kErrUnknownCommand);
  CHECK(response.error.message == "unknown command \"gamma\"; commands: alpha, beta");
}

TEST_CASE("command registry: command names are matched exactly") {
  std::vector<json::object> runs;
  CommandRegistry registry;
  registry.add(recording_command("status", &runs));

  for (const char* name : {"Status", "status ", "stat", ""}) {
    INFO(name);
    Replies replies;
    registry.dispatch(Request{name, {}}, replies.reply());
    REQUIRE(replies.received.size() == 1);
    CHECK(replies.received[0].error.code == kErrUnknownCommand);
  }
  CHECK(runs.empty());
}

TEST_CASE("command registry: an empty registry replies unknown_command") {
  const CommandRegistry registry;
  Replies replies;
  registry.dispatch(Request{"status", {}}, replies.reply());
  REQUIRE(replies.received.size() == 1);
  CHECK_FALSE(replies.received[0].ok);
  CHECK(replies.received[0].error.code == kErrUnknownCommand);
}

TEST_CASE("command registry: commands are listed in the order they were added") {
  std::vector<json::object> runs;
  CommandRegistry registry;
  for (const char* name : {"zeta", "alpha", "mu"}) registry.add(recording_command(name, &runs));
  REQUIRE(registry.commands().size() == 3);
  CHECK(registry.commands()[0].name == "zeta");
  CHECK(registry.commands()[1].name == "alpha");
  CHECK(registry.commands()[2].name == "mu");
}

TEST_CASE("command registry: a command may reply after dispatch has returned") {
  std::optional<Reply> pending;
  CommandRegistry registry;
  registry.add(Command{"later", "replies later", "",
                       [&pending](const json::object&, Reply reply) { pending = reply; }});

  Replies replies;
  registry.dispatch(Request{"later", {}}, replies.reply());
  CHECK(replies.received.empty());
  REQUIRE(pending.has_value());
  (*pending)(Response::success(json::value("done")));
  REQUIRE(replies.received.size() == 1);
  CHECK(replies.received[0].data == "done");
}

}  // namespace regen::admin
