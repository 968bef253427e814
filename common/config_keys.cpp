#include "common/config_keys.h"

#include <sys/un.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <regex>
#include <system_error>
#include <type_traits>
#include <utility>

#include "common/result.h"

namespace regen::config::detail {
namespace {

using namespace std::chrono_literals;

// sun_path includes the terminating NUL, hence "shorter than".
constexpr std::size_t kMaxSocketPath = sizeof(sockaddr_un{}.sun_path);

Error rejected(std::string why) { return Error{ErrorCode::kInvalidArgument, std::move(why)}; }

Error type_mismatch(std::string_view expected, const RawValue& raw) {
  return rejected("expected " + std::string(expected) + ", got " + describe(raw));
}

// Value kinds. Each says how to read its value from the file (from_raw, or kExpected plus
// from_text for string-typed kinds), from an env var or flag (from_text), and how TOML writes
// it (format). Validation lives in the readers, so a value is checked wherever it comes from.

template <typename T>
struct Integer {
  using Value = T;
  T min;
  T max;

  Result<T> from_raw(const RawValue& raw) const {
    const auto* number = std::get_if<std::int64_t>(&raw);
    if (number == nullptr) return type_mismatch("an integer", raw);
    if (*number < 0 || !in_range(static_cast<std::uint64_t>(*number))) {
      return out_of_range(std::to_string(*number));
    }
    return static_cast<T>(*number);
  }

  Result<T> from_text(const std::string& text) const {
    std::uint64_t number = 0;
    const char* end = text.data() + text.size();
    auto [stop, ec] = std::from_chars(text.data(), end, number);
    if (ec == std::errc::result_out_of_range) return out_of_range(text);
    if (ec != std::errc{} || stop != end) {
      return rejected("expected " + std::string(min > 0 ? "a positive" : "a non-negative") +
                      " integer, got " + toml_quote(text));
    }
    if (!in_range(number)) return out_of_range(text);
    return static_cast<T>(number);
  }

  std::string format(T value) const { return std::to_string(value); }

  bool in_range(std::uint64_t number) const { return number >= min && number <= max; }

  Error out_of_range(const std::string& got) const {
    return rejected("must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", got " + got);
  }
};

struct Duration {
  using Value = Millis;
  static constexpr std::string_view kExpected = "a duration string such as \"10s\"";
  Millis min = 1ms;
  Millis max = 24h;

  Result<Millis> from_text(const std::string& text) const {
    if (text.starts_with('-')) return rejected("must be positive, got " + toml_quote(text));
    std::optional<Millis> value = parse_duration(text);
    if (!value) {
      return rejected(R"(expected a duration such as "250ms", "10s", "5m", "1h" or "1m30s", got )" +
                      toml_quote(text));
    }
    if (*value < min || *value > max) {
      return rejected("must be between " + format_duration(min) + " and " + format_duration(max) +
                      ", got " + toml_quote(text));
    }
    return *value;
  }

  std::string format(Millis value) const { return toml_quote(format_duration(value)); }
};

struct Listen {
  using Value = ListenAddress;
  static constexpr std::string_view kExpected = "a string \"HOST:PORT\"";

  Result<ListenAddress> from_text(const std::string& text) const {
    std::string why;
    std::optional<ListenAddress> address = parse_listen_address(text, &why);
    if (!address) return rejected(why + ", got " + toml_quote(text));
    return *address;
  }

  std::string format(const ListenAddress& value) const { return toml_quote(value.to_string()); }
};

struct Text {
  using Value = std::string;
  static constexpr std::string_view kExpected = "a string";
  bool allow_empty = false;

  Result<std::string> from_text(const std::string& text) const {
    if (text.empty() && !allow_empty) return rejected("must not be empty");
    return text;
  }

  std::string format(const std::string& value) const { return toml_quote(value); }
};

struct OneOf {
  using Value = std::string;
  static constexpr std::string_view kExpected = "a string";
  std::vector<std::string_view> choices;

  Result<std::string> from_text(const std::string& text) const {
    if (std::find(choices.begin(), choices.end(), text) != choices.end()) return text;
    std::string list;
    for (std::string_view choice : choices) list += (list.empty() ? "" : "|") + std::string(choice);
    return rejected("expected one of " + list + ", got " + toml_quote(text));
  }

  std::string format(const std::string& value) const { return toml_quote(value); }
};

struct Flag {
  using Value = bool;

