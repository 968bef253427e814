#include "common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace regen::logging {
namespace {

// "%*" in a pattern: the "<N>" sd-daemon priority prefix for the message's level.
class PriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const char prefix[] = {'<', static_cast<char>('0' + journal_priority(msg.level)), '>'};
    dest.append(prefix, prefix + sizeof(prefix));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PriorityFlag>();
  }
};

// `tag` marks a logger's lines ("access: ") so one stream can be split again by readers.
std::unique_ptr<spdlog::formatter> make_formatter(std::string_view program, std::string_view tag) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<PriorityFlag>('*');
  if (stderr_is_journal()) {
    formatter->set_pattern("%*" + std::string(tag) + "%v");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z " + std::string(program) + "[%P] %l " +
                           std::string(tag) + "%v");
  }
  return formatter;
}

// Both sinks write stderr; spdlog's console sinks share one process-wide mutex, so lines from
// the two loggers never interleave mid-line.
std::shared_ptr<spdlog::sinks::stderr_sink_mt> make_sink(std::string_view program,
                                                         std::string_view tag) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(make_formatter(program, tag));
  return sink;
}

}  // namespace

int journal_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;
    case spdlog::level::info:
      return 6;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::err:
      return 3;
    case spdlog::level::critical:
      return 2;
    default:
      return 6;
  }
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat st {};
  if (fstat(fileno(stderr), &st) != 0) return false;
  return st.st_dev == device && st.st_ino == inode;
}

std::optional<spdlog::level::level_enum> parse_level(std::string_view name) {
  static constexpr std::string_view kNames[] = {"trace", "debug",    "info", "warn",
                                                "error", "critical", "off"};
  for (std::string_view known : kNames) {
    if (name == known) return spdlog::level::from_str(std::string(name));
  }
  return std::nullopt;
}

void init(std::string_view program, spdlog::level::level_enum level) {
  auto main_logger = std::make_shared<spdlog::logger>(std::string(program), make_sink(program, ""));
  auto access_logger = std::make_shared<spdlog::logger>("access", make_sink(program, "access: "));
  spdlog::drop_all();
  spdlog::register_logger(access_logger);
  spdlog::set_default_logger(main_logger);
  set_level(level);
}

void set_level(spdlog::level::level_enum level) {
  spdlog::set_level(level);
  // Flush every line: stderr is usually a pipe to the journal, and the last lines before a
  // crash or kill -9 are the ones an operator needs.
  spdlog::flush_on(spdlog::level::trace);
}

}  // namespace regen::logging
