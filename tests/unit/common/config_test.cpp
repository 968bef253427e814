#include "common/config.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace regen::config {
namespace {

using namespace std::chrono_literals;
using Env = std::map<std::string, std::string>;

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "regen_config.XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, const std::string& content) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

LoadResult load_toml(const std::string& toml, const Env& env = {}, const Env& overrides = {}) {
  TempDir dir;
  return load(ConfigSources{dir.write("regend.toml", toml), env, overrides});
}

LoadResult load_env(const Env& env) { return load(ConfigSources{std::nullopt, env, {}}); }

std::string all_errors(const LoadResult& result) {
  std::string out;
  for (const ConfigError& error : result.errors) out += error.to_string() + "\n";
  return out;
}

// True if some error concerns `key` and its message contains `text`.
bool has_error(const LoadResult& result, const std::string& key, const std::string& text) {
  for (const ConfigError& error : result.errors) {
    if (error.key == key && error.message.find(text) != std::string::npos) return true;
  }
  return false;
}

// The single error's to_string(); fails the test if there is not exactly one.
std::string only_error(const LoadResult& result) {
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 1);
  return result.errors.front().to_string();
}

// "[server]\nmax_body_bytes = 10\n" for ("server.max_body_bytes", "10").
std::string toml_line(const std::string& path, const std::string& value) {
  const std::size_t dot = path.find('.');
  return "[" + path.substr(0, dot) + "]\n" + path.substr(dot + 1) + " = " + value + "\n";
}

}  // namespace

TEST_CASE("config: with no sources every key has its default") {
  const LoadResult result = load(ConfigSources{});
  INFO(all_errors(result));
  REQUIRE(result.ok());
  for (const KeyInfo& key : keys()) {
    CHECK(value_of(result.config, key.path) == key.default_value);
  }
  CHECK(value_of(result.config, "server.listen") == "\"127.0.0.1:8080\"");
  CHECK(result.config.server.header_timeout == 10s);
}

TEST_CASE("config: keys lists every key once with its reload behaviour") {
  const std::map<std::string, bool> expected = {
      {"server.listen", false},
      {"server.io_threads", false},
      {"server.max_connections", true},
      {"server.max_header_bytes", true},
      {"server.max_body_bytes", true},
      {"server.header_timeout", true},
      {"server.body_timeout", true},
      {"server.idle_timeout", true},
      {"server.write_timeout", true},
      {"server.drain_timeout", true},
      {"server.drain_grace", true},
      {"server.trusted_proxies", false},
      {"storage.data_dir", false},
      {"storage.database_url", false},
      {"storage.write_queue", false},
      {"storage.max_batch_alerts", false},
      {"storage.postgres_writers", false},
      {"webhooks.max_alerts_per_request", false},
      {"webhooks.max_title_length", false},
      {"webhooks.max_description_length", false},
      {"webhooks.grafana_hmac_secret", false},
      {"webhooks.generic_hmac_secret", false},
      {"webhooks.prometheus_token", false},
      {"webhooks.grafana_token", false},
      {"webhooks.cloudwatch_token", false},
      {"webhooks.generic_token", false},
      {"webhooks.sns_confirm_subscriptions", false},
      {"webhooks.sns_confirm_host_pattern", false},
      {"webhooks.sns_ca_file", false},
      {"rate_limit.enabled", true},
      {"rate_limit.webhooks_per_minute", true},
      {"rate_limit.webhooks_burst", true},
      {"rate_limit.api_per_minute", true},
      {"rate_limit.api_burst", true},
      {"rate_limit.exempt", true},
      {"rate_limit.max_keys", false},
      {"rate_limit.prometheus_per_minute", true},
      {"rate_limit.prometheus_burst", true},
      {"rate_limit.prometheus_over_limit_status", true},
      {"rate_limit.grafana_per_minute", true},
      {"rate_limit.grafana_burst", true},
      {"rate_limit.grafana_over_limit_status", true},
      {"rate_limit.cloudwatch_per_minute", true},
      {"rate_limit.cloudwatch_burst", true},
      {"rate_limit.cloudwatch_over_limit_status", true},
      {"rate_limit.generic_per_minute", true},
      {"rate_limit.generic_burst", true},
      {"rate_limit.generic_over_limit_status", true},
      {"incidents.auto_resolve", false},
      {"admin.socket", false},
      {"log.level", true},
      {"log.access_log", true},
  };
  std::map<std::string, bool> actual;
  for (const KeyInfo& key : keys()) {
    CHECK(actual.emplace(key.path, key.reloadable).second);
    CHECK_FALSE(key.help.empty());
    CHECK_FALSE(key.default_value.empty());
  }
  CHECK(actual == expected);
}

