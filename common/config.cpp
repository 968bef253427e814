#include "common/config.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>
#include <system_error>
#include <toml.hpp>

#include "common/config_keys.h"

namespace regen::config {
namespace {

using detail::find_key;
using detail::key_table;
using detail::KeyDef;
using detail::RawValue;

// std::map rather than toml11's default unordered_map, so errors come out in a stable order.
using TomlValue = toml::basic_value<toml::discard_comments, std::map, std::vector>;

void add_error(LoadResult& result, std::string key, std::string message) {
  result.errors.push_back(ConfigError{std::move(key), std::move(message)});
}

// Edit distance, for "did you mean" on unknown keys: typos are the usual cause.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

// " (did you mean server.listen?)" when one candidate is close, else "".
std::string suggestion(std::string_view name, const std::vector<std::string>& candidates) {
  constexpr std::size_t kMaxTypos = 2;
  const std::string* best = nullptr;
  std::size_t best_distance = kMaxTypos + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best == nullptr ? std::string() : " (did you mean " + *best + "?)";
}

std::vector<std::string> section_names() {
  std::vector<std::string> sections;
  for (const KeyDef& def : key_table()) {
    std::string section = def.info.path.substr(0, def.info.path.find('.'));
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      sections.push_back(std::move(section));
    }
  }
  return sections;
}

std::vector<std::string> key_paths() {
  std::vector<std::string> paths;
  for (const KeyDef& def : key_table()) paths.push_back(def.info.path);
  return paths;
}

RawValue to_raw(const TomlValue& value);

// Arrays of strings are the only arrays a key takes; any other element type makes the whole
// array a type error that names the first such element ("an array containing an integer").
RawValue to_raw_array(const TomlValue& value) {
  detail::StringList strings;
  for (const TomlValue& element : value.as_array()) {
    if (!element.is_string()) {
      return detail::OtherType{"an array containing " + detail::describe(to_raw(element))};
    }
    strings.push_back(element.as_string().str);
  }
  return strings;
}

RawValue to_raw(const TomlValue& value) {
  switch (value.type()) {
    case toml::value_t::integer:
      return value.as_integer();
    case toml::value_t::boolean:
      return value.as_boolean();
    case toml::value_t::string:
      return value.as_string().str;
    case toml::value_t::floating:
      return detail::OtherType{"a float"};
    case toml::value_t::array:
      return to_raw_array(value);
    case toml::value_t::table:
      return detail::OtherType{"a table"};
    case toml::value_t::offset_datetime:
    case toml::value_t::local_datetime:
      return detail::OtherType{"a date-time"};
    case toml::value_t::local_date:
      return detail::OtherType{"a date"};
    case toml::value_t::local_time:
      return detail::OtherType{"a time"};
    case toml::value_t::empty:
      break;
  }
  return detail::OtherType{"an empty value"};
}

// Reads the whole file ourselves: toml::parse(path) cannot tell "missing" from "unreadable",
// and on a directory it sizes the stream with tellg, which is meaningless there.
std::optional<std::string> read_file(const std::string& path, std::string* why) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *why = "is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    *why = "read error";
    return std::nullopt;
  }
  return std::move(content).str();
}

void apply_section(const std::string& section, const TomlValue& body, Config& config,
                   LoadResult& result) {
  static const std::vector<std::string> kPaths = key_paths();
  for (const auto& [name, value] : body.as_table()) {
    const std::string path = section + "." + name;
    const KeyDef* def = find_key(path);
    if (def == nullptr) {
      add_error(result, path, "unknown key" + suggestion(path, kPaths));
    } else if (detail::Rejection why = def->set_from_toml(to_raw(value), config)) {
      add_error(result, path, std::move(*why));
    }
  }
}

