#include "regenctl/options.h"

#include <cmath>

namespace regen::ctl {

std::chrono::milliseconds GlobalOptions::timeout() const { return seconds_to_ms(timeout_s); }

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

}  // namespace regen::ctl