TEST_CASE("config: values in the file replace the defaults") {
  const LoadResult result = load_toml(R"(
[server]
listen = "[::1]:9090"
io_threads = 4
max_connections = 50
max_header_bytes = 2048
max_body_bytes = 4096
header_timeout = "250ms"
body_timeout = "1m30s"
idle_timeout = "5m"
write_timeout = "1h"
drain_timeout = "2s"
[storage]
data_dir = "/srv/regen"
[admin]
socket = "/run/regend.sock"
[log]
level = "debug"
access_log = false
)");
  INFO(all_errors(result));
  REQUIRE(result.ok());
  const Config& c = result.config;
  CHECK(c.server.listen == ListenAddress{"::1", 9090});
  CHECK(c.server.io_threads == 4);
  CHECK(c.server.max_connections == 50);
  CHECK(c.server.max_header_bytes == 2048);
  CHECK(c.server.max_body_bytes == 4096);
  CHECK(c.server.header_timeout == 250ms);
  CHECK(c.server.body_timeout == 90s);
  CHECK(c.server.idle_timeout == 5min);
  CHECK(c.server.write_timeout == 1h);
  CHECK(c.server.drain_timeout == 2s);
  CHECK(c.storage.data_dir == "/srv/regen");
  CHECK(c.admin.socket == "/run/regend.sock");
  CHECK(c.log.level == "debug");
  CHECK_FALSE(c.log.access_log);
}

TEST_CASE("config: a file that sets only some keys keeps the defaults for the rest") {
  const LoadResult result = load_toml("[log]\nlevel = \"warn\"\n");
  REQUIRE(result.ok());
  CHECK(result.config.log.level == "warn");
  CHECK(result.config.server.max_connections == ServerConfig{}.max_connections);
}

TEST_CASE("config: an unknown key in the file is reported with its full path") {
  const LoadResult result = load_toml("[server]\nlistne = \"127.0.0.1:1\"\n");
  CHECK(only_error(result) == "server.listne: unknown key (did you mean server.listen?)");
}

TEST_CASE("config: an unknown section in the file is reported") {
  CHECK(only_error(load_toml("[sever]\nlisten = \"127.0.0.1:1\"\n")) ==
        "sever: unknown section (did you mean server?)");
  CHECK(only_error(load_toml("[metrics]\nport = 1\n")) == "metrics: unknown section");
}

TEST_CASE("config: a key outside any section is an unknown key") {
  CHECK(only_error(load_toml("listen = \"127.0.0.1:1\"\n")) == "listen: unknown key");
}

TEST_CASE("config: a nested table inside a section is an unknown key") {
  CHECK(only_error(load_toml("[server.tls]\ncert = \"x\"\n")) == "server.tls: unknown key");
}

TEST_CASE("config: a section that is not a table is reported") {
  CHECK(only_error(load_toml("server = 5\n")) == "server: expected a table, got an integer");
  CHECK(only_error(load_toml("[[log]]\nlevel = \"info\"\n")) ==
        "log: expected a table, got an array containing a table");
}