void apply_toml(const TomlValue& root, Config& config, LoadResult& result) {
  static const std::vector<std::string> kSections = section_names();
  for (const auto& [section, body] : root.as_table()) {
    if (std::find(kSections.begin(), kSections.end(), section) == kSections.end()) {
      const char* what = body.is_table() ? "unknown section" : "unknown key";
      add_error(result, section, what + suggestion(section, kSections));
    } else if (!body.is_table()) {
      add_error(result, section, "expected a table, got " + detail::describe(to_raw(body)));
    } else {
      apply_section(section, body, config, result);
    }
  }
}

void apply_file(const std::string& path, Config& config, LoadResult& result) {
  std::string why;
  std::optional<std::string> content = read_file(path, &why);
  if (!content) {
    add_error(result, "", "cannot read config file " + path + ": " + why);
    return;
  }
  try {
    std::istringstream stream(std::move(*content));
    const TomlValue root = toml::parse<toml::discard_comments, std::map, std::vector>(stream, path);
    apply_toml(root, config, result);
  } catch (const toml::syntax_error& e) {
    // toml11's message already names the file and line and underlines the offending text.
    add_error(result, "", path + ": invalid TOML: " + e.what());
  } catch (const toml::type_error& e) {
    add_error(result, "", path + ": " + e.what());
  } catch (const std::exception& e) {
    add_error(result, "", path + ": " + e.what());
  }
}

void apply_environment(const std::map<std::string, std::string>& environment, Config& config,
                       LoadResult& result) {
  for (const KeyDef& def : key_table()) {
    auto found = environment.find(def.env_var);
    if (found == environment.end()) continue;
    if (detail::Rejection why = def.set_from_text(found->second, config)) {
      add_error(result, def.info.path, *why + " (from " + def.env_var + ")");
    }
  }
}

void apply_overrides(const std::map<std::string, std::string>& overrides, Config& config,
                     LoadResult& result) {
  static const std::vector<std::string> kPaths = key_paths();
  for (const auto& [path, text] : overrides) {
    const KeyDef* def = find_key(path);
    if (def == nullptr) {
      add_error(result, path,
                "unknown key" + suggestion(path, kPaths) + " (from the command line)");
    } else if (detail::Rejection why = def->set_from_text(text, config)) {
      add_error(result, path, *why + " (from the command line)");
    }
  }
}

void check_final(const Config& config, LoadResult& result) {
  for (const KeyDef& def : key_table()) {
    if (!def.check_final) continue;
    if (detail::Rejection why = def.check_final(config)) add_error(result, def.info.path, *why);
  }
}

bool is_ip_address(int family, const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(family, host.c_str(), buffer) == 1;
}

// from_chars into an unsigned type takes digits only: no sign, no spaces, no "0x".
std::optional<uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || stop != end || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

}  // namespace

std::string ListenAddress::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Config::admin_socket_path() const {
  if (!admin.socket.empty()) return admin.socket;
  const std::string& dir = storage.data_dir;
  return dir + (dir.ends_with('/') ? "" : "/") + "regend.sock";
}

std::string ConfigError::to_string() const { return key.empty() ? message : key + ": " + message; }

LoadResult load(const ConfigSources& sources) {
  LoadResult result;
  try {
    if (sources.file) apply_file(*sources.file, result.config, result);
    apply_environment(sources.environment, result.config, result);
    apply_overrides(sources.overrides, result.config, result);
    check_final(result.config, result);
  } catch (const std::exception& e) {
    add_error(result, "", std::string("internal error while loading configuration: ") + e.what());
  }
  return result;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text = *entry;
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    environment.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return environment;
}

const std::vector<KeyInfo>& keys() {
  static const std::vector<KeyInfo> infos = [] {
    std::vector<KeyInfo> out;
    for (const KeyDef& def : key_table()) out.push_back(def.info);
    return out;
  }();
  return infos;
}

std::string value_of(const Config& config, const std::string& key) {
  const KeyDef* def = find_key(key);
  return def == nullptr ? std::string() : def->format(config);
}

