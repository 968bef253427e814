// SIGHUP and `reload` apply the reloadable keys, name the ones that need a restart, and keep
// the running configuration when the new file is broken.

#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "tests/support/http_client.h"
#include "tests/support/regend_process.h"
#include "tests/support/wait.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::RegendProcess;

namespace {

int post_status(const RegendProcess& regend, std::size_t body_size) {
  auto response =
      regen::test::http_request(regend.port(), "POST", "/health", std::string(body_size, 'b'));
  return response ? response->status : 0;
}

}  // namespace

TEST_CASE("reload: SIGHUP applies a new body limit and names keys that need a restart") {
  RegendProcess regend({.config_toml = "[server]\nmax_body_bytes = 2048\n"});
  REQUIRE(post_status(regend, 3000) == 413);

  regend.dir().write("regend.toml",
                     "[server]\nmax_body_bytes = 8192\nio_threads = 1\n[log]\nlevel = \"debug\"\n");
  regend.process().signal(SIGHUP);
  REQUIRE(regend.log_contains("reload: applied"));
  CHECK(regend.log().find("server.io_threads changed but needs a restart") != std::string::npos);
  CHECK(regen::test::wait_until([&] { return post_status(regend, 3000) == 405; }));
  CHECK(regend.process().running());
}

TEST_CASE("reload: a broken file changes nothing and the daemon keeps serving") {
  RegendProcess regend({.config_toml = "[server]\nmax_body_bytes = 2048\n"});
  regend.dir().write("regend.toml", "[server]\nmax_body_bytes = \"lots\"\nlisten = 12\n");
  regend.process().signal(SIGHUP);
  REQUIRE(regend.log_contains("reload failed, configuration unchanged"));
  CHECK(regend.log().find("server.max_body_bytes") != std::string::npos);
  CHECK(post_status(regend, 3000) == 413);
  CHECK(regend.process().running());
}

TEST_CASE("reload: the admin reload command reports applied and restart-only keys") {
  RegendProcess regend({.config_toml = "[log]\naccess_log = true\n"});
  regend.dir().write("regend.toml",
                     "[log]\naccess_log = false\n[storage]\ndata_dir = \"/elsewhere\"\n");
  json::object reply = regend.admin("reload");
  REQUIRE(reply.at("ok").as_bool());
  const json::object& data = reply.at("data").as_object();
  CHECK(data.at("config_file").as_string() == regend.config_path());
  CHECK(json::serialize(data.at("applied")) == R"(["log.access_log"])");
  // storage.data_dir comes from --data-dir on the harness's command line, which wins.
  CHECK(data.at("needs_restart").as_array().empty());

  // access_log = false: requests stop producing access lines.
  REQUIRE(regen::test::http_request(regend.port(), "GET", "/health", "",
                                    {{"X-Request-ID", "after-reload"}}));
  REQUIRE(regen::test::http_request(regend.port(), "GET", "/nope"));
  CHECK(regend.log().find("request_id=after-reload") == std::string::npos);
}

TEST_CASE("reload: the admin reload command fails with the errors of a broken file") {
  RegendProcess regend({.config_toml = "[log]\nlevel = \"info\"\n"});
  regend.dir().write("regend.toml", "[log]\nlevel = \"loud\"\n[server]\nmax_conections = 5\n");
  json::object reply = regend.admin("reload");
  CHECK_FALSE(reply.at("ok").as_bool());
  CHECK(reply.at("error").at("code").as_string() == "failed");
  std::string message(reply.at("error").at("message").as_string());
  CHECK(message.find("log.level") != std::string::npos);
  CHECK(message.find("server.max_conections") != std::string::npos);
}
