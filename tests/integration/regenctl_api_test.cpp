// regenctl's HTTP API commands and its `tokens` commands against a real regend: a token made
// with `regenctl tokens create` drives incidents created by real webhooks through list, show,
// acknowledge, resolve and notes; then revocation, unknown incidents, a daemon that is not
// listening and a missing token, each with its exit code.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/regend_process.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::RegendProcess;

namespace {

struct CtlResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

// regenctl with an environment that cannot steer it: no REGEN_* variables, NO_COLOR or
// XDG_CONFIG_HOME from the test's shell, HOME in a fresh directory; `env` adds to that.
CtlResult regenctl(std::vector<std::string> args,
                   const std::map<std::string, std::string>& env = {}) {
  regen::test::TempDir dir;
  std::map<std::string, std::string> full_env{{"HOME", dir.file("home")}};
  full_env.insert(env.begin(), env.end());
  args.insert(args.begin(), REGENCTL_BINARY);
  CtlResult result;
  {
    regen::test::Subprocess process(
        args, dir.file("output"), full_env,
        {"REGEN_URL", "REGEN_TOKEN", "REGEN_ADMIN_SOCKET", "NO_COLOR", "XDG_CONFIG_HOME"});
    result.exit_code = process.wait_exit(30s).value_or(-1);
  }
  result.output = regen::test::read_file(dir.file("output"));
  return result;
}

// A daemon and the regenctl arguments that reach it: the admin socket for `tokens`, the URL
// for the API commands.
struct Daemon {
  RegendProcess regend;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(regend.port()); }

  CtlResult admin(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--socket", regend.socket_path()});
    return regenctl(args);
  }
  // `group` is "incidents" or "alerts"; the rest follow it.
  CtlResult api(const std::string& token, const std::string& group,
                std::vector<std::string> args) const {
    args.insert(args.begin(), {group, "--url", url(), "--token", token});
    return regenctl(args);
  }

  std::string create_token(const std::string& name, const std::string& role) const {
    CtlResult created = admin({"-o", "json", "tokens", "create", "--name", name, "--role", role});
    INFO(created.output);
    REQUIRE(created.exit_code == 0);
    return std::string(json::parse(created.output).at("token").as_string());
  }

  // One generic alert with its own alertname, so that each opens its own incident.
  void post_alert(const std::string& alertname, const std::string& title,
                  const std::string& severity) const {
    json::object alert{{"title", title},
                       {"external_id", alertname + "-1"},
                       {"severity", severity},
                       {"labels", json::object{{"alertname", alertname}}}};
    auto response = regen::test::http_request(regend.port(), "POST", "/api/v1/webhooks/generic",
                                              json::serialize(alert));
    REQUIRE(response);
    INFO(response->body);
    REQUIRE(response->status == 200);
  }
};

json::value parse_output(const CtlResult& result) {
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.output);
}