TEST_CASE("config: a value of the wrong type is reported with both types") {
  CHECK(only_error(load_toml(toml_line("server.io_threads", "\"4\""))) ==
        "server.io_threads: expected an integer, got a string");
  CHECK(only_error(load_toml(toml_line("server.max_body_bytes", "1.5"))) ==
        "server.max_body_bytes: expected an integer, got a float");
  CHECK(only_error(load_toml(toml_line("server.listen", "8080"))) ==
        "server.listen: expected a string \"HOST:PORT\", got an integer");
  CHECK(only_error(load_toml(toml_line("server.idle_timeout", "60"))) ==
        "server.idle_timeout: expected a duration string such as \"10s\", got an integer");
  CHECK(only_error(load_toml(toml_line("storage.data_dir", "[\"a\"]"))) ==
        "storage.data_dir: expected a string, got an array");
  CHECK(only_error(load_toml(toml_line("log.access_log", "\"yes\""))) ==
        "log.access_log: expected a boolean (true or false), got a string");
  CHECK(only_error(load_toml(toml_line("log.level", "{ a = 1 }"))) ==
        "log.level: expected a string, got a table");
  CHECK(only_error(load_toml(toml_line("admin.socket", "1979-05-27"))) ==
        "admin.socket: expected a string, got a date");
}

TEST_CASE("config: integers outside their range are rejected") {
  struct Case {
    std::string key;
    std::string value;
    std::string message;
  };
  const Case cases[] = {
      {"server.io_threads", "257", "must be between 0 and 256, got 257"},
      {"server.io_threads", "-1", "must be between 0 and 256, got -1"},
      {"server.max_connections", "0", "must be between 1 and 1000000, got 0"},
      {"server.max_connections", "1000001", "must be between 1 and 1000000, got 1000001"},
      {"server.max_header_bytes", "1023", "must be between 1024 and 1048576, got 1023"},
      {"server.max_header_bytes", "1048577", "must be between 1024 and 1048576, got 1048577"},
      {"server.max_body_bytes", "1023", "must be between 1024 and 268435456, got 1023"},
      {"server.max_body_bytes", "268435457", "must be between 1024 and 268435456, got 268435457"},
  };
  for (const Case& c : cases) {
    CHECK(only_error(load_toml(toml_line(c.key, c.value))) == c.key + ": " + c.message);
  }
}

TEST_CASE("config: integers at the edges of their range are accepted") {
  const LoadResult result = load_toml(R"(
[server]
io_threads = 256
max_connections = 1000000
max_header_bytes = 1024
max_body_bytes = 268435456
)");
  INFO(all_errors(result));
  CHECK(result.ok());
  CHECK(load_toml("[server]\nio_threads = 0\nmax_connections = 1\n").ok());
}

TEST_CASE("config: bad, zero, negative and absurd timeouts are rejected") {
  CHECK(only_error(load_toml(toml_line("server.header_timeout", "\"10\""))) ==
        "server.header_timeout: expected a duration such as \"250ms\", \"10s\", \"5m\", \"1h\" or "
        "\"1m30s\", got \"10\"");
  CHECK(only_error(load_toml(toml_line("server.body_timeout", "\"0s\""))) ==
        "server.body_timeout: must be between 1ms and 24h, got \"0s\"");
  CHECK(only_error(load_toml(toml_line("server.idle_timeout", "\"-5s\""))) ==
        "server.idle_timeout: must be positive, got \"-5s\"");
  CHECK(only_error(load_toml(toml_line("server.write_timeout", "\"25h\""))) ==
        "server.write_timeout: must be between 1ms and 24h, got \"25h\"");
  CHECK(has_error(load_toml(toml_line("server.drain_timeout", "\"1.5s\"")), "server.drain_timeout",
                  "expected a duration"));
  CHECK(load_toml(toml_line("server.drain_timeout", "\"24h\"")).ok());
  CHECK(load_toml(toml_line("server.drain_timeout", "\"1ms\"")).ok());
}

TEST_CASE("config: a bad listen address in the file is reported") {
  CHECK(only_error(load_toml(toml_line("server.listen", "\"x\""))) ==
        "server.listen: expected HOST:PORT, got \"x\"");
  CHECK(has_error(load_toml(toml_line("server.listen", "\"example.com:80\"")), "server.listen",
                  "host must be an IP address"));
}

TEST_CASE("config: an unknown log level is reported with the allowed ones") {
  CHECK(only_error(load_toml(toml_line("log.level", "\"verbose\""))) ==
        "log.level: expected one of trace|debug|info|warn|error|critical|off, got \"verbose\"");
  for (const char* level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    CHECK(load_env({{"REGEN_LOG_LEVEL", level}}).config.log.level == level);
  }
}

