// The HTTP API and token commands through the built binary, against canned servers: what goes
// on the wire, what comes out on stdout and stderr, and the exit codes scripts branch on.

#include <sys/stat.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/unit/regenctl/fake_admin_peer.h"
#include "tests/unit/regenctl/fake_http_server.h"
#include "tests/unit/regenctl/run_regenctl.h"

namespace regen::ctl {
namespace {

namespace json = boost::json;
using testing::CannedResponse;
using testing::FakeAdminPeer;
using testing::FakeHttpServer;
using testing::json_reply;
using testing::PeerScript;
using testing::Run;
using testing::run_regenctl;

constexpr const char kOnePage[] = R"({"data":[
  {"id":1,"incident_number":12,"title":"Disk full","severity":"critical","status":"triggered",
   "created_at":"2026-11-22T10:00:00.000Z","commander":null}],
  "total":1,"limit":50,"offset":0,"next_cursor":null})";

std::string error_body(const std::string& code, const std::string& message) {
  return R"({"error":{"code":")" + code + R"(","message":")" + message +
         R"(","details":{},"request_id":"req-9"}})";
}

std::string incident_reply(int number, const std::string& status, bool changed) {
  return R"({"incident_number":)" + std::to_string(number) + R"(,"status":")" + status +
         R"(","changed":)" + (changed ? R"(["status"])" : "[]") + "}";
}

// regenctl.toml in a fresh config home, for XDG_CONFIG_HOME.
struct ConfigHome {
  explicit ConfigHome(const std::string& content) {
    std::filesystem::create_directories(dir.file("regen"));
    dir.write("regen/regenctl.toml", content);
    ::chmod(dir.file("regen/regenctl.toml").c_str(), 0600);
  }
  ::regen::test::TempDir dir;
};

TEST_CASE("api binary: ls sends the token and prints a plain table when stdout is no terminal") {
  FakeHttpServer server({json_reply(200, kOnePage)});
  const Run run = run_regenctl({"incidents", "ls", "--url", server.url(), "--token", "rgn_t"});
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
  CHECK_THAT(run.out, Catch::StartsWith("#    STATUS     SEV       AGE"));
  CHECK_THAT(run.out, Catch::Contains("#12  triggered  critical"));
  CHECK(run.out.find('\x1b') == std::string::npos);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].target == "/api/v1/incidents");
  CHECK(server.requests()[0].headers.at("authorization") == "Bearer rgn_t");
}

TEST_CASE("api binary: a page with more behind it says how many, with + for a lower bound") {
  const std::string row = R"({"id":1,"incident_number":12,"title":"Disk full",
    "severity":"critical","status":"triggered","created_at":"2026-11-22T10:00:00.000Z"})";
  FakeHttpServer server(
      {json_reply(200, R"({"data":[)" + row +
                           R"(],"total":312,"total_exact":true,"limit":1,"next_cursor":"1-1"})"),
       json_reply(200,
                  R"({"data":[)" + row +
                      R"(],"total":10000,"total_exact":false,"limit":1,"next_cursor":"1-1"})")});
  const std::vector<std::string> args{"incidents", "ls",  "--url",   server.url(),
                                      "--token",   "rgn", "--limit", "1"};
  const Run exact = run_regenctl(args);
  CHECK(exact.exit_code == 0);
  CHECK(exact.err == "showing 1 of 312 incidents; use --all or --limit for more\n");
  const Run bounded = run_regenctl(args);
  CHECK(bounded.exit_code == 0);
  CHECK(bounded.err == "showing 1 of 10000+ incidents; use --all or --limit for more\n");
}

TEST_CASE("api binary: on a terminal the table is coloured, unless NO_COLOR is set") {
  FakeHttpServer server({json_reply(200, kOnePage)});
  const std::vector<std::string> args{"incidents", "ls", "--url", server.url(), "--token", "t"};
  const Run coloured = run_regenctl(args, {}, true);
  CHECK(coloured.exit_code == 0);
  CHECK_THAT(coloured.out, Catch::Contains("\x1b[1;31mtriggered\x1b[0m"));
  const Run plain = run_regenctl(args, {{"NO_COLOR", "1"}}, true);
  CHECK(plain.exit_code == 0);
  CHECK_THAT(plain.out, Catch::Contains("triggered"));
  CHECK(plain.out.find('\x1b') == std::string::npos);
  const Run json_on_tty = run_regenctl(
      {"incidents", "ls", "--url", server.url(), "--token", "t", "-o", "json"}, {}, true);
  CHECK(json_on_tty.out.find('\x1b') == std::string::npos);
}

