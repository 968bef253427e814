#pragma once
// Markdown: one run's summary (`bench run -o markdown`) and the reliability tables of
// `bench report`, ready to paste into docs/RELIABILITY.md and docs/BENCHMARKS.md. Pure.
//
// `bench report` groups results by scenario: webhook-sustained, webhook-burst and api-read get
// the tables the reliability report is made of; connection-based runs (capacity,
// health-capacity, any constant-connections or constant-arrival-rate scenario) a capacity
// table; anything else a generic one. Several files of one scenario give one row each, in the
// order given.

#include <string>
#include <vector>

#include "regenctl/bench/results.h"

namespace regen::ctl::bench {

std::string render_markdown_summary(const Results& results);

std::string render_report(const std::vector<Results>& results);

}  // namespace regen::ctl::bench
