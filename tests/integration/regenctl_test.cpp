// regenctl against a real regend: status, health, reload, drain, and its errors.

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <cstring>

#include "tests/support/regend_process.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::RegendProcess;
using regen::test::run_command;

namespace {

regen::test::CommandResult regenctl(const RegendProcess& regend, std::vector<std::string> args) {
  args.insert(args.begin(), {REGENCTL_BINARY, "--socket", regend.socket_path()});
  return run_command(args);
}

}  // namespace

TEST_CASE("regenctl: status shows a live daemon as a table") {
  RegendProcess regend;
  auto result = regenctl(regend, {"status"});
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("Version") != std::string::npos);
  CHECK(result.output.find("127.0.0.1:" + std::to_string(regend.port())) != std::string::npos);
  CHECK(result.output.find(regend.socket_path()) != std::string::npos);
  CHECK(result.output.find(std::to_string(regend.process().pid())) != std::string::npos);
}

TEST_CASE("regenctl: status -o json prints the daemon's status object") {
  RegendProcess regend;
  auto result = regenctl(regend, {"status", "-o", "json"});
  REQUIRE(result.exit_code == 0);
  json::object status = json::parse(result.output).as_object();
  CHECK(status.at("pid").as_int64() == regend.process().pid());
  CHECK(status.at("draining").as_bool() == false);
}

TEST_CASE("regenctl: health exits 0 for a serving daemon") {
  RegendProcess regend;
  auto result = regenctl(regend, {"health"});
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("healthy") != std::string::npos);
}

TEST_CASE("regenctl: reload reports what was applied") {
  RegendProcess regend({.config_toml = "[log]\nlevel = \"info\"\n"});
  regend.dir().write("regend.toml", "[log]\nlevel = \"debug\"\n");
  auto result = regenctl(regend, {"reload"});
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("log.level") != std::string::npos);
}

TEST_CASE("regenctl: reload of a broken file exits 1 naming the problem") {
  RegendProcess regend({.config_toml = "[log]\nlevel = \"info\"\n"});
  regend.dir().write("regend.toml", "[log]\nlevel = \"shouty\"\n");
  auto result = regenctl(regend, {"reload"});
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("log.level") != std::string::npos);
}

TEST_CASE("regenctl: drain drains the daemon, which then exits 0") {
  RegendProcess regend;
  auto result = regenctl(regend, {"drain", "--timeout", "10"});
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("drained") != std::string::npos);
  CHECK(regend.process().wait_exit(10s) == 0);
}

TEST_CASE("regenctl: a missing socket is exit 3 with one clear line") {
  regen::test::TempDir dir;
  auto result = run_command({REGENCTL_BINARY, "--socket", dir.file("absent.sock"), "status"});
  CHECK(result.exit_code == 3);
  CHECK(result.output.rfind("regenctl: ", 0) == 0);
  CHECK(result.output.find(dir.file("absent.sock")) != std::string::npos);
  CHECK(std::count(result.output.begin(), result.output.end(), '\n') == 1);
}

TEST_CASE("regenctl: a socket nobody listens on is exit 5 (not answering)") {
  regen::test::TempDir dir;
  // A socket file bound and closed without listen(): what a crashed daemon leaves behind.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, dir.file("stale.sock").c_str(), sizeof(address.sun_path) - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  ::close(fd);
  auto result = run_command({REGENCTL_BINARY, "--socket", dir.file("stale.sock"), "status"});
  CHECK(result.exit_code == 5);
  CHECK(result.output.find("not answering") != std::string::npos);
}

TEST_CASE("regenctl: REGEN_ADMIN_SOCKET selects the socket") {
  RegendProcess regend;
  auto result =
      run_command({REGENCTL_BINARY, "health"}, {{"REGEN_ADMIN_SOCKET", regend.socket_path()}});
  CHECK(result.exit_code == 0);
}