TEST_CASE("api binary: filters become query parameters") {
  FakeHttpServer server({json_reply(200, kOnePage)});
  const Run run = run_regenctl(
      {"incidents", "ls", "--status", "triggered,acknowledged", "--severity", "critical", "--since",
       "2026-11-22T10:00:00+01:00", "--query", "disk full", "--limit", "5"},
      {{"REGEN_URL", server.url()}, {"REGEN_TOKEN", "t"}});
  CHECK(run.exit_code == 0);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].target ==
        "/api/v1/incidents?status=triggered&status=acknowledged&severity=critical"
        "&created_after=2026-11-22T09%3A00%3A00.000Z&q=disk%20full&limit=5");
}

TEST_CASE("api binary: -o json prints the API's envelope") {
  FakeHttpServer server({json_reply(200, kOnePage)});
  const Run run = run_regenctl({"-o", "json", "incidents", "ls"},
                               {{"REGEN_URL", server.url()}, {"REGEN_TOKEN", "t"}});
  CHECK(run.exit_code == 0);
  CHECK(json::parse(run.out) == json::parse(kOnePage));
}

TEST_CASE("api binary: --url beats REGEN_URL, which beats the config file") {
  FakeHttpServer flag_server({json_reply(200, kOnePage)});
  FakeHttpServer env_server({json_reply(200, kOnePage)});
  FakeHttpServer file_server({json_reply(200, kOnePage)});
  ConfigHome home("url = \"" + file_server.url() + "\"\ntoken = \"file-token\"\n");
  const std::map<std::string, std::string> env{{"XDG_CONFIG_HOME", home.dir.path()}};

  CHECK(run_regenctl({"incidents", "ls"}, env).exit_code == 0);
  REQUIRE(file_server.requests().size() == 1);
  CHECK(file_server.requests()[0].headers.at("authorization") == "Bearer file-token");

  auto with_env = env;
  with_env["REGEN_URL"] = env_server.url();
  with_env["REGEN_TOKEN"] = "env-token";
  CHECK(run_regenctl({"incidents", "ls"}, with_env).exit_code == 0);
  REQUIRE(env_server.requests().size() == 1);
  CHECK(env_server.requests()[0].headers.at("authorization") == "Bearer env-token");

  CHECK(run_regenctl({"incidents", "ls", "--url", flag_server.url(), "--token", "flag-token"},
                     with_env)
            .exit_code == 0);
  REQUIRE(flag_server.requests().size() == 1);
  CHECK(flag_server.requests()[0].headers.at("authorization") == "Bearer flag-token");
  CHECK(file_server.requests().size() == 1);
  CHECK(env_server.requests().size() == 1);
}

TEST_CASE("api binary: a broken config file is a usage error naming the file") {
  ConfigHome home("token = [1, 2]\n");
  const Run run = run_regenctl({"incidents", "ls"}, {{"XDG_CONFIG_HOME", home.dir.path()}});
  CHECK(run.exit_code == 2);
  CHECK(run.err == "regenctl: " + home.dir.file("regen/regenctl.toml") +
                       ": token: expected a string, got array\n");
}

TEST_CASE("api binary: no token anywhere is exit 2 pointing at tokens create") {
  const Run run = run_regenctl({"incidents", "ls"});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::StartsWith("regenctl: no API token"));
  CHECK_THAT(run.err, Catch::Contains("regenctl tokens create"));
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
}

TEST_CASE("api binary: a refused token is exit 4 with the server's message and request id") {
  FakeHttpServer server({json_reply(401, error_body("unauthorized", "token revoked"))});
  const Run run = run_regenctl({"incidents", "ls", "--url", server.url(), "--token", "t"});
  CHECK(run.exit_code == 4);
  CHECK(run.err ==
        "regenctl: token refused (401 unauthorized): token revoked (request_id req-9)\n");
}

