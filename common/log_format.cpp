#include "common/log_format.h"

#include <spdlog/details/log_msg.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <climits>
#include <ctime>

#include "common/logging.h"

namespace regen::logging {
namespace {

void append_two_digits(std::string& out, int value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

}  // namespace

LineFormatter::LineFormatter(Layout layout, std::string_view program, int pid, std::string_view tag)
    : layout_(layout),
      tag_(tag),
      program_and_pid_(" " + std::string(program) + "[" + std::to_string(pid) + "] "),
      cached_second_(INT64_MIN) {}

void LineFormatter::cache_second(std::int64_t seconds) {
  const auto time = static_cast<std::time_t>(seconds);
  std::tm local{};
  ::localtime_r(&time, &local);
  // %Y-%m-%dT%H:%M:%S
  char year[16];
  auto [year_end, ec] = std::to_chars(year, year + sizeof(year), local.tm_year + 1900);
  second_text_.assign(year, year_end);
  second_text_ += '-';
  append_two_digits(second_text_, local.tm_mon + 1);
  second_text_ += '-';
  append_two_digits(second_text_, local.tm_mday);
  second_text_ += 'T';
  append_two_digits(second_text_, local.tm_hour);
  second_text_ += ':';
  append_two_digits(second_text_, local.tm_min);
  second_text_ += ':';
  append_two_digits(second_text_, local.tm_sec);
  // %z: "+HH:MM", whole minutes, as spdlog (tm_gmtoff / 60, truncated).
  long minutes = local.tm_gmtoff / 60;
  after_millis_.assign(1, minutes < 0 ? '-' : '+');
  if (minutes < 0) minutes = -minutes;
  append_two_digits(after_millis_, static_cast<int>(minutes / 60));
  after_millis_ += ':';
  append_two_digits(after_millis_, static_cast<int>(minutes % 60));
  after_millis_ += program_and_pid_;
  cached_second_ = seconds;
}

void LineFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const std::string_view payload(msg.payload.data(), msg.payload.size());
  char lead[4];  // "<6>" or ".345"
  std::string_view date;
  std::string_view after_lead;
  std::string_view level;
  if (layout_ == Layout::kJournal) {
    lead[0] = '<';
    lead[1] = static_cast<char>('0' + journal_priority(msg.level));
    lead[2] = '>';
  } else {
    const auto since_epoch = msg.time.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    if (seconds.count() != cached_second_) cache_second(seconds.count());
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
    lead[0] = '.';
    lead[1] = static_cast<char>('0' + millis / 100);
    lead[2] = static_cast<char>('0' + millis / 10 % 10);
    lead[3] = static_cast<char>('0' + millis % 10);
    date = second_text_;
    after_lead = after_millis_;
    const spdlog::string_view_t name = spdlog::level::to_string_view(msg.level);
    level = std::string_view(name.data(), name.size());
  }
  const std::string_view lead_text(lead, layout_ == Layout::kJournal ? 3 : 4);
  // One resize and plain copies: fmt's append re-checks the capacity for every piece.
  const std::size_t start = dest.size();
  dest.resize(start + date.size() + lead_text.size() + after_lead.size() + level.size() +
              (level.empty() ? 0 : 1) + tag_.size() + payload.size() + 1);
  char* out = dest.data() + start;
  for (std::string_view piece : {date, lead_text, after_lead, level}) {
    out = std::copy(piece.begin(), piece.end(), out);
  }
  if (!level.empty()) *out++ = ' ';
  out = std::copy(tag_.begin(), tag_.end(), out);
  out = std::copy(payload.begin(), payload.end(), out);
  *out = '\n';
}

std::unique_ptr<spdlog::formatter> LineFormatter::clone() const {
  return std::make_unique<LineFormatter>(*this);
}

}  // namespace regen::logging
