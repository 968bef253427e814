#pragma once
// regend's configuration: one struct, loaded from (in increasing precedence) built-in
// defaults, a TOML file, REGEN_* environment variables and command-line flags.
//
// Every key is described once, in the key table in config_keys.cpp: its path, default, whether
// SIGHUP reload applies it, and its validation. conf/regend.toml documents the same keys; a unit
// test keeps the two in step.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/cidr.h"

namespace regen::config {

using Millis = std::chrono::milliseconds;

// "HOST:PORT" as written by the operator; IPv6 hosts are bracketed: "[::1]:8080".
struct ListenAddress {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = let the kernel choose (tests use it; status reports the real port)
  std::string to_string() const;
  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

struct ServerConfig {
  ListenAddress listen;
  unsigned io_threads = 0;  // 0 = one per core
  unsigned max_connections = 10000;
  uint64_t max_header_bytes = 16 * 1024;  // request line + headers; past it: 431
  uint64_t max_body_bytes = 1024 * 1024;  // past it: 413
  Millis header_timeout{10'000};          // first byte to end of headers; past it: 408
  Millis body_timeout{30'000};            // end of headers to end of body; past it: 408
  Millis idle_timeout{60'000};            // keep-alive wait for the next request
  Millis write_timeout{30'000};           // sending one response
  Millis drain_timeout{30'000};           // SIGTERM/drain: longest wait for in-flight work
  // SIGTERM/drain: /ready answers 503 this long before the daemon stops accepting, so a load
  // balancer notices and stops sending first.
  Millis drain_grace{5'000};
  // Peers whose X-Forwarded-For is believed when working out a request's client address.
  std::vector<net::Cidr> trusted_proxies;
};

struct StorageConfig {
  std::string data_dir = "./var";     // the SQLite file lives here
  std::string database_url;           // empty = SQLite in data_dir; postgres://... = PostgreSQL
  unsigned write_queue = 4096;        // webhook requests waiting for a commit; past it: 503
  unsigned max_batch_alerts = 10000;  // alerts committed in one transaction
  // PostgreSQL: group-commit writers, each its own connection and transaction (SQLite: 1).
  unsigned postgres_writers = 2;
};

struct WebhooksConfig {
  unsigned max_alerts_per_request = 1000;
  unsigned max_title_length = 500;          // Unicode code points
  unsigned max_description_length = 10000;  // Unicode code points
  std::string grafana_hmac_secret;          // non-empty: require X-Grafana-Alerting-Signature
  std::string generic_hmac_secret;          // non-empty: require X-Webhook-Signature
  // Non-empty: the source's requests must carry "Authorization: Bearer <token>" or Basic
  // credentials whose password is the token.
  std::string prometheus_token;
  std::string grafana_token;
  std::string cloudwatch_token;
  std::string generic_token;
  // SNS SubscriptionConfirmation: fetch its SubscribeURL (HTTPS, host checked) when true.
  bool sns_confirm_subscriptions = false;
  std::string sns_confirm_host_pattern = R"(^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$)";
  std::string sns_ca_file;  // empty: the system's trusted CAs
};

// Token buckets per client: webhooks by client address and source, the API by token. A
// source's per_minute/burst of 0 means the webhooks tier's value.
struct RateLimitConfig {
  bool enabled = true;
  unsigned webhooks_per_minute = 300;
  unsigned webhooks_burst = 300;
  unsigned api_per_minute = 600;
  unsigned api_burst = 600;
  std::vector<net::Cidr> exempt;  // clients never limited
  unsigned max_keys = 100'000;    // buckets held at once, all tiers together
  unsigned prometheus_per_minute = 0;
  unsigned prometheus_burst = 0;
  std::string prometheus_over_limit_status = "503";  // Alertmanager drops 4xx, retries 5xx
  unsigned grafana_per_minute = 0;
  unsigned grafana_burst = 0;
  std::string grafana_over_limit_status = "429";
  unsigned cloudwatch_per_minute = 0;
  unsigned cloudwatch_burst = 0;
  std::string cloudwatch_over_limit_status = "503";  // SNS takes any 4xx as delivered
  unsigned generic_per_minute = 0;
  unsigned generic_burst = 0;
  std::string generic_over_limit_status = "429";
};

struct IncidentsConfig {
  bool auto_resolve = false;  // resolve an incident when all of its alerts have resolved
};

struct AdminConfig {
  std::string socket;  // empty = <storage.data_dir>/regend.sock
};

struct LogConfig {
  std::string level = "info";  // trace|debug|info|warn|error|critical|off
  bool access_log = true;      // one line per HTTP request
};

struct Config {
  ServerConfig server;
  StorageConfig storage;
  WebhooksConfig webhooks;
  RateLimitConfig rate_limit;
  IncidentsConfig incidents;
  AdminConfig admin;
  LogConfig log;

  // The admin socket path with its default applied.
  std::string admin_socket_path() const;
};

// One problem found while loading, with the key it concerns ("server.listen"), or the file
// itself ("" key) for TOML syntax errors and unreadable files.
struct ConfigError {
  std::string key;
  std::string message;
  std::string to_string() const;  // "server.listen: expected HOST:PORT, got \"x\""
};

// Where configuration comes from. Later sources override earlier ones.
struct ConfigSources {
  std::optional<std::string> file;                 // --config PATH; absent = defaults only
  std::map<std::string, std::string> environment;  // the process environment (all of it)
  std::map<std::string, std::string> overrides;    // key path -> value, from command-line flags
};

struct LoadResult {
  Config config;                    // meaningful only when errors is empty
  std::vector<ConfigError> errors;  // every problem found, not just the first
  bool ok() const { return errors.empty(); }
};

// Loads and validates configuration. Never throws; never stops at the first error.
// Environment variables are REGEN_<SECTION>_<KEY> in upper case (REGEN_SERVER_LISTEN);
// variables that name no key are ignored (REGEN_URL belongs to regenctl).
LoadResult load(const ConfigSources& sources);

// Collects the current process environment for ConfigSources::environment.
std::map<std::string, std::string> process_environment();

// Description of one key, for documentation, --check-config output and reload.
struct KeyInfo {
  std::string path;           // "server.max_body_bytes"
  std::string default_value;  // as written in TOML
  bool reloadable = false;    // SIGHUP applies it without a restart
  std::string help;
};
const std::vector<KeyInfo>& keys();

// The value of `key` in `config`, formatted as TOML would write it. Empty for unknown keys.
std::string value_of(const Config& config, const std::string& key);

// Keys whose values differ between two configs, split by whether reload can apply them.
struct ConfigDiff {
  std::vector<std::string> reloadable;
  std::vector<std::string> needs_restart;
};
ConfigDiff diff(const Config& before, const Config& after);

// Parses "250ms", "10s", "5m", "1h" (and combinations such as "1m30s").
std::optional<Millis> parse_duration(const std::string& text);
std::string format_duration(Millis value);

// Parses "HOST:PORT" / "[V6]:PORT"; nullopt with a reason on failure.
std::optional<ListenAddress> parse_listen_address(const std::string& text, std::string* why);

}  // namespace regen::config