ConfigDiff diff(const Config& before, const Config& after) {
  ConfigDiff result;
  for (const KeyDef& def : key_table()) {
    if (def.format(before) == def.format(after)) continue;
    (def.info.reloadable ? result.reloadable : result.needs_restart).push_back(def.info.path);
  }
  std::sort(result.reloadable.begin(), result.reloadable.end());
  std::sort(result.needs_restart.begin(), result.needs_restart.end());
  return result;
}

std::optional<Millis> parse_duration(const std::string& text) {
  struct Unit {
    std::string_view suffix;
    int64_t millis;
  };
  // Largest first: a duration lists each unit at most once, in this order ("1h30m", not "30m1h").
  static constexpr Unit kUnits[] = {{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}};
  std::string_view rest = text;
  if (rest.empty()) return std::nullopt;
  int64_t total = 0;
  std::size_t next_unit = 0;
  while (!rest.empty()) {
    uint64_t count = 0;
    auto [stop, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), count);
    if (ec != std::errc{}) return std::nullopt;
    rest.remove_prefix(static_cast<std::size_t>(stop - rest.data()));
    // "ms" before "m", so "5ms" is not read as five minutes followed by junk.
    const std::size_t unit = rest.starts_with("ms")  ? 3
                             : rest.starts_with('h') ? 0
                             : rest.starts_with('m') ? 1
                             : rest.starts_with('s') ? 2
                                                     : std::size(kUnits);
    if (unit == std::size(kUnits) || unit < next_unit) return std::nullopt;
    rest.remove_prefix(kUnits[unit].suffix.size());
    next_unit = unit + 1;
    const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max() - total);
    if (count > limit / static_cast<uint64_t>(kUnits[unit].millis)) return std::nullopt;
    total += static_cast<int64_t>(count) * kUnits[unit].millis;
  }
  return Millis{total};
}

// Whole seconds are written with h/m/s ("1m30s"); anything else entirely in milliseconds
// ("1500ms"), so no form mixes milliseconds with larger units.
std::string format_duration(Millis value) {
  int64_t millis = value.count();
  if (millis < 0) return "-" + format_duration(Millis{-millis});
  if (millis == 0) return "0s";
  if (millis % 1000 != 0) return std::to_string(millis) + "ms";
  int64_t seconds = millis / 1000;
  std::string out;
  for (auto [unit_seconds, suffix] : {std::pair<int64_t, char>{3600, 'h'}, {60, 'm'}, {1, 's'}}) {
    if (seconds >= unit_seconds) {
      out += std::to_string(seconds / unit_seconds) + suffix;
      seconds %= unit_seconds;
    }
  }
  return out;
}

std::optional<ListenAddress> parse_listen_address(const std::string& text, std::string* why) {
  auto fail = [why](std::string reason) -> std::optional<ListenAddress> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  ListenAddress address;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string::npos) return fail("missing ']' after the IPv6 address");
    address.host = text.substr(1, close - 1);
    if (text.compare(close + 1, 1, ":") != 0) return fail("expected [IPV6]:PORT");
    port_text = std::string_view(text).substr(close + 2);
    if (!is_ip_address(AF_INET6, address.host)) return fail("host is not an IPv6 address");
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) return fail("expected HOST:PORT");
    if (text.find(':') != colon) return fail("an IPv6 host must be bracketed, as in [::1]:8080");
    address.host = text.substr(0, colon);
    port_text = std::string_view(text).substr(colon + 1);
    if (address.host.empty()) return fail("missing host (0.0.0.0 listens on every interface)");
    if (address.host != "localhost" && !is_ip_address(AF_INET, address.host)) {
      return fail("host must be an IP address or \"localhost\" (names are not resolved)");
    }
  }
  if (port_text.empty()) return fail("missing port after ':'");
  std::optional<uint16_t> port = parse_port(port_text);
  if (!port) return fail("port must be a number from 0 to 65535");
  address.port = *port;
  return address;
}

}  // namespace regen::config