TEST_CASE("config: an empty data directory is rejected") {
  CHECK(only_error(load_toml(toml_line("storage.data_dir", "\"\""))) ==
        "storage.data_dir: must not be empty");
}

TEST_CASE("config: the admin socket defaults to regend.sock in the data directory") {
  Config config;
  CHECK(config.admin_socket_path() == "./var/regend.sock");
  config.storage.data_dir = "/srv/regen/";
  CHECK(config.admin_socket_path() == "/srv/regen/regend.sock");
  config.admin.socket = "relative.sock";
  CHECK(config.admin_socket_path() == "relative.sock");
}

TEST_CASE("config: an admin socket path of 108 bytes or more is reported against admin.socket") {
  const std::string ok_path = "/" + std::string(106, 'a');  // 107 bytes: fits with its NUL
  CHECK(load_env({{"REGEN_ADMIN_SOCKET", ok_path}}).ok());

  const LoadResult explicit_socket = load_env({{"REGEN_ADMIN_SOCKET", ok_path + "a"}});
  CHECK(has_error(explicit_socket, "admin.socket", "is 108 bytes"));

  // A long data directory breaks the default socket path, but the fix is admin.socket.
  const std::string long_dir = "/" + std::string(100, 'd');
  const LoadResult defaulted = load_env({{"REGEN_STORAGE_DATA_DIR", long_dir}});
  REQUIRE(defaulted.errors.size() == 1);
  CHECK(defaulted.errors[0].key == "admin.socket");
  CHECK(defaulted.errors[0].message.find(long_dir + "/regend.sock") != std::string::npos);
  CHECK(
      load_env({{"REGEN_STORAGE_DATA_DIR", long_dir}, {"REGEN_ADMIN_SOCKET", "/run/r.sock"}}).ok());
}

TEST_CASE("config: a TOML syntax error is a file-level error with the path and line") {
  TempDir dir;
  const std::string path = dir.write("broken.toml", "[server]\nlisten = \n");
  const LoadResult result = load(ConfigSources{path, {}, {}});
  REQUIRE(result.errors.size() == 1);
  const ConfigError& error = result.errors[0];
  CHECK(error.key.empty());
  CHECK(error.message.starts_with(path + ": invalid TOML"));
  CHECK(error.message.find(" 2 | listen =") != std::string::npos);
  CHECK(error.to_string() == error.message);
}

TEST_CASE("config: a duplicate key is a TOML syntax error") {
  const LoadResult result = load_toml("[log]\nlevel = \"info\"\nlevel = \"warn\"\n");
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].key.empty());
  CHECK(result.errors[0].message.find("invalid TOML") != std::string::npos);
}

TEST_CASE("config: a missing or unreadable file is a file-level error naming it") {
  TempDir dir;
  const std::string missing = dir.path() + "/nope.toml";
  CHECK(only_error(load(ConfigSources{missing, {}, {}})) ==
        "cannot read config file " + missing + ": No such file or directory");
  CHECK(only_error(load(ConfigSources{dir.path(), {}, {}})) ==
        "cannot read config file " + dir.path() + ": is a directory");
}

TEST_CASE("config: binary garbage in the file is an error, not a crash") {
  const LoadResult result = load_toml(std::string("\x00\xff\xfe[=\x01", 6));
  CHECK_FALSE(result.ok());
  CHECK(result.errors[0].key.empty());
}