  Result<bool> from_raw(const RawValue& raw) const {
    if (const auto* value = std::get_if<bool>(&raw)) return *value;
    return type_mismatch("a boolean (true or false)", raw);
  }

  // Environment files spell booleans many ways; accept the common ones.
  Result<bool> from_text(const std::string& text) const {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
    return rejected("expected true or false, got " + toml_quote(text));
  }

  std::string format(bool value) const { return value ? "true" : "false"; }
};

// One CIDR block ("10.0.0.0/8", "::1/128", a bare address); an element of ListOf.
struct CidrBlock {
  using Value = net::Cidr;

  Result<net::Cidr> from_text(const std::string& text) const { return net::Cidr::parse(text); }

  std::string format(const net::Cidr& value) const { return toml_quote(value.to_string()); }
};

// A list of `Element` values: a TOML array of strings in the file; in an env var or flag, the
// same strings separated by commas ("10.0.0.0/8, ::1"). Spaces around entries and empty entries
// (a trailing comma) are ignored. Every bad entry is reported, each quoted with its reason.
template <typename Element>
struct ListOf {
  using Value = std::vector<typename Element::Value>;
  Element element;

  Result<Value> from_raw(const RawValue& raw) const {
    const auto* strings = std::get_if<StringList>(&raw);
    if (strings == nullptr) return type_mismatch("an array of strings", raw);
    return from_entries(*strings);
  }

  Result<Value> from_text(const std::string& text) const {
    StringList entries;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t comma = std::min(text.find(',', start), text.size());
      std::string entry = trim(std::string_view(text).substr(start, comma - start));
      if (!entry.empty()) entries.push_back(std::move(entry));
      start = comma + 1;
    }
    return from_entries(entries);
  }

  std::string format(const Value& values) const {
    std::string out = "[";
    for (const auto& value : values) out += (out.size() > 1 ? ", " : "") + element.format(value);
    return out + "]";
  }

 private:
  Result<Value> from_entries(const StringList& entries) const {
    Value values;
    std::string problems;
    for (const std::string& entry : entries) {
      auto value = element.from_text(entry);
      if (value) {
        values.push_back(std::move(value).value());
      } else {
        problems += (problems.empty() ? "entry " : "; entry ") + toml_quote(entry) + ": " +
                    value.error().message;
      }
    }
    if (!problems.empty()) return rejected(std::move(problems));
    return values;
  }

