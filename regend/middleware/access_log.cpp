#include "regend/middleware/access_log.h"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace regen::middleware {
namespace {

std::atomic<bool> g_access_log_enabled{true};

// Paths come from the client: quote them when they could break the logfmt line.
void append_value(std::string& line, std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) plain = false;
  }
  if (plain) {
    line += value;
    return;
  }
  line += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') line += '\\';
    line += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  }
  line += '"';
}

}  // namespace

std::string format_access_line(const AccessRecord& record) {
  char duration[32];
  std::snprintf(duration, sizeof(duration), "%.3f",
                std::chrono::duration<double, std::milli>(record.duration).count());
  std::string line;
  line.reserve(160 + record.path.size());
  line += "method=";
  append_value(line, record.method.empty() ? "-" : record.method);
  line += " route=";
  append_value(line, record.route);
  line += " path=";
  append_value(line, record.path.empty() ? "-" : record.path);
  line += " status=" + std::to_string(record.status);
  line += " duration_ms=";
  line += duration;
  line += " bytes_in=" + std::to_string(record.bytes_in);
  line += " bytes_out=" + std::to_string(record.bytes_out);
  line += " request_id=";
  append_value(line, record.request_id.empty() ? "-" : record.request_id);
  line += " client=";
  append_value(line, record.client);
  line += " peer=";
  append_value(line, record.peer.empty() ? "-" : record.peer);
  return line;
}

void log_access(const AccessRecord& record) {
  if (!g_access_log_enabled.load(std::memory_order_relaxed)) return;
  static const std::shared_ptr<spdlog::logger> logger = spdlog::get("access");
  if (logger == nullptr || !logger->should_log(spdlog::level::info)) return;
  logger->info(format_access_line(record));
}

void set_access_log_enabled(bool enabled) {
  g_access_log_enabled.store(enabled, std::memory_order_relaxed);
}

}  // namespace regen::middleware
