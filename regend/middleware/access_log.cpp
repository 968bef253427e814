#include "regend/middleware/access_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

#include "common/byte_scan.h"

namespace regen::middleware {
namespace {

std::atomic<bool> g_access_log_enabled{true};

// Characters that force a value into quotes: space, '"', '=' and control characters.
constexpr std::array<bool, 256> kNeedsQuotes = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table[' '] = table['"'] = table['='] = true;
  return table;
}();

// Whether `value` must be quoted. Nearly every value is plain: it is scanned 8 bytes a step.
bool needs_quotes(std::string_view value) {
  using namespace byte_scan;
  if (value.empty()) return true;
  std::size_t i = 0;
  for (; value.size() - i >= 8; i += 8) {
    const std::uint64_t word = load_word(value.data() + i);
    // Below 0x21: the control characters and the space.
    if ((any_below(word, 0x21) | any_equal(word, '"') | any_equal(word, '=')) != 0) return true;
  }
  for (; i < value.size(); ++i) {
    if (kNeedsQuotes[static_cast<unsigned char>(value[i])]) return true;
  }
  return false;
}

// Paths come from the client: quote them when they could break the logfmt line.
void append_value(std::string& line, std::string_view value) {
  if (!needs_quotes(value)) {
    line.append(value);
    return;
  }
  line += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') line += '\\';
    line += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  }
  line += '"';
}

void append_number(std::string& line, uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  line.append(digits, end);
}

// Milliseconds with three decimals, rounded to the nearest microsecond ("0.081"), without
// printf: this runs once per request.
void append_millis(std::string& line, std::chrono::nanoseconds duration) {
  const uint64_t micros =
      (static_cast<uint64_t>(std::max<int64_t>(duration.count(), 0)) + 500) / 1000;
  append_number(line, micros / 1000);
  const auto fraction = static_cast<unsigned>(micros % 1000);
  const char decimals[] = {'.', static_cast<char>('0' + fraction / 100),
                           static_cast<char>('0' + fraction / 10 % 10),
                           static_cast<char>('0' + fraction % 10)};
  line.append(decimals, sizeof(decimals));
}

}  // namespace

void append_access_line(std::string& line, const AccessRecord& record) {
  line.append("method=");
  append_value(line, record.method.empty() ? "-" : record.method);
  line.append(" route=");
  append_value(line, record.route);
  line.append(" path=");
  append_value(line, record.path.empty() ? "-" : record.path);
  line.append(" status=");
  append_number(line, record.status);
  line.append(" duration_ms=");
  append_millis(line, record.duration);
  line.append(" bytes_in=");
  append_number(line, record.bytes_in);
  line.append(" bytes_out=");
  append_number(line, record.bytes_out);
  line.append(" request_id=");
  append_value(line, record.request_id.empty() ? "-" : record.request_id);
  line.append(" client=");
  append_value(line, record.client);
  line.append(" peer=");
  append_value(line, record.peer.empty() ? "-" : record.peer);
}

std::string format_access_line(const AccessRecord& record) {
  std::string line;
  line.reserve(160 + record.path.size());
  append_access_line(line, record);
  return line;
}

void log_access(const AccessRecord& record) {
  if (!g_access_log_enabled.load(std::memory_order_relaxed)) return;
  static const std::shared_ptr<spdlog::logger> logger = spdlog::get("access");
  if (logger == nullptr || !logger->should_log(spdlog::level::info)) return;
  // One buffer per thread, reused: no allocation per request.
  thread_local std::string line;
  line.clear();
  append_access_line(line, record);
  logger->log(spdlog::level::info, spdlog::string_view_t(line.data(), line.size()));
}

void set_access_log_enabled(bool enabled) {
  g_access_log_enabled.store(enabled, std::memory_order_relaxed);
}

}  // namespace regen::middleware