  static std::string trim(std::string_view text) {
    constexpr std::string_view kSpace = " \t";
    const std::size_t first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return std::string(text.substr(first, text.find_last_not_of(kSpace) - first + 1));
  }
};

template <typename Kind>
Result<typename Kind::Value> read_raw(const Kind& kind, const RawValue& raw) {
  if constexpr (requires { kind.from_raw(raw); }) {
    return kind.from_raw(raw);
  } else {
    const auto* text = std::get_if<std::string>(&raw);
    if (text == nullptr) return type_mismatch(Kind::kExpected, raw);
    return kind.from_text(*text);
  }
}

template <typename T>
Rejection store(Result<T> value, T& field) {
  if (!value) return value.error().message;
  field = std::move(value).value();
  return std::nullopt;
}

std::string env_var_name(std::string_view path) {
  std::string name = "REGEN_";
  for (char c : path) {
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

enum class Reload { kYes, kNo };

// A key's field is named by two member pointers (&Config::server, &ServerConfig::listen), which
// serve both the setters (Config&) and format (const Config&).
template <typename Kind, typename Section, typename Field>
KeyDef key(std::string_view path, Reload reload, Section Config::*section, Field Section::*field,
           Kind kind, std::string_view help,
           std::function<Rejection(const Config&)> check_final = {}) {
  static_assert(std::is_same_v<Field, typename Kind::Value>, "a key's kind must match its field");
  auto access = [ section, field ](auto& config) -> auto& { return (config.*section).*field; };
  KeyDef def;
  def.info.path = std::string(path);
  def.info.reloadable = reload == Reload::kYes;
  def.info.help = std::string(help);
  def.env_var = env_var_name(path);
  def.set_from_toml = [kind, access](const RawValue& raw, Config& config) -> Rejection {
    return store(read_raw(kind, raw), access(config));
  };
  def.set_from_text = [kind, access](const std::string& text, Config& config) -> Rejection {
    return store(kind.from_text(text), access(config));
  };
  def.format = [kind, access](const Config& config) { return kind.format(access(config)); };
  def.check_final = std::move(check_final);
  // Defaults live in config.h's member initializers; the table only renders them.
  def.info.default_value = def.format(Config{});
  return def;
}

Rejection check_database_url(const Config& config) {
  const std::string& url = config.storage.database_url;
  if (url.empty() || url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    return std::nullopt;
  }
  return "must be empty (SQLite in storage.data_dir) or a postgres:// URL";
}

Rejection check_host_pattern(const Config& config) {
  try {
    std::regex pattern(config.webhooks.sns_confirm_host_pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return std::string("not a valid regular expression: ") + e.what();
  }
  return std::nullopt;
}

Rejection check_socket_path(const Config& config) {
  const std::string path = config.admin_socket_path();
  if (path.size() < kMaxSocketPath) return std::nullopt;
  std::string why = "socket path " + toml_quote(path) + " is " + std::to_string(path.size()) +
                    " bytes; Unix socket paths must be shorter than " +
                    std::to_string(kMaxSocketPath);
  if (config.admin.socket.empty()) {
    why += " (this is the default under the data directory; set a shorter socket path)";
  }
  return why;
}

KeyDef token_key(std::string_view path, std::string WebhooksConfig::*field,
                 std::string_view sender) {
  return key(path, Reload::kNo, &Config::webhooks, field, Text{.allow_empty = true},
             "Non-empty: " + std::string(sender) +
                 " requests must carry this token as Bearer or as the Basic password.");
}

// The three keys of one webhook source's rate limit.
void add_source_rate_keys(std::vector<KeyDef>& table, std::string_view source,
                          unsigned RateLimitConfig::*per_minute, unsigned RateLimitConfig::*burst,
                          std::string RateLimitConfig::*status) {
  const std::string prefix = "rate_limit." + std::string(source);
  const std::string name(source);
  table.push_back(key(prefix + "_per_minute", Reload::kYes, &Config::rate_limit, per_minute,
                      Integer<unsigned>{0, 1'000'000},
                      "Requests a minute per client address to the " + name +
                          " webhook; 0 = rate_limit.webhooks_per_minute."));
  table.push_back(key(prefix + "_burst", Reload::kYes, &Config::rate_limit, burst,
                      Integer<unsigned>{0, 1'000'000},
                      "Most requests at once per client address to the " + name +
                          " webhook; 0 = rate_limit.webhooks_burst."));
  table.push_back(key(prefix + "_over_limit_status", Reload::kYes, &Config::rate_limit, status,
                      OneOf{{"429", "503"}},
                      "Status answered over the limit on the " + name +
                          " webhook: 429, or 503 for senders that drop 4xx."));
}

std::vector<KeyDef> rate_limit_keys() {
  using R = RateLimitConfig;
  const Integer<unsigned> rate{1, 1'000'000};
  std::vector<KeyDef> table{
      key("rate_limit.enabled", Reload::kYes, &Config::rate_limit, &R::enabled, Flag{},
          "Limit requests per client with token buckets (429/503 + Retry-After past them)."),
      key("rate_limit.webhooks_per_minute", Reload::kYes, &Config::rate_limit,
          &R::webhooks_per_minute, rate, "Webhook requests a minute per client address."),
      key("rate_limit.webhooks_burst", Reload::kYes, &Config::rate_limit, &R::webhooks_burst, rate,
          "Webhook requests a client address may send at once before the rate applies."),
      key("rate_limit.api_per_minute", Reload::kYes, &Config::rate_limit, &R::api_per_minute, rate,
          "API requests a minute per API token."),
      key("rate_limit.api_burst", Reload::kYes, &Config::rate_limit, &R::api_burst, rate,
          "API requests a token may send at once before the rate applies."),
      key("rate_limit.exempt", Reload::kYes, &Config::rate_limit, &R::exempt, ListOf<CidrBlock>{},
          "Client addresses (CIDR blocks) never rate limited."),
      key("rate_limit.max_keys", Reload::kNo, &Config::rate_limit, &R::max_keys,
          Integer<unsigned>{16, 10'000'000},
          "Most buckets held at once; past it the least recently used bucket is dropped."),
  };
  add_source_rate_keys(table, "prometheus", &R::prometheus_per_minute, &R::prometheus_burst,
                       &R::prometheus_over_limit_status);
  add_source_rate_keys(table, "grafana", &R::grafana_per_minute, &R::grafana_burst,
                       &R::grafana_over_limit_status);
  add_source_rate_keys(table, "cloudwatch", &R::cloudwatch_per_minute, &R::cloudwatch_burst,
                       &R::cloudwatch_over_limit_status);
  add_source_rate_keys(table, "generic", &R::generic_per_minute, &R::generic_burst,
                       &R::generic_over_limit_status);
  return table;
}

std::vector<KeyDef> build_table() {
  constexpr std::uint64_t kKiB = 1024;
  constexpr std::uint64_t kMiB = 1024 * kKiB;
  const Duration timeout{};
  using C = Config;
  using S = ServerConfig;
  std::vector<KeyDef> table{
      key("server.listen", Reload::kNo, &C::server, &S::listen, Listen{},
          "Address the HTTP API listens on: HOST:PORT, IPv6 as [::1]:8080; port 0 = any free."),
      key("server.io_threads", Reload::kNo, &C::server, &S::io_threads, Integer<unsigned>{0, 256},
          "Threads running HTTP I/O; 0 = one per CPU core the process may run on."),
      key("server.max_connections", Reload::kYes, &C::server, &S::max_connections,
          Integer<unsigned>{1, 1'000'000},
          "Most client connections open at once; past it new ones are answered 503 and closed."),
      key("server.max_header_bytes", Reload::kYes, &C::server, &S::max_header_bytes,
          Integer<std::uint64_t>{kKiB, kMiB},
          "Largest request line plus headers, in bytes; larger requests get 431."),
      key("server.max_body_bytes", Reload::kYes, &C::server, &S::max_body_bytes,
          Integer<std::uint64_t>{kKiB, 256 * kMiB},
          "Largest request body, in bytes; larger bodies get 413."),
      key("server.header_timeout", Reload::kYes, &C::server, &S::header_timeout, timeout,
          "Longest wait from a request's first byte to the end of its headers; past it: 408."),
      key("server.body_timeout", Reload::kYes, &C::server, &S::body_timeout, timeout,
          "Longest wait from the end of the headers to the end of the body; past it: 408."),
      key("server.idle_timeout", Reload::kYes, &C::server, &S::idle_timeout, timeout,
          "How long a keep-alive connection may wait for its next request."),
      key("server.write_timeout", Reload::kYes, &C::server, &S::write_timeout, timeout,
          "Longest time to send one response."),
      key("server.drain_timeout", Reload::kYes, &C::server, &S::drain_timeout, timeout,
          "On SIGTERM or drain, longest wait for in-flight requests before exiting."),
      key("server.drain_grace", Reload::kYes, &C::server, &S::drain_grace,
          Duration{.min = 0ms, .max = 1min},
          "On SIGTERM or drain, how long /ready answers 503 before accepting stops."),
      key("server.trusted_proxies", Reload::kNo, &C::server, &S::trusted_proxies,
          ListOf<CidrBlock>{},
          "Proxies (CIDR blocks) whose X-Forwarded-For gives the client address; empty = none."),
      key("storage.data_dir", Reload::kNo, &C::storage, &StorageConfig::data_dir, Text{},
          "Directory holding the SQLite database."),
      key("storage.database_url", Reload::kNo, &C::storage, &StorageConfig::database_url,
          Text{.allow_empty = true},
          "Empty = SQLite in data_dir; postgres://user:pass@host:port/db = PostgreSQL.",
          check_database_url),
      key("storage.write_queue", Reload::kNo, &C::storage, &StorageConfig::write_queue,
          Integer<unsigned>{1, 1'000'000},
          "Webhook requests waiting for a commit; past it they are answered 503."),
      key("storage.max_batch_alerts", Reload::kNo, &C::storage, &StorageConfig::max_batch_alerts,
          Integer<unsigned>{1, 1'000'000}, "Most alerts committed in one transaction."),
      key("storage.postgres_writers", Reload::kNo, &C::storage, &StorageConfig::postgres_writers,
          Integer<unsigned>{1, 64},
          "PostgreSQL: writers committing webhooks side by side, one connection each."),
      key("webhooks.max_alerts_per_request", Reload::kNo, &C::webhooks,
          &WebhooksConfig::max_alerts_per_request, Integer<unsigned>{1, 100'000},
          "Most alerts one webhook request may carry; past it: 400."),
      key("webhooks.max_title_length", Reload::kNo, &C::webhooks, &WebhooksConfig::max_title_length,
          Integer<unsigned>{1, 100'000}, "Longest alert title, in characters; past it: 400."),
      key("webhooks.max_description_length", Reload::kNo, &C::webhooks,
          &WebhooksConfig::max_description_length, Integer<unsigned>{1, 1'000'000},
          "Longest alert description, in characters; past it: 400."),
      key("webhooks.grafana_hmac_secret", Reload::kNo, &C::webhooks,
          &WebhooksConfig::grafana_hmac_secret, Text{.allow_empty = true},
          "Non-empty: Grafana requests must carry a valid X-Grafana-Alerting-Signature."),
      key("webhooks.generic_hmac_secret", Reload::kNo, &C::webhooks,
          &WebhooksConfig::generic_hmac_secret, Text{.allow_empty = true},
          "Non-empty: generic requests must carry a valid X-Webhook-Signature."),
      token_key("webhooks.prometheus_token", &WebhooksConfig::prometheus_token, "Prometheus"),
      token_key("webhooks.grafana_token", &WebhooksConfig::grafana_token, "Grafana"),
      token_key("webhooks.cloudwatch_token", &WebhooksConfig::cloudwatch_token, "CloudWatch"),
      token_key("webhooks.generic_token", &WebhooksConfig::generic_token, "generic"),
      key("webhooks.sns_confirm_subscriptions", Reload::kNo, &C::webhooks,
          &WebhooksConfig::sns_confirm_subscriptions, Flag{},
          "Confirm SNS subscriptions by fetching their SubscribeURL (off: log it only)."),
      key("webhooks.sns_confirm_host_pattern", Reload::kNo, &C::webhooks,
          &WebhooksConfig::sns_confirm_host_pattern, Text{},
          "Regex a SubscribeURL's host must fully match before regend fetches it.",
          check_host_pattern),
      key("webhooks.sns_ca_file", Reload::kNo, &C::webhooks, &WebhooksConfig::sns_ca_file,
          Text{.allow_empty = true}, "CA bundle for SubscribeURL fetches; empty = system CAs."),
      key("incidents.auto_resolve", Reload::kNo, &C::incidents, &IncidentsConfig::auto_resolve,
          Flag{}, "Resolve an incident once every one of its alerts has resolved."),
      key("admin.socket", Reload::kNo, &C::admin, &AdminConfig::socket, Text{.allow_empty = true},
          "Unix socket regenctl talks to; empty = regend.sock in the data directory.",
          check_socket_path),
      key("log.level", Reload::kYes, &C::log, &LogConfig::level,
          OneOf{{"trace", "debug", "info", "warn", "error", "critical", "off"}},
          "Least severe level logged."),
      key("log.access_log", Reload::kYes, &C::log, &LogConfig::access_log, Flag{},
          "Log one line per HTTP request."),
  };
  // Grouped by section in --check-config output: rate limits come after webhooks.
  std::vector<KeyDef> rate = rate_limit_keys();
  auto incidents = std::find_if(table.begin(), table.end(), [](const KeyDef& def) {
    return def.info.path.starts_with("incidents.");
  });
  table.insert(incidents, std::make_move_iterator(rate.begin()),
               std::make_move_iterator(rate.end()));
  return table;
}

}  // namespace

const std::vector<KeyDef>& key_table() {
  static const std::vector<KeyDef> table = build_table();
  return table;
}

const KeyDef* find_key(std::string_view path) {
  for (const KeyDef& def : key_table()) {
    if (def.info.path == path) return &def;
  }
  return nullptr;
}

std::string describe(const RawValue& value) {
  struct Describe {
    std::string operator()(std::int64_t) const { return "an integer"; }
    std::string operator()(bool) const { return "a boolean"; }
    std::string operator()(const std::string&) const { return "a string"; }
    std::string operator()(const StringList&) const { return "an array"; }
    std::string operator()(const OtherType& other) const { return other.description; }
  };
  return std::visit(Describe{}, value);
}

std::string toml_quote(std::string_view text) {
  static constexpr std::pair<char, std::string_view> kEscapes[] = {
      {'"', "\\\""}, {'\\', "\\\\"}, {'\b', "\\b"}, {'\t', "\\t"},
      {'\n', "\\n"}, {'\f', "\\f"},  {'\r', "\\r"}};
  std::string out = "\"";
  for (char c : text) {
    const auto* escape = std::find_if(std::begin(kEscapes), std::end(kEscapes),
                                      [c](const auto& entry) { return entry.first == c; });
    if (escape != std::end(kEscapes)) {
      out += escape->second;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace regen::config::detail
