#include "regenctl/terminal.h"

#include <unistd.h>

#include <cstdlib>

namespace regen::ctl {
namespace {

std::string_view sgr(Colour colour) {
  switch (colour) {
    case Colour::kRed:
      return "\x1b[31m";
    case Colour::kBoldRed:
      return "\x1b[1;31m";
    case Colour::kYellow:
      return "\x1b[33m";
    case Colour::kGreen:
      return "\x1b[32m";
    case Colour::kDim:
      return "\x1b[2m";
    case Colour::kNone:
      break;
  }
  return "";
}

}  // namespace

bool colour_allowed(bool stdout_is_terminal, const char* no_color) {
  return stdout_is_terminal && (no_color == nullptr || *no_color == '\0');
}

bool stdout_wants_colour() {
  return colour_allowed(::isatty(STDOUT_FILENO) == 1, std::getenv("NO_COLOR"));
}

std::string paint(std::string_view text, Colour colour, bool enabled) {
  if (!enabled || colour == Colour::kNone || text.empty()) return std::string(text);
  std::string out(sgr(colour));
  out += text;
  out += "\x1b[0m";
  return out;
}

Colour status_colour(std::string_view status) {
  if (status == "triggered") return Colour::kBoldRed;
  if (status == "firing") return Colour::kRed;
  if (status == "acknowledged") return Colour::kYellow;
  if (status == "resolved") return Colour::kGreen;
  if (status == "canceled") return Colour::kDim;
  return Colour::kNone;
}

Colour severity_colour(std::string_view severity) {
  if (severity == "critical") return Colour::kRed;
  if (severity == "warning") return Colour::kYellow;
  return Colour::kNone;
}

std::size_t visible_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      const std::size_t end = text.find('m', i + 2);
      if (end != std::string_view::npos) {
        i = end;
        continue;
      }
    }
    ++width;
  }
  return width;
}

}  // namespace regen::ctl
