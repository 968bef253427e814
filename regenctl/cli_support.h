#pragma once
// CLI11 pieces every subcommand uses: help layout and validators with readable messages.

#include <CLI/CLI.hpp>

#include <string>

namespace regen::ctl {

// Wraps descriptions at 100 columns and lists each subcommand by its first sentence, so a
// subcommand's description can be a full paragraph in its own --help without flooding the
// app's --help.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_description(const CLI::App* app) const override;
  std::string make_subcommand(const CLI::App* sub) const override;
};

// Accepts a decimal number of seconds in [min, max]; otherwise the message names the range.
CLI::Validator seconds_in_range(double min, double max);

// The first sentence of `text`: up to and including the first ". ", or all of it.
std::string first_sentence(const std::string& text);

}  // namespace regen::ctl
