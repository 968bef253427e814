#pragma once
// Where the HTTP API commands send their requests and which token they present: --url/--token,
// else REGEN_URL/REGEN_TOKEN, else the user's regenctl.toml, else the default URL (there is no
// default token).
//
//   # ~/.config/regen/regenctl.toml (or $XDG_CONFIG_HOME/regen/regenctl.toml)
//   url = "http://regend.internal:8080"
//   token = "rgn_..."

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "regenctl/options.h"

namespace regen::ctl {

inline constexpr std::string_view kDefaultApiUrl = "http://127.0.0.1:8080";
inline constexpr std::string_view kUrlEnvVar = "REGEN_URL";
inline constexpr std::string_view kTokenEnvVar = "REGEN_TOKEN";

// Reads an environment variable: nullopt when unset. Production passes getenv; tests a map.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_environment();

// The config file's path: $XDG_CONFIG_HOME/regen/regenctl.toml when XDG_CONFIG_HOME is an
// absolute path, else $HOME/.config/regen/regenctl.toml; "" when neither variable helps.
std::string user_config_path(const EnvLookup& env);

struct UserConfig {
  std::string path;
  std::optional<std::string> url;
  std::optional<std::string> token;
  std::vector<std::string> warnings;  // unknown keys; a token in a file others may read
};

// Reads `path`. A file that does not exist is an empty config. An unreadable file, invalid TOML
// or a key whose value is not a string is kInvalidArgument with a message naming the file (and
// the key).
Result<UserConfig> load_user_config(const std::string& path);

struct ApiSettings {
  std::string url;
  std::string token;
  std::vector<std::string> warnings;  // to print on stderr before the request
};

// Applies the precedence flag > environment > config file > default. The config file is read
// only when a flag or variable leaves the URL or the token open. Fails (kInvalidArgument: exit
// 2) for a bad config file, and when no token is found: the message says how to get one.
Result<ApiSettings> resolve_api_settings(const ApiFlags& flags, const EnvLookup& env);

}  // namespace regen::ctl
