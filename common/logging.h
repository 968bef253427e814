#pragma once
// Process-wide logging on stderr through spdlog: the default logger for events and an "access"
// logger for the one line per HTTP request. When stderr is connected to the systemd journal,
// lines carry sd-daemon "<N>" priority prefixes and no timestamp (journald stamps them).
//
// Event lines are written at once. Access lines are batched (common/logging_buffer.h): they
// reach stderr within kAccessBatchInterval, or sooner when kAccessBatchBytes are pending or an
// event line is logged; a kill -9 can lose at most that much of the access log.

#include <spdlog/common.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

namespace regen::logging {

constexpr std::chrono::milliseconds kAccessBatchInterval{100};
constexpr std::size_t kAccessBatchBytes = 64 * 1024;  // a pipe's default capacity

// Call once at start-up, before any thread logs. Thread-safe loggers afterwards.
void init(std::string_view program, spdlog::level::level_enum level);

// Writes every line logged so far (batched access lines included) before returning. Call
// before a deliberate _Exit(); normal exit flushes by itself. Any thread.
void flush();

// Applies a new level to every logger (SIGHUP reload). Any thread.
void set_level(spdlog::level::level_enum level);

// "info" -> level::info; nullopt for anything spdlog would not name.
std::optional<spdlog::level::level_enum> parse_level(std::string_view name);

// True when stderr is the journal stream systemd handed us ($JOURNAL_STREAM = "dev:inode" of
// stderr), so a redirected stderr under systemd still gets plain timestamped lines.
bool stderr_is_journal();

// The sd-daemon priority (syslog severity 0-7) for an spdlog level.
int journal_priority(spdlog::level::level_enum level);

}  // namespace regen::logging
