// The systemd integration: socket activation (regend serves on the listening socket it
// inherits, and a restart through that socket drops no request) and the unit's security score.
//
// systemd-socket-activate (Debian's systemd package) binds the socket and, at the first
// connection, execs the given program with it as fd 3 ($LISTEN_FDS/$LISTEN_PID). It does not
// restart anything, so the program it execs is a small supervisor script that plays the part of
// systemd: it keeps fd 3 open and starts regend again each time it exits. Connections arriving
// while no regend runs wait in the socket's backlog for the next one, exactly as they do under
// `systemctl restart regend` with regend.socket.

#include <signal.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "tests/integration/alert_stream.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/regend_process.h"
#include "tests/support/wait.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::TempDir;

namespace {

// Restarts the command after "$@" every time it exits, until <dir>/stop exists; writes the pid of
// each new run to <dir>/regend.pid first. The inner `sh -c` sets LISTEN_PID to its own pid and
// then execs regend, which keeps that pid: sd_listen_fds() only accepts sockets meant for it.
constexpr const char kSupervisor[] = R"(#!/bin/sh
dir="$1"; shift
while [ ! -e "$dir/stop" ]; do
  sh -c 'echo $$ > "$0/regend.pid.new" && mv "$0/regend.pid.new" "$0/regend.pid" &&
         LISTEN_PID=$$ exec "$@"' "$dir" "$@"
done
)";

// Rate limits off (one client sends thousands of requests); no drain grace (nothing balances
// load in front of this test, so waiting for one to notice /ready would only slow it down).
constexpr const char kConfig[] = R"(
[server]
drain_grace = "0s"
drain_timeout = "10s"
[rate_limit]
enabled = false
)";

class SocketActivatedRegend {
 public:
  SocketActivatedRegend() : port_(regen::test::free_port()) {
    dir_.write("supervise.sh", kSupervisor);
    std::filesystem::permissions(dir_.file("supervise.sh"), std::filesystem::perms::owner_all);
    dir_.write("regend.toml", kConfig);
    // server.listen names a port nobody connects to: the inherited socket must win.
    activator_ = std::make_unique<regen::test::Subprocess>(
        std::vector<std::string>{"systemd-socket-activate", "-l",
                                 "127.0.0.1:" + std::to_string(port_), dir_.file("supervise.sh"),
                                 dir_.path(), REGEND_BINARY, "--config", dir_.file("regend.toml"),
                                 "--data-dir", dir_.file("var"), "--admin-socket",
                                 dir_.file("var/regend.sock"), "--listen", "127.0.0.1:0"},
        dir_.file("output.log"));
    // It binds first and execs the supervisor at the first connection, which this request is.
    REQUIRE(regen::test::wait_until(
        [&] {
          try {
            auto response = regen::test::http_request(port_, "GET", "/health");
            return response && response->status == 200;
          } catch (const std::exception&) {
            return false;  // not bound yet
          }
        },
        10s));
  }

  ~SocketActivatedRegend() {
    dir_.write("stop", "");
    if (pid_t pid = current_pid(); pid > 0) ::kill(pid, SIGTERM);
    if (!activator_->wait_exit(15s)) activator_->signal(SIGKILL);
  }

  uint16_t port() const { return static_cast<uint16_t>(port_); }
  const TempDir& dir() const { return dir_; }

  pid_t current_pid() const {
    std::error_code ignored;
    if (!std::filesystem::exists(dir_.file("regend.pid"), ignored)) return -1;
    try {
      return static_cast<pid_t>(std::stol(regen::test::read_file(dir_.file("regend.pid"))));
    } catch (const std::exception&) {
      return -1;
    }
  }

  // The `status` reply's data from the running instance, or null while none answers.
  json::value status() const {
    std::string reply =
        regen::test::admin_exchange(dir_.file("var/regend.sock"), R"({"cmd":"status"})", 2s);
    if (reply.empty()) return nullptr;
    json::value parsed = json::parse(reply);
    if (!parsed.at("ok").as_bool()) return nullptr;
    return parsed.at("data");
  }

