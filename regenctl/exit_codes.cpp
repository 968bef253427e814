#include "regenctl/exit_codes.h"

namespace regen::ctl {
namespace {

int severity_rank(int code) {
  switch (code) {
    case kExitOk:
      return 0;
    case kExitNotFound:
      return 1;
    case kExitFailed:
      return 2;
    case kExitPermissionDenied:
      return 3;
    case kExitNotAnswering:
      return 4;
    case kExitUsage:
      return 5;
    case kExitSocketMissing:
      return 6;
    default:
      return 2;  // an unknown code counts as a plain failure
  }
}

}  // namespace

int worse_exit_code(int a, int b) { return severity_rank(b) > severity_rank(a) ? b : a; }

}  // namespace regen::ctl
