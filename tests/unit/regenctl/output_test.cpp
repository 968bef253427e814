#include "regenctl/output.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <limits>

#include "regenctl/commands.h"

namespace regen::ctl {
namespace {

namespace json = boost::json;

// The status reply regend sends (data object), as in the admin protocol's example.
constexpr const char kFullStatus[] = R"({
  "version": "0.1.0", "pid": 123, "uptime_s": 10925.5, "started_at": "2026-11-22T20:00:00Z",
  "config_file": "/etc/regend/regend.toml", "io_threads": 2,
  "listeners": [{"kind": "http", "address": "127.0.0.1:8080"},
                {"kind": "admin", "address": "./var/regend.sock"}],
  "connections": {"open": 3, "max": 10000}, "requests": {"in_flight": 1, "total": 1024},
  "draining": false,
  "storage": {"backend": "sqlite", "location": "./var/regen.db", "state": "up"},
  "added_in_a_later_version": {"x": 1}
})";

TEST_CASE("output: durations count whole seconds from the largest non-zero unit") {
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(12.5) == "12s");
  CHECK(format_duration(59.999) == "59s");
  CHECK(format_duration(60) == "1m 0s");
  CHECK(format_duration(3 * 3600 + 2 * 60 + 5) == "3h 2m 5s");
  CHECK(format_duration(3600) == "1h 0m 0s");
  CHECK(format_duration(2 * 86400 + 1) == "2d 0h 0m 1s");
}

TEST_CASE("output: impossible durations show as missing") {
  CHECK(format_duration(-1) == "-");
  CHECK(format_duration(std::numeric_limits<double>::quiet_NaN()) == "-");
  CHECK(format_duration(std::numeric_limits<double>::infinity()) == "-");
  CHECK(format_duration(1e300) == "-");
}

TEST_CASE("output: elapsed milliseconds read as centiseconds under a minute") {
  CHECK(format_elapsed_ms(123) == "0.12s");
  CHECK(format_elapsed_ms(0) == "0.00s");
  CHECK(format_elapsed_ms(59990) == "59.99s");
  CHECK(format_elapsed_ms(125000) == "2m 5s");
}

TEST_CASE("output: numbers print in their shortest form") {
  CHECK(format_number(12.5) == "12.5");
  CHECK(format_number(3.0) == "3");
  CHECK(scalar_text(nullptr) == "-");
  const json::value values = json::parse(R"({"s":"x","i":-4,"d":0.25,"b":true,"n":null,"a":[]})");
  CHECK(scalar_text(find_member(values, {"s"})) == "x");
  CHECK(scalar_text(find_member(values, {"i"})) == "-4");
  CHECK(scalar_text(find_member(values, {"d"})) == "0.25");
  CHECK(scalar_text(find_member(values, {"b"})) == "true");
  CHECK(scalar_text(find_member(values, {"n"})) == "-");
  CHECK(scalar_text(find_member(values, {"a"})) == "-");
  CHECK(find_member(values, {"s", "deeper"}) == nullptr);
}

TEST_CASE("output: a key/value table aligns values and indents continuation lines") {
  KeyValueTable table;
  table.add("PID", "123");
  table.add("Listeners", "http  a\nadmin b\n");
  CHECK(table.render() ==
        "PID        123\n"
        "Listeners  http  a\n"
        "           admin b\n");
  CHECK(KeyValueTable().render().empty());
}

TEST_CASE("output: a column table pads every column but the last") {
  ColumnTable table({"KIND", "ADDRESS"});
  table.add_row({"http", "127.0.0.1:8080"});
  table.add_row({"admin"});
  CHECK(table.render() ==
        "KIND   ADDRESS\n"
        "http   127.0.0.1:8080\n"
        "admin\n");
}

TEST_CASE("output: text wraps at word boundaries and keeps its own line breaks") {
  CHECK(wrap_text("aaa bbb ccc", 7) == "aaa bbb\nccc");
  CHECK(wrap_text("aaa\nbbb ccc\n", 80) == "aaa\nbbb ccc\n");
  CHECK(wrap_text("abcdefghij xy", 4) == "abcdefghij\nxy");
  CHECK(wrap_text("", 10).empty());
}

TEST_CASE("status: a full reply renders as an aligned table") {
  CHECK(render_status_table(json::parse(kFullStatus)) ==
        "Version      0.1.0\n"
        "PID          123\n"
        "Uptime       3h 2m 5s\n"
        "Started      2026-11-22T20:00:00Z\n"
        "Config       /etc/regend/regend.toml\n"
        "IO threads   2\n"
        "Listeners    http   127.0.0.1:8080\n"
        "             admin  ./var/regend.sock\n"
        "Connections  3 open / 10000 max\n"
        "Requests     1 in flight, 1024 total\n"
        "Draining     no\n"
        "Storage      sqlite ./var/regen.db (up)\n");
}