  // Waits until an instance with a pid other than `previous` answers `status`; returns its pid.
  pid_t wait_for_new_instance(pid_t previous) const {
    pid_t found = -1;
    bool up = regen::test::wait_until(
        [&] {
          json::value data = status();
          if (data.is_null()) return false;
          found = static_cast<pid_t>(data.at("pid").as_int64());
          return found != previous;
        },
        20s);
    REQUIRE(up);
    return found;
  }

  std::string output() const { return regen::test::read_file(dir_.file("output.log")); }

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<regen::test::Subprocess> activator_;
};

std::set<std::string> stored_generic_ids(const TempDir& dir) {
  SQLite::Database db(dir.file("var/regen.db"), SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT external_id FROM alerts WHERE source = 'generic'");
  std::set<std::string> stored;
  while (query.executeStep()) stored.insert(query.getColumn(0).getString());
  return stored;
}

}  // namespace

TEST_CASE("systemd: regend serves on the socket it inherits and ignores server.listen") {
  SocketActivatedRegend regend;
  json::value data = regend.status();
  REQUIRE(data.is_object());
  const json::array& listeners = data.at("listeners").as_array();
  REQUIRE(!listeners.empty());
  CHECK(listeners[0].at("kind").as_string() == "http");
  CHECK(listeners[0].at("address").as_string() == "127.0.0.1:" + std::to_string(regend.port()));
  CHECK(listeners[0].at("socket_activated").as_bool());
  CHECK(regend.output().find("passed in by systemd") != std::string::npos);
}

TEST_CASE("systemd: restarts through the inherited socket drop no request and lose no alert") {
  SocketActivatedRegend regend;
  pid_t pid = regend.wait_for_new_instance(-1);
  // Each request on a fresh connection, as Alertmanager's retries are: 4 senders.
  regen::test::AlertStream stream(regend.port(), 4, 1'000'000);
  constexpr int kRestarts = 5;
  for (int restart = 0; restart < kRestarts; ++restart) {
    // Let the instance take part of the stream before it is replaced.
    const std::size_t before = stream.acknowledged_count();
    REQUIRE(
        regen::test::wait_until([&] { return stream.acknowledged_count() >= before + 100; }, 20s));
    REQUIRE(::kill(pid, SIGTERM) == 0);  // what `systemctl restart` sends first
    pid = regend.wait_for_new_instance(pid);
  }
  const std::size_t before = stream.acknowledged_count();
  REQUIRE(
      regen::test::wait_until([&] { return stream.acknowledged_count() >= before + 100; }, 20s));
  std::set<std::string> acknowledged = stream.finish();

  INFO("sent " << stream.sent() << ", acknowledged " << acknowledged.size() << ", failed "
               << stream.failed() << "\n"
               << stream.failures());
  CHECK(stream.failed() == 0);
  CHECK(static_cast<std::size_t>(stream.sent()) == acknowledged.size());
  std::set<std::string> stored = stored_generic_ids(regend.dir());
  CHECK(regen::test::missing(acknowledged, stored) == 0);
  // Every instance announced the inherited socket: the first plus one per restart.
  std::string output = regend.output();
  std::size_t announcements = 0;
  for (std::size_t at = output.find("passed in by systemd"); at != std::string::npos;
       at = output.find("passed in by systemd", at + 1)) {
    ++announcements;
  }
  CHECK(announcements == kRestarts + 1);
}

TEST_CASE("systemd: the service unit's exposure score is at most 2.0") {
  auto result = regen::test::run_command({"systemd-analyze", "security", "--offline=true",
                                          REGEN_SOURCE_DIR "/systemd/regend.service"});
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  std::smatch match;
  REQUIRE(
      std::regex_search(result.output, match,
                        std::regex(R"(Overall exposure level for regend\.service: ([0-9.]+))")));
  CHECK(std::stod(match[1].str()) <= 2.0);
}
