#pragma once
// Colour for table output. Colour is only ever added when stdout is a terminal and NO_COLOR
// (https://no-color.org) is unset or empty; JSON output is never coloured.

#include <string>
#include <string_view>

namespace regen::ctl {

enum class Colour { kNone, kRed, kBoldRed, kYellow, kGreen, kDim };

// The decision itself, pure: `no_color` is the value of NO_COLOR, or nullptr when unset.
bool colour_allowed(bool stdout_is_terminal, const char* no_color);

// colour_allowed() for this process's stdout and environment. Any thread.
bool stdout_wants_colour();

// `text` wrapped in the SGR sequences for `colour`, or unchanged when !enabled or kNone.
std::string paint(std::string_view text, Colour colour, bool enabled);

// Incident statuses: triggered bold red, acknowledged yellow, resolved green, canceled dim.
// Alert statuses: firing red, resolved green. Anything else: kNone.
Colour status_colour(std::string_view status);

// critical red, warning yellow, info and anything else kNone.
Colour severity_colour(std::string_view severity);

// How many columns `text` takes on a terminal: its bytes minus any SGR escape sequences
// ("\x1b[...m"), so coloured and plain cells align alike.
std::size_t visible_width(std::string_view text);

}  // namespace regen::ctl
