#include "regenctl/user_config.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <toml.hpp>

namespace regen::ctl {
namespace {

using TomlValue = toml::basic_value<toml::discard_comments, std::map, std::vector>;

Error config_error(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}

std::optional<std::string> non_empty(const EnvLookup& env, std::string_view name) {
  std::optional<std::string> value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::string type_name(const TomlValue& value) {
  std::ostringstream out;
  out << value.type();
  return out.str();
}

// One of the known keys as a string, or an error naming the file and key.
Result<std::optional<std::string>> string_key(const TomlValue& root, const std::string& key,
                                              const std::string& path) {
  if (!root.contains(key)) return std::optional<std::string>();
  const TomlValue& value = root.at(key);
  if (!value.is_string()) {
    return config_error(path + ": " + key + ": expected a string, got " + type_name(value));
  }
  return std::optional<std::string>(value.as_string().str);
}

bool readable_by_others(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && (info.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

Result<UserConfig> parse_config(const std::string& path, const std::string& content) {
  TomlValue root;
  try {
    std::istringstream stream(content);
    root = toml::parse<toml::discard_comments, std::map, std::vector>(stream, path);
  } catch (const std::exception& e) {
    // toml11's message names the file and line and underlines the offending text.
    return config_error(path + ": invalid TOML: " + e.what());
  }
  UserConfig config;
  config.path = path;
  auto url = string_key(root, "url", path);
  if (!url) return url.error();
  auto token = string_key(root, "token", path);
  if (!token) return token.error();
  config.url = std::move(url.value());
  config.token = std::move(token.value());
  for (const auto& [key, value] : root.as_table()) {
    if (key != "url" && key != "token") {
      config.warnings.push_back(path + ": unknown key '" + key + "' ignored (known: url, token)");
    }
  }
  if (config.token && readable_by_others(path)) {
    config.warnings.push_back(
        path + " holds an API token and is readable by other users; run: " + "chmod 600 " + path);
  }
  return config;
}

}  // namespace

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string user_config_path(const EnvLookup& env) {
  // The XDG base directory spec says to ignore a relative XDG_CONFIG_HOME.
  if (auto xdg = non_empty(env, "XDG_CONFIG_HOME"); xdg && xdg->front() == '/') {
    return *xdg + "/regen/regenctl.toml";
  }
  if (auto home = non_empty(env, "HOME")) return *home + "/.config/regen/regenctl.toml";
  return "";
}

Result<UserConfig> load_user_config(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return UserConfig{path, std::nullopt, std::nullopt, {}};
    return config_error("cannot read " + path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) return config_error("cannot read " + path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return config_error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  return parse_config(path, content.str());
}

Result<ApiSettings> resolve_api_settings(const ApiFlags& flags, const EnvLookup& env) {
  std::optional<std::string> url =
      flags.url.empty() ? non_empty(env, kUrlEnvVar) : std::optional(flags.url);
  std::optional<std::string> token =
      flags.token.empty() ? non_empty(env, kTokenEnvVar) : std::optional(flags.token);
  ApiSettings settings;
  const std::string path = user_config_path(env);
  if ((!url || !token) && !path.empty()) {
    auto file = load_user_config(path);
    if (!file) return file.error();
    if (!url) url = file.value().url;
    if (!token) token = file.value().token;
    settings.warnings = std::move(file.value().warnings);
  }
  if (!token || token->empty()) {
    return config_error(
        "no API token: pass --token, set " + std::string(kTokenEnvVar) +
        ", or add token = \"...\" to " +
        (path.empty() ? std::string("~/.config/regen/regenctl.toml") : path) +
        "; an operator on the daemon's host creates one with `regenctl tokens create --name NAME "
        "--role responder`");
  }
  settings.url = url && !url->empty() ? *url : std::string(kDefaultApiUrl);
  settings.token = std::move(*token);
  return settings;
}

}  // namespace regen::ctl
