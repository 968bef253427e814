// `make install` (cmake --install): everything lands where a systemd host looks for it, the
// installed units name the installed binaries, and a reinstall never overwrites an edited
// configuration.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "tests/support/process.h"

namespace fs = std::filesystem;
using regen::test::TempDir;

namespace {

regen::test::CommandResult install_into(const TempDir& destdir, const std::string& prefix) {
  return regen::test::run_command({"cmake", "--install", REGEN_BINARY_DIR, "--prefix", prefix},
                                  {{"DESTDIR", destdir.path()}}, std::chrono::seconds(60));
}

}  // namespace

TEST_CASE("install: binaries, units, config, migrations and docs go to the usual places") {
  TempDir root;
  auto result = install_into(root, "/usr");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  for (const char* path :
       {"/usr/bin/regend", "/usr/bin/regenctl", "/usr/lib/systemd/system/regend.service",
        "/usr/lib/systemd/system/regend.socket", "/usr/lib/sysusers.d/regend.conf",
        "/usr/lib/tmpfiles.d/regend.conf", "/etc/regend/regend.toml",
        "/usr/share/regen/migrations/sqlite/0001_initial.sql",
        "/usr/share/regen/migrations/postgres/0001_initial.sql",
        "/usr/share/doc/regen/OPERATIONS.md"}) {
    INFO(path);
    CHECK(fs::exists(root.path() + path));
  }
  CHECK(fs::status(root.path() + "/usr/bin/regend").permissions() == fs::perms(0755));

  // The units name the installed binaries, not the /usr/local/bin of the source copies.
  std::string unit = regen::test::read_file(root.path() + "/usr/lib/systemd/system/regend.service");
  CHECK(unit.find("ExecStart=/usr/bin/regend ") != std::string::npos);
  CHECK(unit.find("ExecReload=/usr/bin/regenctl ") != std::string::npos);
  CHECK(unit.find("/usr/local/bin/") == std::string::npos);

  // The installed binary accepts the installed configuration.
  auto check =
      regen::test::run_command({root.path() + "/usr/bin/regend", "--config",
                                root.path() + "/etc/regend/regend.toml", "--check-config"});
  INFO(check.output);
  CHECK(check.exit_code == 0);
}

TEST_CASE("install: a reinstall keeps an edited configuration and puts the default beside it") {
  TempDir root;
  REQUIRE(install_into(root, "/usr/local").exit_code == 0);
  const std::string config = root.path() + "/etc/regend/regend.toml";
  const std::string edited = "# edited by the operator\n[server]\nlisten = \"0.0.0.0:9000\"\n";
  {
    std::ofstream out(config, std::ios::trunc);
    out << edited;
  }
  auto again = install_into(root, "/usr/local");
  INFO(again.output);
  REQUIRE(again.exit_code == 0);
  CHECK(regen::test::read_file(config) == edited);
  CHECK(regen::test::read_file(config + ".dist") ==
        regen::test::read_file(REGEN_SOURCE_DIR "/conf/regend.toml"));
  std::string unit =
      regen::test::read_file(root.path() + "/usr/local/lib/systemd/system/regend.service");
  CHECK(unit.find("ExecStart=/usr/local/bin/regend ") != std::string::npos);
}
