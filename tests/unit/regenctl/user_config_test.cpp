#include "regenctl/user_config.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "tests/support/process.h"

namespace regen::ctl {
namespace {

using Env = std::map<std::string, std::string>;

EnvLookup lookup(const Env& env) {
  return [env](std::string_view name) -> std::optional<std::string> {
    const auto found = env.find(std::string(name));
    if (found == env.end()) return std::nullopt;
    return found->second;
  };
}

// A config home with regen/regenctl.toml holding `content`, mode 0600 unless told.
struct ConfigHome {
  explicit ConfigHome(const std::string& content, mode_t mode = 0600) {
    std::filesystem::create_directories(dir.file("regen"));
    dir.write("regen/regenctl.toml", content);
    ::chmod(path().c_str(), mode);
  }
  std::string path() const { return dir.file("regen/regenctl.toml"); }
  ::regen::test::TempDir dir;
};

ApiFlags flags(std::string url, std::string token) {
  ApiFlags result;
  result.url = std::move(url);
  result.token = std::move(token);
  return result;
}

TEST_CASE("config path: XDG_CONFIG_HOME when absolute, else ~/.config") {
  CHECK(user_config_path(lookup({{"XDG_CONFIG_HOME", "/x/conf"}, {"HOME", "/home/a"}})) ==
        "/x/conf/regen/regenctl.toml");
  CHECK(user_config_path(lookup({{"XDG_CONFIG_HOME", "relative"}, {"HOME", "/home/a"}})) ==
        "/home/a/.config/regen/regenctl.toml");
  CHECK(user_config_path(lookup({{"XDG_CONFIG_HOME", ""}, {"HOME", "/home/a"}})) ==
        "/home/a/.config/regen/regenctl.toml");
  CHECK(user_config_path(lookup({})).empty());
}

TEST_CASE("config file: url and token are read, a missing file is an empty config") {
  ConfigHome home("url = \"http://regend:9000\"\ntoken = \"rgn_abc\"\n");
  auto config = load_user_config(home.path());
  REQUIRE(config);
  CHECK(config.value().url == "http://regend:9000");
  CHECK(config.value().token == "rgn_abc");
  CHECK(config.value().warnings.empty());

  auto missing = load_user_config(home.dir.file("absent.toml"));
  REQUIRE(missing);
  CHECK_FALSE(missing.value().url);
  CHECK_FALSE(missing.value().token);
}

TEST_CASE("config file: bad syntax is an error naming the file") {
  ConfigHome home("url = \"http://x\nthis is not toml\n");
  auto config = load_user_config(home.path());
  REQUIRE_FALSE(config);
  CHECK_THAT(config.error().message, Catch::StartsWith(home.path() + ": invalid TOML"));
}

TEST_CASE("config file: a value that is not a string is an error naming the file and key") {
  ConfigHome home("url = \"http://x\"\ntoken = 42\n");
  auto config = load_user_config(home.path());
  REQUIRE_FALSE(config);
  CHECK(config.error().message == home.path() + ": token: expected a string, got integer");
}

TEST_CASE("config file: a directory in its place is an error") {
  ::regen::test::TempDir dir;
  auto config = load_user_config(dir.path());
  REQUIRE_FALSE(config);
  CHECK_THAT(config.error().message, Catch::EndsWith("is a directory"));
}

TEST_CASE("config file: unknown keys and a token others may read are warnings") {
  ConfigHome home("tokne = \"typo\"\ntoken = \"rgn_abc\"\n", 0644);
  auto config = load_user_config(home.path());
  REQUIRE(config);
  REQUIRE(config.value().warnings.size() == 2);
  CHECK_THAT(config.value().warnings[0], Catch::Contains("unknown key 'tokne'"));
  CHECK_THAT(config.value().warnings[1], Catch::Contains("chmod 600 " + home.path()));
}

TEST_CASE("config file: a world-readable file without a token draws no warning") {
  ConfigHome home("url = \"http://x\"\n", 0644);
  auto config = load_user_config(home.path());
  REQUIRE(config);
  CHECK(config.value().warnings.empty());
}

TEST_CASE("settings: flag beats environment beats file beats default") {
  ConfigHome home("url = \"http://file:1\"\ntoken = \"file-token\"\n");
  const Env file_only{{"XDG_CONFIG_HOME", home.dir.path()}};
  Env with_env = file_only;
  with_env["REGEN_URL"] = "http://env:2";
  with_env["REGEN_TOKEN"] = "env-token";

  auto from_file = resolve_api_settings(flags("", ""), lookup(file_only));
  REQUIRE(from_file);
  CHECK(from_file.value().url == "http://file:1");
  CHECK(from_file.value().token == "file-token");

  auto from_env = resolve_api_settings(flags("", ""), lookup(with_env));
  REQUIRE(from_env);
  CHECK(from_env.value().url == "http://env:2");
  CHECK(from_env.value().token == "env-token");

  auto from_flags = resolve_api_settings(flags("http://flag:3", "flag-token"), lookup(with_env));
  REQUIRE(from_flags);
  CHECK(from_flags.value().url == "http://flag:3");
  CHECK(from_flags.value().token == "flag-token");

  auto mixed = resolve_api_settings(flags("", "flag-token"), lookup(file_only));
  REQUIRE(mixed);
  CHECK(mixed.value().url == "http://file:1");
  CHECK(mixed.value().token == "flag-token");
}

TEST_CASE("settings: without a URL anywhere the default applies, empty variables count as unset") {
  ::regen::test::TempDir empty_home;
  auto settings = resolve_api_settings(
      flags("", ""),
      lookup({{"HOME", empty_home.path()}, {"REGEN_URL", ""}, {"REGEN_TOKEN", "t"}}));
  REQUIRE(settings);
  CHECK(settings.value().url == "http://127.0.0.1:8080");
}

TEST_CASE("settings: no token anywhere is an error saying how to get one") {
  ::regen::test::TempDir empty_home;
  auto settings = resolve_api_settings(flags("", ""), lookup({{"HOME", empty_home.path()}}));
  REQUIRE_FALSE(settings);
  CHECK_THAT(settings.error().message, Catch::StartsWith("no API token"));
  CHECK_THAT(settings.error().message, Catch::Contains("REGEN_TOKEN"));
  CHECK_THAT(settings.error().message, Catch::Contains("regenctl tokens create"));
}

TEST_CASE("settings: the file is not read when flags and environment settle everything") {
  ConfigHome home("this is not toml");
  auto settings =
      resolve_api_settings(flags("http://flag:3", ""),
                           lookup({{"XDG_CONFIG_HOME", home.dir.path()}, {"REGEN_TOKEN", "t"}}));
  REQUIRE(settings);
  auto needs_file = resolve_api_settings(flags("http://flag:3", ""),
                                         lookup({{"XDG_CONFIG_HOME", home.dir.path()}}));
  REQUIRE_FALSE(needs_file);
  CHECK_THAT(needs_file.error().message, Catch::Contains(home.path()));
}

}  // namespace
}  // namespace regen::ctl