TEST_CASE("api binary: an unknown incident is exit 6") {
  FakeHttpServer server({json_reply(404, error_body("not_found", "no incident 14"))});
  const Run run = run_regenctl({"incidents", "show", "#14", "--url", server.url(), "--token", "t"});
  CHECK(run.exit_code == 6);
  CHECK(run.err == "regenctl: #14: not found: no incident 14 (request_id req-9)\n");
  CHECK(server.requests().at(0).target == "/api/v1/incidents/14");
}

TEST_CASE("api binary: a daemon that is not listening is exit 5") {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::unused_port());
  const Run run = run_regenctl({"incidents", "ls", "--url", url, "--token", "t"});
  CHECK(run.exit_code == 5);
  CHECK(run.err == "regenctl: regend at " + url + " is not answering: connection refused\n");
}

TEST_CASE("api binary: bulk ack reports each incident and exits with the worst failure") {
  FakeHttpServer server({json_reply(200, incident_reply(1, "acknowledged", true)),
                         json_reply(200, incident_reply(2, "acknowledged", false)),
                         json_reply(404, error_body("not_found", "no incident 3")),
                         json_reply(200, incident_reply(4, "acknowledged", true))});
  const Run run =
      run_regenctl({"incidents", "ack", "1", "2", "3", "4", "--url", server.url(), "--token", "t"});
  CHECK(run.exit_code == 6);
  CHECK(run.out == "#1 acknowledged\n#2 already acknowledged\n#4 acknowledged\n");
  CHECK(run.err == "regenctl: #3: not found: no incident 3 (request_id req-9)\n");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[0].method == "PATCH");
  CHECK(requests[0].target == "/api/v1/incidents/1");
  CHECK(json::parse(requests[0].body) == json::parse(R"({"status":"acknowledged"})"));
}

TEST_CASE("api binary: a conflict outranks a missing incident in the exit code") {
  const std::string conflict =
      R"x({"error":{"code":"conflict","message":"an incident that is resolved cannot become )x"
      R"x(acknowledged (it is closed)","details":{"from":"resolved","to":"acknowledged",)x"
      R"x("allowed":[]},"request_id":"r2"}})x";
  FakeHttpServer server(
      {json_reply(404, error_body("not_found", "no incident 1")), json_reply(409, conflict)});
  const Run run =
      run_regenctl({"incidents", "ack", "1", "2", "--url", server.url(), "--token", "t"});
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains("regenctl: #2: conflict (409): an incident that is resolved "
                                      "cannot become acknowledged (it is closed) (request_id "
                                      "r2)\n"));
}

