#include "common/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/log_format.h"
#include "common/logging_buffer.h"

namespace regen::logging {
namespace {

// Every line of both loggers goes through this one buffer, so their lines keep their order.
std::shared_ptr<LineBuffer> g_stderr;

std::unique_ptr<spdlog::formatter> make_formatter(std::string_view program, std::string_view tag) {
  // The pid is written into the prefix once: spdlog's %P asks the kernel for it on every line.
  return std::make_unique<LineFormatter>(
      stderr_is_journal() ? LineFormatter::Layout::kJournal : LineFormatter::Layout::kPlain,
      program, ::getpid(), tag);
}

// Formats a logger's lines (under the sink's own mutex: formatters are not thread-safe) and
// hands them to the shared stderr buffer, either at once or batched.
class BufferedSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedSink(std::shared_ptr<LineBuffer> buffer, bool immediate)
      : buffer_(std::move(buffer)), immediate_(immediate) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    line_.clear();
    formatter_->format(msg, line_);
    buffer_->append(std::string_view(line_.data(), line_.size()), immediate_);
  }
  void flush_() override { buffer_->flush(); }

 private:
  std::shared_ptr<LineBuffer> buffer_;
  const bool immediate_;
  spdlog::memory_buf_t line_;  // reused; guarded by the base's mutex
};

std::shared_ptr<BufferedSink> make_sink(std::string_view program, std::string_view tag,
                                        bool immediate) {
  auto sink = std::make_shared<BufferedSink>(g_stderr, immediate);
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
  if (g_stderr == nullptr) {
    g_stderr = std::make_shared<LineBuffer>(LineBuffer::Settings{
        .fd = STDERR_FILENO, .capacity = kAccessBatchBytes, .interval = kAccessBatchInterval});
    g_stderr->start();
  }
  // Event lines leave at once (with any access lines before them): the last lines before a
  // crash are the ones an operator needs. Access lines, one per request, leave in batches.
  auto main_logger =
      std::make_shared<spdlog::logger>(std::string(program), make_sink(program, "", true));
  auto access_logger =
      std::make_shared<spdlog::logger>("access", make_sink(program, "access: ", false));
  spdlog::drop_all();
  spdlog::register_logger(access_logger);
  spdlog::set_default_logger(main_logger);
  set_level(level);
}

void set_level(spdlog::level::level_enum level) {
  spdlog::set_level(level);
  // The sinks decide when lines leave (see init()); a flush after every line would undo the
  // access log's batching.
  spdlog::flush_on(spdlog::level::off);
}

void flush() {
  if (g_stderr != nullptr) g_stderr->flush();
}

}  // namespace regen::logging
