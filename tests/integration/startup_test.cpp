// Start-up: configuration errors stop the daemon before it listens, --check-config reports
// every problem, the admin socket is created 0660 and never stolen from a live daemon.

#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/http_client.h"
#include "tests/support/regend_process.h"
#include "tests/support/wait.h"

using namespace std::chrono_literals;
using regen::test::RegendProcess;
using regen::test::run_command;
using regen::test::TempDir;

TEST_CASE("startup: --check-config lists every problem with its key path and exits 78") {
  TempDir dir;
  dir.write("bad.toml",
            "[server]\nlisten = \"nowhere\"\nmax_body_bytes = -1\nheader_timeout = \"soon\"\n"
            "[log]\nlevel = \"chatty\"\n[bogus]\nkey = 1\n");
  auto result = run_command({REGEND_BINARY, "--check-config", "--config", dir.file("bad.toml")});
  CHECK(result.exit_code == 78);
  for (const char* key :
       {"server.listen", "server.max_body_bytes", "server.header_timeout", "log.level", "bogus"}) {
    INFO(key);
    CHECK(result.output.find(key) != std::string::npos);
  }
}

TEST_CASE("startup: --check-config on a valid file prints the effective values and exits 0") {
  TempDir dir;
  dir.write("ok.toml", "[server]\nmax_body_bytes = 4096\n");
  auto result = run_command({REGEND_BINARY, "--check-config", "--config", dir.file("ok.toml"),
                             "--listen", "127.0.0.1:9999"},
                            {{"REGEN_LOG_LEVEL", "warn"}});
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("server.max_body_bytes = 4096") != std::string::npos);
  CHECK(result.output.find("server.listen = \"127.0.0.1:9999\"") != std::string::npos);
  CHECK(result.output.find("log.level = \"warn\"") != std::string::npos);
}

TEST_CASE("startup: the shipped conf/regend.toml passes --check-config") {
  auto result = run_command(
      {REGEND_BINARY, "--check-config", "--config", REGEN_SOURCE_DIR "/conf/regend.toml"});
  CHECK(result.exit_code == 0);
}

TEST_CASE("startup: an invalid configuration never starts a half-working daemon") {
  TempDir dir;
  dir.write("bad.toml", "[server]\nmax_connections = 0\n");
  auto result = run_command({REGEND_BINARY, "--config", dir.file("bad.toml"), "--listen",
                             "127.0.0.1:0", "--data-dir", dir.file("var")});
  CHECK(result.exit_code == 78);
  CHECK(result.output.find("server.max_connections") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("var/regend.sock")));
}

TEST_CASE("startup: a bad flag is a usage error (64), --version and --help exit 0") {
  CHECK(run_command({REGEND_BINARY, "--no-such-flag"}).exit_code == 64);
  auto version = run_command({REGEND_BINARY, "--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.output.rfind("regend ", 0) == 0);
  auto help = run_command({REGEND_BINARY, "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("--check-config") != std::string::npos);
}

TEST_CASE("startup: the admin socket is created with mode 0660") {
  RegendProcess regend;
  struct stat st {};
  REQUIRE(::stat(regend.socket_path().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0660);
}

TEST_CASE("startup: a second daemon refuses a live admin socket and exits 1") {
  RegendProcess first;
  auto result = run_command({REGEND_BINARY, "--listen", "127.0.0.1:0", "--admin-socket",
                             first.socket_path(), "--data-dir", first.dir().file("var2")});
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("is another regend running") != std::string::npos);
  CHECK(first.status().at("draining").as_bool() == false);  // the first one is untouched
}

TEST_CASE("startup: a stale admin socket file left by a crash is replaced") {
  RegendProcess crashed;
  crashed.process().signal(SIGKILL);
  REQUIRE(crashed.process().wait_exit(5s));
  REQUIRE(std::filesystem::exists(crashed.socket_path()));
  regen::test::Subprocess second(
      {REGEND_BINARY, "--listen", "127.0.0.1:0", "--data-dir", crashed.dir().file("var")},
      crashed.dir().file("second.log"));
  CHECK(regen::test::wait_until([&] {
    return !regen::test::admin_exchange(crashed.socket_path(), R"({"cmd":"status"})", 1s).empty();
  }));
  second.signal(SIGTERM);
  CHECK(second.wait_exit(10s) == 0);
  CHECK_FALSE(std::filesystem::exists(crashed.socket_path()));  // removed on a clean exit
}

TEST_CASE("startup: a port already in use is a clear start-up failure (exit 1)") {
  RegendProcess first;
  TempDir dir;
  auto result = run_command({REGEND_BINARY, "--listen", "127.0.0.1:" + std::to_string(first.port()),
                             "--data-dir", dir.file("var")});
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) !=
        std::string::npos);
}

TEST_CASE("startup: REGEN_* environment variables override the file, flags override both") {
  RegendProcess regend(
      {.config_toml = "[server]\nmax_body_bytes = 4096\nmax_connections = 7\n",
       .env = {{"REGEN_SERVER_MAX_BODY_BYTES", "2048"}, {"REGEN_SERVER_MAX_CONNECTIONS", "9"}}});
  CHECK(regend.status().at("connections").at("max").to_number<uint64_t>() == 9);
  auto response =
      regen::test::http_request(regend.port(), "POST", "/health", std::string(3000, 'x'));
  REQUIRE(response);
  CHECK(response->status == 413);
}