TEST_CASE("api binary: a refused token stops a bulk ack at the first incident") {
  FakeHttpServer server({json_reply(403, error_body("forbidden", "responder role required"))});
  const Run run =
      run_regenctl({"incidents", "ack", "1", "2", "3", "--url", server.url(), "--token", "t"});
  CHECK(run.exit_code == 4);
  CHECK(run.err ==
        "regenctl: #1: token lacks the role (403): responder role required (request_id req-9)\n"
        "regenctl: not attempted: #2, #3\n");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("api binary: resolve --note resolves, then adds the note") {
  FakeHttpServer server({json_reply(200, incident_reply(5, "resolved", true)),
                         json_reply(201, R"({"id":9,"kind":"note","payload":{"text":"done"}})")});
  const Run run = run_regenctl({"incidents", "resolve", "5", "--note", "fixed by restart", "--url",
                                server.url(), "--token", "t"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "#5 resolved (note added)\n");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(json::parse(requests[0].body) == json::parse(R"({"status":"resolved"})"));
  CHECK(requests[1].method == "POST");
  CHECK(requests[1].target == "/api/v1/incidents/5/timeline");
  CHECK(json::parse(requests[1].body) == json::parse(R"({"text":"fixed by restart"})"));
}

TEST_CASE("api binary: ack -o json prints an array of the updated incidents") {
  FakeHttpServer server({json_reply(200, incident_reply(1, "acknowledged", true))});
  const Run run =
      run_regenctl({"incidents", "ack", "1", "-o", "json", "--url", server.url(), "--token", "t"});
  CHECK(run.exit_code == 0);
  CHECK(json::parse(run.out) == json::parse("[" + incident_reply(1, "acknowledged", true) + "]"));
}

TEST_CASE("api binary: create posts the fields and prints the new number") {
  FakeHttpServer server({json_reply(201, R"({"incident_number":42,"title":"Manual"})")});
  const Run run = run_regenctl({"incidents", "create", "--title", "Manual", "--severity", "warning",
                                "--url", server.url(), "--token", "t"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "created incident #42\n");
  CHECK(json::parse(server.requests().at(0).body) ==
        json::parse(R"({"title":"Manual","severity":"warning"})"));
}

TEST_CASE("api binary: alerts ls asks /api/v1/alerts with its filters") {
  FakeHttpServer server({json_reply(200, R"({"data":[],"total":0,"next_cursor":null})")});
  const Run run = run_regenctl({"alerts", "ls", "--source", "prometheus", "--status", "firing",
                                "--url", server.url(), "--token", "t"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "No alerts.\n");
  CHECK(server.requests().at(0).target == "/api/v1/alerts?source=prometheus&status=firing");
}

TEST_CASE("api binary: bad filter values are usage errors before any request") {
  CHECK(run_regenctl({"incidents", "ls", "--status", "open", "--token", "t"}).exit_code == 2);
  CHECK(run_regenctl({"incidents", "ls", "--since", "yesterday", "--token", "t"}).exit_code == 2);
  CHECK(run_regenctl({"incidents", "ls", "--limit", "1000", "--token", "t"}).exit_code == 2);
  CHECK(run_regenctl({"incidents", "ack", "twelve", "--token", "t"}).exit_code == 2);
  CHECK(run_regenctl({"incidents", "ls", "--url", "https://x", "--token", "t"}).exit_code == 2);
}

TEST_CASE("tokens binary: create sends name and role and shows the token once") {
  FakeAdminPeer peer(PeerScript::kReply,
                     R"({"ok":true,"data":{"token":"rgn_0123456789ab_s3cret","name":"ci",)"
                     R"("role":"responder","created_at":"2026-11-22T10:00:00.000Z"}})"
                     "\n");
  const Run run = run_regenctl(
      {"--socket", peer.socket_path(), "tokens", "create", "--name", "ci", "--role", "responder"});
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("rgn_0123456789ab_s3cret"));
  CHECK_THAT(run.out, Catch::Contains("cannot be shown again"));
  CHECK(json::parse(peer.received_request()) ==
        json::parse(R"({"cmd":"tokens.create","args":{"name":"ci","role":"responder"}})"));
}

TEST_CASE("tokens binary: ls --all asks for revoked tokens too") {
  FakeAdminPeer peer(PeerScript::kReply, R"({"ok":true,"data":{"tokens":[]}})"
                                         "\n");
  const Run run = run_regenctl({"--socket", peer.socket_path(), "tokens", "ls", "--all"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "No tokens.\n");
  CHECK(json::parse(peer.received_request()) ==
        json::parse(R"({"cmd":"tokens.list","args":{"include_revoked":true}})"));
}

TEST_CASE("tokens binary: revoking an unknown name is exit 6") {
  FakeAdminPeer peer(PeerScript::kReply,
                     R"({"ok":false,"error":{"code":"not_found","message":"no active token )"
                     R"(named ghost"}})"
                     "\n");
  const Run run = run_regenctl({"--socket", peer.socket_path(), "tokens", "revoke", "ghost"});
  CHECK(run.exit_code == 6);
  CHECK(run.err == "regenctl: tokens.revoke failed: not_found: no active token named ghost\n");
}

TEST_CASE("tokens binary: a bad role is a usage error") {
  CHECK(run_regenctl({"tokens", "create", "--name", "x", "--role", "root"}).exit_code == 2);
}

TEST_CASE("api binary: the new command groups have --help naming their subcommands") {
  const Run incidents = run_regenctl({"incidents", "--help"});
  CHECK(incidents.exit_code == 0);
  for (const char* text : {"ls", "show", "create", "ack", "resolve", "note", "--url", "--token",
                           "REGEN_TOKEN", "regenctl.toml"}) {
    CHECK_THAT(incidents.out, Catch::Contains(text));
  }
  CHECK_THAT(run_regenctl({"alerts", "ls", "--help"}).out, Catch::Contains("--source"));
  const Run tokens = run_regenctl({"tokens", "--help"});
  CHECK(tokens.exit_code == 0);
  for (const char* text : {"create", "ls", "revoke"}) CHECK_THAT(tokens.out, Catch::Contains(text));
  CHECK_THAT(run_regenctl({"--help"}).out, Catch::Contains("6  not found"));
}

}  // namespace
}  // namespace regen::ctl