TEST_CASE("config: every problem in every source is reported at once") {
  const LoadResult result = load_toml(R"(
[server]
listne = "127.0.0.1:80"
io_threads = "four"
max_connections = 0
header_timeout = "soon"
listen = "localhost"
[storage]
data_dir = ""
[log]
level = "loud"
[extra]
x = 1
)",
                                      {{"REGEN_SERVER_MAX_BODY_BYTES", "huge"}},
                                      {{"log.access_log", "maybe"}, {"server.nope", "1"}});
  INFO(all_errors(result));
  CHECK(result.errors.size() == 11);
  CHECK(has_error(result, "server.listne", "unknown key"));
  CHECK(has_error(result, "server.io_threads", "expected an integer, got a string"));
  CHECK(has_error(result, "server.max_connections", "must be between"));
  CHECK(has_error(result, "server.header_timeout", "expected a duration"));
  CHECK(has_error(result, "server.listen", "expected HOST:PORT"));
  CHECK(has_error(result, "storage.data_dir", "must not be empty"));
  CHECK(has_error(result, "log.level", "expected one of"));
  CHECK(has_error(result, "extra", "unknown section"));
  CHECK(has_error(result, "server.max_body_bytes", "(from REGEN_SERVER_MAX_BODY_BYTES)"));
  CHECK(has_error(result, "log.access_log", "(from the command line)"));
  CHECK(has_error(result, "server.nope", "unknown key"));
}

TEST_CASE("config: the environment overrides the file and flags override both") {
  const std::string file = toml_line("server.listen", "\"127.0.0.1:1000\"");
  const Env env = {{"REGEN_SERVER_LISTEN", "127.0.0.1:2000"}};
  const Env flags = {{"server.listen", "127.0.0.1:3000"}};
  CHECK(load_toml(file).config.server.listen.port == 1000);
  CHECK(load_toml(file, env).config.server.listen.port == 2000);
  CHECK(load_toml(file, env, flags).config.server.listen.port == 3000);
  CHECK(load_toml(file, {}, flags).config.server.listen.port == 3000);
  CHECK(load_env(env).config.server.listen.port == 2000);
}

TEST_CASE("config: environment variables are REGEN_ plus the upper-cased key path") {
  const LoadResult result = load_env({
      {"REGEN_SERVER_LISTEN", "0.0.0.0:81"},
      {"REGEN_SERVER_IO_THREADS", "3"},
      {"REGEN_SERVER_MAX_CONNECTIONS", "7"},
      {"REGEN_SERVER_MAX_HEADER_BYTES", "4096"},
      {"REGEN_SERVER_MAX_BODY_BYTES", "8192"},
      {"REGEN_SERVER_HEADER_TIMEOUT", "1s"},
      {"REGEN_SERVER_BODY_TIMEOUT", "2s"},
      {"REGEN_SERVER_IDLE_TIMEOUT", "3s"},
      {"REGEN_SERVER_WRITE_TIMEOUT", "4s"},
      {"REGEN_SERVER_DRAIN_TIMEOUT", "5s"},
      {"REGEN_STORAGE_DATA_DIR", "/data"},
      {"REGEN_ADMIN_SOCKET", "/run/admin.sock"},
      {"REGEN_LOG_LEVEL", "error"},
      {"REGEN_LOG_ACCESS_LOG", "false"},
  });
  INFO(all_errors(result));
  REQUIRE(result.ok());
  const Config& c = result.config;
  CHECK(c.server.listen == ListenAddress{"0.0.0.0", 81});
  CHECK(c.server.io_threads == 3);
  CHECK(c.server.max_connections == 7);
  CHECK(c.server.max_header_bytes == 4096);
  CHECK(c.server.max_body_bytes == 8192);
  CHECK(c.server.header_timeout == 1s);
  CHECK(c.server.body_timeout == 2s);
  CHECK(c.server.idle_timeout == 3s);
  CHECK(c.server.write_timeout == 4s);
  CHECK(c.server.drain_timeout == 5s);
  CHECK(c.storage.data_dir == "/data");
  CHECK(c.admin.socket == "/run/admin.sock");
  CHECK(c.log.level == "error");
  CHECK_FALSE(c.log.access_log);
}

TEST_CASE("config: REGEN_ variables that name no key are ignored") {
  const LoadResult result = load_env({{"REGEN_URL", "http://x"},
                                      {"REGEN_TOKEN", "secret"},
                                      {"REGEN_SERVER_LISTNE", "garbage"},
                                      {"regen_log_level", "garbage"},
                                      {"HOME", "/root"}});
  INFO(all_errors(result));
  CHECK(result.ok());
  CHECK(value_of(result.config, "server.listen") == value_of(Config{}, "server.listen"));
}

