#pragma once
// Process-wide logging on stderr through spdlog: the default logger for events and an "access"
// logger for the one line per HTTP request. When stderr is connected to the systemd journal,
// lines carry sd-daemon "<N>" priority prefixes and no timestamp (journald stamps them).

#include <spdlog/common.h>

#include <optional>
#include <string_view>

namespace regen::logging {

// Call once at start-up, before any thread logs. Thread-safe loggers afterwards.
void init(std::string_view program, spdlog::level::level_enum level);

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