// Incident numbers by title, from `incidents ls -o json`.
std::map<std::string, std::string> numbers_by_title(const Daemon& daemon,
                                                    const std::string& token) {
  const json::value list = parse_output(daemon.api(token, "incidents", {"ls", "-o", "json"}));
  std::map<std::string, std::string> numbers;
  for (const json::value& incident : list.at("data").as_array()) {
    numbers[std::string(incident.at("title").as_string())] =
        std::to_string(incident.at("incident_number").to_number<int64_t>());
  }
  return numbers;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("regenctl api: an on-call session from list to resolve") {
  Daemon daemon;
  const std::string token = daemon.create_token("oncall", "responder");
  daemon.post_alert("DiskFull", "Disk full on db-1", "critical");
  daemon.post_alert("BackupFailed", "Nightly backup failed", "warning");
  daemon.post_alert("CertExpiry", "Certificate expires soon", "info");

  const std::map<std::string, std::string> numbers = numbers_by_title(daemon, token);
  REQUIRE(numbers.size() == 3);
  const std::string disk = numbers.at("Disk full on db-1");
  const std::string backup = numbers.at("Nightly backup failed");
  const std::string cert = numbers.at("Certificate expires soon");

  const CtlResult table = daemon.api(token, "incidents", {"ls"});
  INFO(table.output);
  CHECK(table.exit_code == 0);
  CHECK(table.output.rfind("#", 0) == 0);
  CHECK(contains(table.output, "STATUS"));
  CHECK(contains(table.output, "#" + disk + " "));
  CHECK(contains(table.output, "Disk full on db-1"));
  CHECK_FALSE(contains(table.output, "\x1b"));

  const CtlResult shown = daemon.api(token, "incidents", {"show", disk});
  INFO(shown.output);
  CHECK(shown.exit_code == 0);
  CHECK(contains(shown.output, "Incident         #" + disk));
  CHECK(contains(shown.output, "Severity         critical"));
  CHECK(contains(shown.output, "Alerts (1)"));
  CHECK(contains(shown.output, "Timeline ("));

  const CtlResult acked = daemon.api(token, "incidents", {"ack", disk, backup});
  INFO(acked.output);
  CHECK(acked.exit_code == 0);
  CHECK(acked.output == "#" + disk + " acknowledged\n#" + backup + " acknowledged\n");
  const CtlResult again = daemon.api(token, "incidents", {"ack", disk});
  CHECK(again.output == "#" + disk + " already acknowledged\n");

  const CtlResult resolved =
      daemon.api(token, "incidents", {"resolve", disk, "--note", "rotated the logs"});
  INFO(resolved.output);
  CHECK(resolved.exit_code == 0);
  CHECK(resolved.output == "#" + disk + " resolved (note added)\n");

  const CtlResult noted = daemon.api(token, "incidents", {"note", backup, "looking into it"});
  INFO(noted.output);
  CHECK(noted.exit_code == 0);

  const json::value detail =
      parse_output(daemon.api(token, "incidents", {"show", disk, "-o", "json"}));
  CHECK(detail.at("status") == "resolved");
  CHECK(detail.at("acknowledged_at").is_string());
  bool note_found = false;
  for (const json::value& entry : detail.at("timeline").at("data").as_array()) {
    if (entry.at("kind") == "note" && entry.at("payload").at("text") == "rotated the logs") {
      note_found = true;
    }
  }
  CHECK(note_found);

  // A resolved incident cannot be acknowledged: exit 1, with the daemon's reason.
  const CtlResult refused = daemon.api(token, "incidents", {"ack", disk});
  INFO(refused.output);
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.output, "regenctl: #" + disk + ": conflict (409)"));
  CHECK(contains(refused.output, "request_id"));

  const json::value triggered =
      parse_output(daemon.api(token, "incidents", {"ls", "--status", "triggered", "-o", "json"}));
  REQUIRE(triggered.at("data").as_array().size() == 1);
  CHECK(triggered.at("data").as_array()[0].at("title") == "Certificate expires soon");
  CHECK(cert == std::to_string(
                    triggered.at("data").as_array()[0].at("incident_number").to_number<int64_t>()));

  const json::value open = parse_output(
      daemon.api(token, "incidents",
                 {"ls", "--status", "triggered,acknowledged", "--since", "1h", "-o", "json"}));
  CHECK(open.at("data").as_array().size() == 2);
}

TEST_CASE("regenctl api: alerts ls, create, --all and an unknown incident") {
  Daemon daemon;
  const std::string token = daemon.create_token("oncall", "responder");
  daemon.post_alert("DiskFull", "Disk full on db-1", "critical");
  daemon.post_alert("BackupFailed", "Nightly backup failed", "warning");

  const CtlResult alerts = daemon.api(token, "alerts", {"ls"});
  INFO(alerts.output);
  CHECK(alerts.exit_code == 0);
  CHECK(contains(alerts.output, "SOURCE"));
  CHECK(contains(alerts.output, "generic"));
  CHECK(contains(alerts.output, "Disk full on db-1"));
  const json::value listed =
      parse_output(daemon.api(token, "alerts", {"ls", "--severity", "critical", "-o", "json"}));
  REQUIRE(listed.at("data").as_array().size() == 1);
  CHECK(listed.at("data").as_array()[0].at("source") == "generic");

  const CtlResult created =
      daemon.api(token, "incidents",
                 {"create", "--title", "Manual", "--severity", "critical", "--summary", "s"});
  INFO(created.output);
  CHECK(created.exit_code == 0);
  CHECK(contains(created.output, "created incident #"));

  const json::value all =
      parse_output(daemon.api(token, "incidents", {"ls", "--all", "--limit", "1", "-o", "json"}));
  CHECK(all.at("data").as_array().size() == 3);
  CHECK(all.at("next_cursor").is_null());

  const CtlResult missing = daemon.api(token, "incidents", {"show", "9999"});
  INFO(missing.output);
  CHECK(missing.exit_code == 6);
  CHECK(missing.output.rfind("regenctl: #9999: not found", 0) == 0);
  CHECK(daemon.api(token, "incidents", {"ack", "9999"}).exit_code == 6);
}

