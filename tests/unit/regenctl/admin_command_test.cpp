#include "regenctl/admin_command.h"

#include <catch2/catch.hpp>

#include "regenctl/exit_codes.h"

namespace regen::ctl {
namespace {

TEST_CASE("exit codes: each failure kind has its own documented exit code") {
  CHECK(exit_code_for(AdminErrorKind::kCommandFailed) == 1);
  CHECK(exit_code_for(AdminErrorKind::kSocketMissing) == 3);
  CHECK(exit_code_for(AdminErrorKind::kPermissionDenied) == 4);
  CHECK(exit_code_for(AdminErrorKind::kNotAnswering) == 5);
  CHECK(kExitOk == 0);
  CHECK(kExitUsage == 2);
}

TEST_CASE("exit codes: an admin command's not_found is exit 6, other failures exit 1") {
  CHECK(exit_code_for(AdminError{AdminErrorKind::kCommandFailed, "no such token", "not_found"}) ==
        kExitNotFound);
  CHECK(exit_code_for(AdminError{AdminErrorKind::kCommandFailed, "x", "failed"}) == kExitFailed);
  CHECK(exit_code_for(AdminError{AdminErrorKind::kNotAnswering, "refused", {}}) ==
        kExitNotAnswering);
}

TEST_CASE("exit codes: the help footer lists every code") {
  for (const char* code : {"  0  ", "  1  ", "  2  ", "  3  ", "  4  ", "  5  ", "  6  "}) {
    CHECK(kExitCodesHelp.find(code) != std::string_view::npos);
  }
}

TEST_CASE("failure messages: each kind names the socket and what to do") {
  const std::string path = "./var/regend.sock";
  CHECK(describe_failure({AdminErrorKind::kSocketMissing, "not found", {}}, path, "status") ==
        "admin socket ./var/regend.sock not found (is regend running? set --socket or "
        "REGEN_ADMIN_SOCKET)");
  CHECK(describe_failure({AdminErrorKind::kPermissionDenied, "Permission denied", {}},
                         "/run/regend/regend.sock", "status") ==
        "permission denied on /run/regend/regend.sock (run as the regend user or a member of its "
        "group)");
  CHECK(
      describe_failure({AdminErrorKind::kNotAnswering, "connection refused", {}}, path, "status") ==
      "regend at ./var/regend.sock is not answering: connection "
      "refused");
  CHECK(describe_failure({AdminErrorKind::kCommandFailed, "already draining", "busy"}, path,
                         "drain") == "drain failed: busy: already draining");
  CHECK(describe_failure({AdminErrorKind::kCommandFailed, "", "failed"}, path, "reload") ==
        "reload failed: failed");
}

TEST_CASE("options: seconds convert to whole milliseconds") {
  CHECK(seconds_to_ms(5).count() == 5000);
  CHECK(seconds_to_ms(0.2).count() == 200);
  CHECK(seconds_to_ms(0.0004).count() == 0);
}

}  // namespace
}  // namespace regen::ctl
