#pragma once
// The layout of regend's and regenctl's log lines, as an spdlog formatter:
//
//   plain:   2026-11-23T20:45:12.345+01:00 regend[4242] info access: method=GET route=...
//   journal: <6>access: method=GET route=...
//
// It writes exactly what spdlog's pattern_formatter writes for the patterns
// "%Y-%m-%dT%H:%M:%S.%e%z PROGRAM[PID] %l TAG%v" and "%*TAG%v" (with %* the sd-daemon priority),
// which is what the tests compare it with. It exists because the pattern formatter runs one
// formatter object per field of every line, and the access log writes a line per request: on
// GET /health that was a tenth of regend's user-space instructions. This one keeps the text up
// to the seconds, and the UTC offset, from the line before and rewrites them only when the
// second changes. One difference: spdlog re-read the offset every 10 s, so for up to 10 s after
// a daylight-saving change it wrote the old one; this formatter reads it with the local time.

#include <spdlog/formatter.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace regen::logging {

class LineFormatter final : public spdlog::formatter {
 public:
  enum class Layout { kPlain, kJournal };

  // `tag` is written before each message ("access: " marks the access log's lines).
  // `pid` is written into the plain layout's prefix once, not asked of the kernel per line.
  LineFormatter(Layout layout, std::string_view program, int pid, std::string_view tag);

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  // Rewrites second_text_ and after_millis_ for the second `seconds` (since the epoch).
  void cache_second(std::int64_t seconds);

  Layout layout_;
  std::string tag_;
  std::string program_and_pid_;  // " regend[4242] "
  std::int64_t cached_second_;   // whose text second_text_ holds; none yet: INT64_MIN
  std::string second_text_;      // "2026-11-23T20:45:12"
  std::string after_millis_;     // "+01:00 regend[4242] "
};

}  // namespace regen::logging