TEST_CASE("status: missing or mistyped fields show as a dash") {
  const json::value sparse = json::parse(R"({
    "version": "0.2.0", "uptime_s": "soon", "config_file": null, "listeners": [],
    "connections": {"open": 3}, "draining": true, "storage": {"backend": "postgres"}
  })");
  CHECK(render_status_table(sparse) ==
        "Version      0.2.0\n"
        "PID          -\n"
        "Uptime       -\n"
        "Started      -\n"
        "Config       none (built-in defaults)\n"
        "IO threads   -\n"
        "Listeners    none\n"
        "Connections  3 open / - max\n"
        "Requests     -\n"
        "Draining     yes\n"
        "Storage      postgres - (-)\n");
}

TEST_CASE("status: a reply whose data is not an object renders every field as a dash") {
  const std::string table = render_status_table(json::value(nullptr));
  CHECK(table.find("Version      -\n") != std::string::npos);
  CHECK(table.find("Storage      -\n") != std::string::npos);
}

TEST_CASE("health: an answering daemon that is not draining is healthy") {
  const AdminResult reply = json::parse(kFullStatus);
  const HealthVerdict verdict = judge_health(reply);
  CHECK(verdict.healthy);
  CHECK(render_health_line(verdict, reply) == "healthy: regend 0.1.0, up 3h 2m 5s");
}

TEST_CASE("health: a draining daemon is unhealthy") {
  const AdminResult reply = json::parse(R"({"version":"0.1.0","draining":true})");
  const HealthVerdict verdict = judge_health(reply);
  CHECK_FALSE(verdict.healthy);
  CHECK(render_health_line(verdict, reply) == "unhealthy: draining");
}

TEST_CASE("health: an unreachable daemon is unhealthy with a short reason") {
  const AdminResult missing = AdminError{AdminErrorKind::kSocketMissing, "not found", {}};
  CHECK(render_health_line(judge_health(missing), missing) == "unhealthy: admin socket missing");
  const AdminResult silent = AdminError{AdminErrorKind::kNotAnswering, "connection refused", {}};
  CHECK(render_health_line(judge_health(silent), silent) == "unhealthy: not answering");
}

TEST_CASE("drain: a complete drain summarises what was closed") {
  const json::value data = json::parse(
      R"({"drained":true,"timed_out":false,"duration_ms":123,"connections_closed":4,
          "requests_completed":2,"connections_forced":0})");
  CHECK(drain_succeeded(data));
  CHECK(render_drain_summary(data) ==
        "drained in 0.12s: 4 connections closed, 2 in-flight requests completed, 0 forced");
}

TEST_CASE("drain: a timed-out drain fails and names the forced count") {
  const json::value data = json::parse(
      R"({"drained":true,"timed_out":true,"duration_ms":30000,"connections_closed":4,
          "requests_completed":2,"connections_forced":3})");
  CHECK_FALSE(drain_succeeded(data));
  CHECK(describe_incomplete_drain(data) ==
        "drain timed out after 30.00s: 3 connections forced closed (4 closed, 2 in-flight "
        "requests completed)");
  CHECK_FALSE(drain_succeeded(json::parse("{}")));
}

TEST_CASE("reload: applied and restart-only keys are listed, or no changes") {
  CHECK(render_reload_summary(json::parse(
            R"({"config_file":"/etc/regend/regend.toml","applied":["log.level"],
                "needs_restart":["server.listen"]})")) ==
        "reloaded /etc/regend/regend.toml: applied log.level; needs restart: server.listen");
  CHECK(render_reload_summary(
            json::parse(R"({"config_file":"r.toml","applied":["a","b"],"needs_restart":[]})")) ==
        "reloaded r.toml: applied a, b");
  CHECK(render_reload_summary(json::parse(R"({"config_file":"r.toml","needs_restart":["x"]})")) ==
        "reloaded r.toml: needs restart: x");
  CHECK(render_reload_summary(json::parse(R"({"config_file":"r.toml","applied":[]})")) ==
        "reloaded r.toml: no changes");
  CHECK(render_reload_summary(json::parse("{}")) == "reloaded -: no changes");
}

TEST_CASE("bench seed summary: counts and the elapsed time in tenths of a second") {
  CHECK(render_seed_summary(json::parse(
            R"({"incidents":100000,"alerts":1000000,"links":1039773,"timeline_entries":2428890,
                "transactions":50,"elapsed_ms":84462,"backend":"sqlite","seed":1})")) ==
        "seeded 100000 incidents, 1000000 alerts, 2428890 timeline entries in 84.5s");
  CHECK(render_seed_summary(json::parse(R"({"incidents":5})")) ==
        "seeded 5 incidents, - alerts, - timeline entries in -");
}

}  // namespace
}  // namespace regen::ctl
