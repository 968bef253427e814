#include "regenctl/cli_support.h"

#include <charconv>
#include <cmath>
#include <sstream>

#include "regenctl/output.h"

namespace regen::ctl {
namespace {

constexpr std::size_t kHelpWidth = 100;

}  // namespace

std::string HelpFormatter::make_description(const CLI::App* app) const {
  // The base adds the trailing '\n', which wrap_text keeps.
  return wrap_text(CLI::Formatter::make_description(app), kHelpWidth);
}

std::string HelpFormatter::make_subcommand(const CLI::App* sub) const {
  std::stringstream out;
  CLI::detail::format_help(out, sub->get_display_name(true), first_sentence(sub->get_description()),
                           column_width_);
  return out.str();
}

CLI::Validator seconds_in_range(double min, double max) {
  const std::string range = format_number(min) + " and " + format_number(max);
  return CLI::Validator(
      [min, max, range](std::string& input) -> std::string {
        double value = 0;
        const char* end = input.data() + input.size();
        const auto [ptr, ec] = std::from_chars(input.data(), end, value);
        if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < min ||
            value > max) {
          return "expected a number of seconds between " + range + ", got '" + input + "'";
        }
        return std::string();
      },
      "", "seconds");
}

std::string first_sentence(const std::string& text) {
  const std::size_t stop = text.find(". ");
  return stop == std::string::npos ? text : text.substr(0, stop + 1);
}

}  // namespace regen::ctl
