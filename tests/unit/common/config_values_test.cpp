#include "common/config.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace regen::config {
namespace {

using namespace std::chrono_literals;

std::string all_errors(const LoadResult& result) {
  std::string out;
  for (const ConfigError& error : result.errors) out += error.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("config: durations parse from combinations of h, m, s and ms") {
  CHECK(parse_duration("250ms") == 250ms);
  CHECK(parse_duration("10s") == 10s);
  CHECK(parse_duration("5m") == 5min);
  CHECK(parse_duration("1h") == 1h);
  CHECK(parse_duration("1m30s") == 90s);
  CHECK(parse_duration("1h2m3s4ms") == 1h + 2min + 3s + 4ms);
  CHECK(parse_duration("90s") == 90s);
  CHECK(parse_duration("0s") == 0ms);
}

TEST_CASE("config: malformed durations are rejected") {
  for (const char* text : {"", "10", "s", "ms", "1.5s", "-5s", "+5s", " 5s", "5s ", "5 s", "5S",
                           "5sec", "30s1m", "1s1s", "5d", "1m30", "99999999999999999999h"}) {
    INFO(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("config: durations format in their shortest exact form and round-trip") {
  CHECK(format_duration(90000ms) == "1m30s");
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(10s) == "10s");
  CHECK(format_duration(1h) == "1h");
  CHECK(format_duration(1h + 5s) == "1h5s");
  CHECK(format_duration(24h) == "24h");
  CHECK(format_duration(1ms) == "1ms");
  CHECK(format_duration(0ms) == "0s");
  for (int64_t ms : {1, 999, 1000, 1001, 59'999, 60'000, 61'000, 3'599'000, 3'600'000, 3'661'000,
                     86'400'000, 86'400'001}) {
    INFO(ms);
    CHECK(parse_duration(format_duration(Millis{ms})) == Millis{ms});
  }
}

TEST_CASE("config: listen addresses parse IPv4, bracketed IPv6 and localhost") {
  std::string why;
  CHECK(parse_listen_address("127.0.0.1:8080", &why) == ListenAddress{"127.0.0.1", 8080});
  CHECK(parse_listen_address("0.0.0.0:0", &why) == ListenAddress{"0.0.0.0", 0});
  CHECK(parse_listen_address("[::1]:8080", &why) == ListenAddress{"::1", 8080});
  CHECK(parse_listen_address("[::]:65535", &why) == ListenAddress{"::", 65535});
  CHECK(parse_listen_address("localhost:80", &why) == ListenAddress{"localhost", 80});
  CHECK(ListenAddress{"::1", 8080}.to_string() == "[::1]:8080");
  CHECK(ListenAddress{"10.0.0.1", 1}.to_string() == "10.0.0.1:1");
}

TEST_CASE("config: bad listen addresses are rejected with a reason") {
  struct Case {
    std::string text;
    std::string why;
  };
  const Case cases[] = {
      {"127.0.0.1", "expected HOST:PORT"},
      {"127.0.0.1:", "missing port after ':'"},
      {"127.0.0.1:65536", "port must be a number from 0 to 65535"},
      {"127.0.0.1:-1", "port must be a number from 0 to 65535"},
      {"127.0.0.1:http", "port must be a number from 0 to 65535"},
      {"127.0.0.1:80x", "port must be a number from 0 to 65535"},
      {"example.com:80", "host must be an IP address or \"localhost\" (names are not resolved)"},
      {"256.0.0.1:80", "host must be an IP address or \"localhost\" (names are not resolved)"},
      {":80", "missing host (0.0.0.0 listens on every interface)"},
      {"::1:8080", "an IPv6 host must be bracketed, as in [::1]:8080"},
      {"[::1:8080", "missing ']' after the IPv6 address"},
      {"[::1]8080", "expected [IPV6]:PORT"},
      {"[::1]:", "missing port after ':'"},
      {"[127.0.0.1]:80", "host is not an IPv6 address"},
      {"[localhost]:80", "host is not an IPv6 address"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    std::string why;
    CHECK_FALSE(parse_listen_address(c.text, &why).has_value());
    CHECK(why == c.why);
  }
  CHECK_FALSE(parse_listen_address("nope", nullptr).has_value());
}

TEST_CASE("config: value_of formats values as TOML writes them") {
  Config config;
  config.server.idle_timeout = 90s;
  config.storage.data_dir = "a \"quoted\"\\path\n";
  CHECK(value_of(config, "server.listen") == "\"127.0.0.1:8080\"");
  CHECK(value_of(config, "server.max_body_bytes") == "1048576");
  CHECK(value_of(config, "server.idle_timeout") == "\"1m30s\"");
  CHECK(value_of(config, "log.access_log") == "true");
  CHECK(value_of(config, "admin.socket") == "\"\"");
  CHECK(value_of(config, "storage.data_dir") == R"("a \"quoted\"\\path\n")");
  CHECK(value_of(config, "server.nope").empty());
  CHECK(value_of(config, "").empty());
}

TEST_CASE("config: diff splits changed keys into reloadable and needs-restart, sorted") {
  const Config before;
  CHECK(diff(before, before).reloadable.empty());
  CHECK(diff(before, before).needs_restart.empty());

  Config after;
  after.log.level = "debug";
  after.server.max_body_bytes *= 2;
  after.server.idle_timeout = 1s;
  after.server.listen.port = 9999;
  after.storage.data_dir = "/elsewhere";
  after.admin.socket = "/run/x.sock";
  const ConfigDiff changes = diff(before, after);
  CHECK(changes.reloadable ==
        std::vector<std::string>{"log.level", "server.idle_timeout", "server.max_body_bytes"});
  CHECK(changes.needs_restart ==
        std::vector<std::string>{"admin.socket", "server.listen", "storage.data_dir"});
}

TEST_CASE("config: errors print as key: message, or the message alone for the file") {
  CHECK(ConfigError{"server.listen", "bad"}.to_string() == "server.listen: bad");
  CHECK(ConfigError{"", "/etc/regend.toml: bad"}.to_string() == "/etc/regend.toml: bad");
}

TEST_CASE("config: process_environment returns the process's variables") {
  REQUIRE(setenv("REGEN_CONFIG_TEST_VAR", "a=b", 1) == 0);
  const std::map<std::string, std::string> env = process_environment();
  unsetenv("REGEN_CONFIG_TEST_VAR");
  REQUIRE(env.count("REGEN_CONFIG_TEST_VAR") == 1);
  CHECK(env.at("REGEN_CONFIG_TEST_VAR") == "a=b");
}

TEST_CASE("config: conf/regend.toml loads cleanly and yields exactly the defaults") {
  const LoadResult result =
      load(ConfigSources{std::string(REGEN_SOURCE_DIR "/conf/regend.toml"), {}, {}});
  INFO(all_errors(result));
  REQUIRE(result.ok());
  const Config defaults;
  for (const KeyInfo& key : keys()) {
    INFO(key.path);
    CHECK(value_of(result.config, key.path) == key.default_value);
    CHECK(value_of(defaults, key.path) == key.default_value);
  }
}

TEST_CASE("config: conf/regend.toml documents every key with a matching reload comment") {
  std::ifstream in(REGEN_SOURCE_DIR "/conf/regend.toml");
  REQUIRE(in);
  // key path -> the "reload:" comment in the comment block right above it ("" if none).
  std::map<std::string, std::string> documented;
  std::string line;
  std::string section;
  std::string reload;
  while (std::getline(in, line)) {
    if (line.starts_with("[")) {
      section = line.substr(1, line.find(']') - 1);
      reload.clear();
    } else if (line.starts_with("# reload:")) {
      reload = line.substr(std::string("# reload:").size());
    } else if (line.empty()) {
      reload.clear();
    } else if (!line.starts_with("#")) {
      const std::string name = line.substr(0, line.find(" ="));
      CHECK(documented.emplace(section + "." + name, reload).second);
      reload.clear();
    }
  }
  std::set<std::string> paths;
  for (const KeyInfo& key : keys()) {
    INFO(key.path);
    paths.insert(key.path);
    REQUIRE(documented.count(key.path) == 1);
    CHECK(documented[key.path] == (key.reloadable ? " yes" : " no (restart)"));
  }
  CHECK(documented.size() == paths.size());
}

}  // namespace regen::config