TEST_CASE("regenctl api: tokens never show again, roles are enforced, revocation is exit 4") {
  Daemon daemon;
  const CtlResult created =
      daemon.admin({"tokens", "create", "--name", "ci", "--role", "responder"});
  INFO(created.output);
  REQUIRE(created.exit_code == 0);
  CHECK(contains(created.output, "cannot be shown again"));
  const std::string viewer = daemon.create_token("dashboard", "viewer");
  const std::string responder = daemon.create_token("pager", "responder");

  const CtlResult listed = daemon.admin({"tokens", "ls"});
  INFO(listed.output);
  CHECK(listed.exit_code == 0);
  CHECK(contains(listed.output, "NAME"));
  CHECK(contains(listed.output, "dashboard"));
  CHECK(contains(listed.output, "pager"));
  CHECK_FALSE(contains(listed.output, viewer));
  CHECK_FALSE(contains(listed.output, responder));
  const CtlResult listed_json = daemon.admin({"-o", "json", "tokens", "ls"});
  CHECK_FALSE(contains(listed_json.output, viewer));
  CHECK_FALSE(contains(listed_json.output, responder));

  daemon.post_alert("DiskFull", "Disk full on db-1", "critical");
  const CtlResult as_viewer = daemon.api(viewer, "incidents", {"ack", "1"});
  INFO(as_viewer.output);
  CHECK(as_viewer.exit_code == 4);
  CHECK(contains(as_viewer.output, "token lacks the role (403)"));
  CHECK(daemon.api(viewer, "incidents", {"ls"}).exit_code == 0);

  CHECK(daemon.api(responder, "incidents", {"ls"}).exit_code == 0);
  const CtlResult revoked = daemon.admin({"tokens", "revoke", "pager"});
  INFO(revoked.output);
  CHECK(revoked.exit_code == 0);
  const CtlResult after = daemon.api(responder, "incidents", {"ls"});
  INFO(after.output);
  CHECK(after.exit_code == 4);
  CHECK(contains(after.output, "regenctl: token refused (401 unauthorized)"));

  const CtlResult with_revoked = daemon.admin({"tokens", "ls", "--all"});
  CHECK(contains(with_revoked.output, "REVOKED"));
  CHECK(contains(with_revoked.output, "pager"));
  const CtlResult gone = daemon.admin({"tokens", "revoke", "pager"});
  INFO(gone.output);
  CHECK(gone.exit_code == 6);
}

TEST_CASE("regenctl api: URL and token from the environment and from regenctl.toml") {
  Daemon daemon;
  const std::string token = daemon.create_token("oncall", "viewer");
  CHECK(regenctl({"incidents", "ls"}, {{"REGEN_URL", daemon.url()}, {"REGEN_TOKEN", token}})
            .exit_code == 0);

  regen::test::TempDir config;
  std::filesystem::create_directories(config.file("regen"));
  config.write("regen/regenctl.toml",
               "url = \"" + daemon.url() + "\"\ntoken = \"" + token + "\"\n");
  std::filesystem::permissions(
      config.file("regen/regenctl.toml"),
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const CtlResult from_file = regenctl({"incidents", "ls"}, {{"XDG_CONFIG_HOME", config.path()}});
  INFO(from_file.output);
  CHECK(from_file.exit_code == 0);
  CHECK(from_file.output == "No incidents.\n");
}

TEST_CASE("regenctl api: a daemon that is not listening is exit 5, no token is exit 2") {
  uint16_t port = 0;
  {
    RegendProcess stopped;
    port = stopped.port();
  }
  REQUIRE(regen::test::connection_refused(port));
  const CtlResult refused = regenctl(
      {"incidents", "ls", "--url", "http://127.0.0.1:" + std::to_string(port), "--token", "t"});
  INFO(refused.output);
  CHECK(refused.exit_code == 5);
  CHECK(contains(refused.output, "is not answering: connection refused"));

  const CtlResult no_token = regenctl({"incidents", "ls"});
  INFO(no_token.output);
  CHECK(no_token.exit_code == 2);
  CHECK(contains(no_token.output, "regenctl tokens create"));
}
