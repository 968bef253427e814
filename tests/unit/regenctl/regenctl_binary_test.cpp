// Runs the built regenctl binary: exit codes, stdout and stderr as a script would see them.

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/version.h"
#include "tests/unit/regenctl/fake_admin_peer.h"
#include "tests/unit/regenctl/run_regenctl.h"

namespace regen::ctl {
namespace {

using testing::FakeAdminPeer;
using testing::PeerScript;
using testing::Run;
using testing::run_regenctl;

constexpr const char kStatusReply[] =
    R"({"ok":true,"data":{"version":"0.1.0","uptime_s":12.5,"draining":false}})"
    "\n";

TEST_CASE("regenctl binary: a missing socket exits 3 with one line on stderr") {
  const Run run = run_regenctl({"--socket", "/nonexistent/x.sock", "status"});
  CHECK(run.exit_code == 3);
  CHECK(run.out.empty());
  CHECK(run.err ==
        "regenctl: admin socket /nonexistent/x.sock not found (is regend running? set --socket "
        "or REGEN_ADMIN_SOCKET)\n");
}

TEST_CASE("regenctl binary: an unknown flag is a usage error, exit 2, one line on stderr") {
  const Run run = run_regenctl({"--bogus-flag"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.rfind("regenctl: ", 0) == 0);
  CHECK(run.err.find('\n') == run.err.size() - 1);
}

TEST_CASE("regenctl binary: no subcommand and a bad output format are usage errors") {
  CHECK(run_regenctl({}).exit_code == 2);
  CHECK(run_regenctl({"-o", "yaml", "status"}).exit_code == 2);
  CHECK(run_regenctl({"drain", "--timeout", "soon"}).exit_code == 2);
}

TEST_CASE("regenctl binary: --help exits 0 and documents the subcommands and exit codes") {
  const Run run = run_regenctl({"--help"});
  CHECK(run.exit_code == 0);
  for (const char* text : {"status", "health", "drain", "reload", "--socket", "--timeout",
                           "--output", "Exit codes:", "5  regend not answering"}) {
    CHECK_THAT(run.out, Catch::Contains(text));
  }
}

TEST_CASE("regenctl binary: every subcommand has --help with its description") {
  for (const char* command : {"status", "health", "drain", "reload"}) {
    const Run run = run_regenctl({command, "--help"});
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.out, Catch::Contains("regend"));
  }
  CHECK_THAT(run_regenctl({"drain", "--help"}).out, Catch::Contains("drain_timeout"));
}

TEST_CASE("regenctl binary: --version prints the build's version") {
  const Run run = run_regenctl({"--version"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == std::string("regenctl ") + regen::kVersion + "\n");
}

TEST_CASE("regenctl binary: health with a missing socket exits 1 and says why") {
  const Run run = run_regenctl({"--socket", "/nonexistent/x.sock", "health"});
  CHECK(run.exit_code == 1);
  CHECK(run.out == "unhealthy: admin socket missing\n");
  CHECK_THAT(run.err, Catch::StartsWith("regenctl: admin socket /nonexistent/x.sock not found"));
}

TEST_CASE("regenctl binary: health of an answering daemon exits 0") {
  FakeAdminPeer peer(PeerScript::kReply, kStatusReply);
  const Run run = run_regenctl({"health", "--socket", peer.socket_path()});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "healthy: regend 0.1.0, up 12s\n");
}

TEST_CASE("regenctl binary: health -o json of a draining daemon exits 1") {
  FakeAdminPeer peer(PeerScript::kReply, R"({"ok":true,"data":{"draining":true}})"
                                         "\n");
  const Run run = run_regenctl({"--socket", peer.socket_path(), "health", "-o", "json"});
  CHECK(run.exit_code == 1);
  CHECK(boost::json::parse(run.out) ==
        boost::json::parse(R"({"healthy":false,"reason":"draining"})"));
}

TEST_CASE("regenctl binary: global options may follow the subcommand") {
  FakeAdminPeer peer(PeerScript::kReply, kStatusReply);
  const Run run = run_regenctl({"status", "--socket", peer.socket_path(), "-o", "json"});
  CHECK(run.exit_code == 0);
  CHECK(boost::json::parse(run.out) ==
        boost::json::parse(R"({"version":"0.1.0","uptime_s":12.5,"draining":false})"));
  CHECK(boost::json::parse(peer.received_request()) ==
        boost::json::parse(R"({"cmd":"status","args":{}})"));
}

TEST_CASE("regenctl binary: REGEN_ADMIN_SOCKET names the socket when --socket is absent") {
  FakeAdminPeer peer(PeerScript::kReply, kStatusReply);
  const Run run = run_regenctl({"status"}, {{"REGEN_ADMIN_SOCKET", peer.socket_path()}});
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("Version      0.1.0"));
}

TEST_CASE("regenctl binary: a drain the daemon refuses exits 1 with its code and message") {
  FakeAdminPeer peer(PeerScript::kReply,
                     R"({"ok":false,"error":{"code":"busy","message":"already draining"}})"
                     "\n");
  const Run run = run_regenctl({"--socket", peer.socket_path(), "drain", "--timeout", "30"});
  CHECK(run.exit_code == 1);
  CHECK(run.err == "regenctl: drain failed: busy: already draining\n");
  CHECK(boost::json::parse(peer.received_request()) ==
        boost::json::parse(R"({"cmd":"drain","args":{"timeout_ms":30000}})"));
}

TEST_CASE("regenctl binary: drain without --timeout leaves the timeout to the daemon") {
  // The same reply answers the status call that reads drain_timeout_ms (absent here: the
  // fallback applies) and the drain itself.
  FakeAdminPeer peer(PeerScript::kReplyToEach,
                     R"({"ok":true,"data":{"drained":true,"timed_out":false,"duration_ms":123,)"
                     R"("connections_closed":4,"requests_completed":2,"connections_forced":0}})"
                     "\n");
  const Run run = run_regenctl({"--socket", peer.socket_path(), "drain"});
  CHECK(run.exit_code == 0);
  CHECK(run.out ==
        "drained in 0.12s: 4 connections closed, 2 in-flight requests completed, 0 forced\n");
  const std::vector<std::string> requests = peer.received_requests();
  REQUIRE(requests.size() == 2);
  CHECK(boost::json::parse(requests[0]) == boost::json::parse(R"({"cmd":"status","args":{}})"));
  CHECK(boost::json::parse(requests[1]) == boost::json::parse(R"({"cmd":"drain","args":{}})"));
}

TEST_CASE("regenctl binary: a reload with config errors exits 1 with the errors on one line") {
  FakeAdminPeer peer(
      PeerScript::kReply,
      R"({"ok":false,"error":{"code":"failed","message":"server.port: not a number\nlog.level: unknown"}})"
      "\n");
  const Run run = run_regenctl({"--socket", peer.socket_path(), "reload"});
  CHECK(run.exit_code == 1);
  CHECK(run.err ==
        "regenctl: reload failed: failed: server.port: not a number; log.level: unknown\n");
}

}  // namespace
}  // namespace regen::ctl