TEST_CASE("config: a bad environment value names the variable") {
  CHECK(only_error(load_env({{"REGEN_SERVER_MAX_CONNECTIONS", "abc"}})) ==
        "server.max_connections: expected a positive integer, got \"abc\" "
        "(from REGEN_SERVER_MAX_CONNECTIONS)");
  CHECK(only_error(load_env({{"REGEN_SERVER_IO_THREADS", "-2"}})) ==
        "server.io_threads: expected a non-negative integer, got \"-2\" "
        "(from REGEN_SERVER_IO_THREADS)");
  CHECK(only_error(load_env({{"REGEN_SERVER_MAX_BODY_BYTES", "99999999999999999999999"}})) ==
        "server.max_body_bytes: must be between 1024 and 268435456, got 99999999999999999999999 "
        "(from REGEN_SERVER_MAX_BODY_BYTES)");
  CHECK(has_error(load_env({{"REGEN_SERVER_LISTEN", ""}}), "server.listen",
                  "(from REGEN_SERVER_LISTEN)"));
  CHECK(has_error(load_env({{"REGEN_SERVER_IDLE_TIMEOUT", "0ms"}}), "server.idle_timeout",
                  "(from REGEN_SERVER_IDLE_TIMEOUT)"));
  CHECK(only_error(load_env({{"REGEN_LOG_ACCESS_LOG", "perhaps"}})) ==
        "log.access_log: expected true or false, got \"perhaps\" (from REGEN_LOG_ACCESS_LOG)");
}

TEST_CASE("config: boolean environment values accept the usual spellings") {
  for (const char* yes : {"true", "TRUE", "1", "yes", "on"}) {
    CHECK(load_env({{"REGEN_LOG_ACCESS_LOG", yes}}).config.log.access_log);
  }
  for (const char* no : {"false", "False", "0", "no", "off"}) {
    CHECK_FALSE(load_env({{"REGEN_LOG_ACCESS_LOG", no}}).config.log.access_log);
  }
}

TEST_CASE("config: command-line overrides are validated and unknown ones reported") {
  const LoadResult good = load(
      ConfigSources{std::nullopt, {}, {{"storage.data_dir", "/tmp/d"}, {"log.level", "trace"}}});
  REQUIRE(good.ok());
  CHECK(good.config.storage.data_dir == "/tmp/d");
  CHECK(good.config.log.level == "trace");
  CHECK(only_error(load(ConfigSources{std::nullopt, {}, {{"server.listen", "[::1]"}}})) ==
        "server.listen: expected [IPV6]:PORT, got \"[::1]\" (from the command line)");
  CHECK(only_error(load(ConfigSources{std::nullopt, {}, {{"log.levle", "x"}}})) ==
        "log.levle: unknown key (did you mean log.level?) (from the command line)");
}

TEST_CASE("config: trusted_proxies takes an array of CIDR strings from the file") {
  const LoadResult result = load_toml(
      toml_line("server.trusted_proxies", R"(["10.0.0.0/8", "::1/128", "192.0.2.7", "fd00::"])"));
  INFO(all_errors(result));
  REQUIRE(result.ok());
  const std::vector<net::Cidr>& proxies = result.config.server.trusted_proxies;
  REQUIRE(proxies.size() == 4);
  CHECK(proxies[0].to_string() == "10.0.0.0/8");
  CHECK(proxies[1].to_string() == "::1/128");
  CHECK(proxies[2].to_string() == "192.0.2.7/32");
  CHECK(proxies[3].to_string() == "fd00::/128");
  CHECK(value_of(result.config, "server.trusted_proxies") ==
        R"(["10.0.0.0/8", "::1/128", "192.0.2.7/32", "fd00::/128"])");
}

TEST_CASE("config: trusted_proxies defaults to an empty array, written as []") {
  CHECK(Config{}.server.trusted_proxies.empty());
  CHECK(value_of(Config{}, "server.trusted_proxies") == "[]");
  const LoadResult result = load_toml(toml_line("server.trusted_proxies", "[]"));
  REQUIRE(result.ok());
  CHECK(result.config.server.trusted_proxies.empty());
}

TEST_CASE("config: trusted_proxies takes a comma-separated list from the environment and flags") {
  const LoadResult env =
      load_env({{"REGEN_SERVER_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1 ,::1/128,"}});
  INFO(all_errors(env));
  REQUIRE(env.ok());
  CHECK(value_of(env.config, "server.trusted_proxies") ==
        R"(["10.0.0.0/8", "127.0.0.1/32", "::1/128"])");
  CHECK(load_env({{"REGEN_SERVER_TRUSTED_PROXIES", ""}}).config.server.trusted_proxies.empty());

  const std::string file = toml_line("server.trusted_proxies", R"(["10.0.0.0/8"])");
  const LoadResult flag = load_toml(file, {}, {{"server.trusted_proxies", "192.0.2.0/24"}});
  REQUIRE(flag.ok());
  CHECK(value_of(flag.config, "server.trusted_proxies") == R"(["192.0.2.0/24"])");
}

TEST_CASE("config: a bad trusted_proxies entry is reported with the key and the entry") {
  CHECK(only_error(
            load_toml(toml_line("server.trusted_proxies", R"(["10.0.0.0/8", "10.0.0.0/33"])"))) ==
        "server.trusted_proxies: entry \"10.0.0.0/33\": prefix length must be a number from 0 "
        "to 32");
  CHECK(only_error(load_toml(toml_line("server.trusted_proxies", R"(["1.2.3", "::g"])"))) ==
        "server.trusted_proxies: entry \"1.2.3\": not an IPv4 or IPv6 address; entry \"::g\": "
        "not an IPv4 or IPv6 address");
  CHECK(only_error(load_env({{"REGEN_SERVER_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local"}})) ==
        "server.trusted_proxies: entry \"proxy.local\": not an IPv4 or IPv6 address "
        "(from REGEN_SERVER_TRUSTED_PROXIES)");
}

TEST_CASE("config: trusted_proxies must be an array of strings") {
  CHECK(only_error(load_toml(toml_line("server.trusted_proxies", R"("10.0.0.0/8")"))) ==
        "server.trusted_proxies: expected an array of strings, got a string");
  CHECK(only_error(load_toml(toml_line("server.trusted_proxies", R"(["10.0.0.0/8", 8])"))) ==
        "server.trusted_proxies: expected an array of strings, got an array containing an "
        "integer");
  CHECK(only_error(load_toml(toml_line("server.trusted_proxies", R"([["10.0.0.0/8"]])"))) ==
        "server.trusted_proxies: expected an array of strings, got an array containing an array");
  CHECK(only_error(load_toml(toml_line("storage.data_dir", "[1]"))) ==
        "storage.data_dir: expected a string, got an array containing an integer");
}

TEST_CASE("config: webhook tokens default to empty and come from the file or environment") {
  const Config defaults;
  CHECK(defaults.webhooks.prometheus_token.empty());
  CHECK(defaults.webhooks.grafana_token.empty());
  CHECK(defaults.webhooks.cloudwatch_token.empty());
  CHECK(defaults.webhooks.generic_token.empty());
  const LoadResult result = load_toml(
      "[webhooks]\nprometheus_token = \"p\"\ngrafana_token = \"g\"\n",
      {{"REGEN_WEBHOOKS_CLOUDWATCH_TOKEN", "c"}, {"REGEN_WEBHOOKS_GENERIC_TOKEN", "x y"}});
  INFO(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.webhooks.prometheus_token == "p");
  CHECK(result.config.webhooks.grafana_token == "g");
  CHECK(result.config.webhooks.cloudwatch_token == "c");
  CHECK(result.config.webhooks.generic_token == "x y");
}

TEST_CASE("config: every key's default, written to a file, loads back unchanged") {
  for (const KeyInfo& key : keys()) {
    INFO(key.path);
    const LoadResult result = load_toml(toml_line(key.path, key.default_value));
    CHECK(result.ok());
    CHECK(value_of(result.config, key.path) == key.default_value);
  }
}

}  // namespace regen::config
