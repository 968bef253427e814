#pragma once
// Routing and grouping rules: stored as rows with JSON columns, parsed once into these types,
// cached, and evaluated per alert without allocation-heavy work.
//
// match JSON (both kinds of rule):
//   {"source":"prometheus","severity":"critical",
//    "labels":[{"key":"team","op":"equals","value":"db"},{"key":"env","op":"exists"},
//              {"key":"service","op":"regex","value":"api-.*"}],
//    "annotations":[...same shape...]}
//   Every present condition must hold; regexes are anchored (the whole value must match).
// routing actions JSON: {"suppress":false,"severity":"critical","create_incident":true}
// grouping: group_by JSON ["alertname","cluster"], window_s > 0.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "regend/domain/alert.h"

namespace regen::domain {

enum class MatchOp { kEquals, kExists, kRegex };

struct LabelMatcher {
  std::string key;
  MatchOp op = MatchOp::kEquals;
  std::string value;                        // kEquals: the value; kRegex: the pattern
  std::shared_ptr<const std::regex> regex;  // compiled once for kRegex
};

struct AlertMatch {
  std::optional<std::string> source;
  std::optional<Severity> severity;
  std::vector<LabelMatcher> labels;
  std::vector<LabelMatcher> annotations;

  bool matches(const NormalizedAlert& alert) const;
};

struct RoutingRule {
  int64_t id = 0;
  std::string name;
  int64_t priority = 0;  // lower runs first
  bool enabled = true;
  AlertMatch match;
  bool suppress = false;                      // store the alert, open no incident, notify no one
  std::optional<Severity> severity_override;  // replaces the alert's severity
  bool create_incident = true;
};

struct GroupingRule {
  int64_t id = 0;
  std::string name;
  int64_t priority = 0;
  bool enabled = true;
  AlertMatch match;
  std::vector<std::string> group_by;  // label keys; a missing label groups as ""
  std::chrono::seconds window{300};
};

// A rule row as stored: the JSON columns as text.
struct RoutingRuleRecord {
  std::string name;
  int64_t priority = 100;
  bool enabled = true;
  std::string match_json = "{}";
  std::string actions_json = "{}";
};
struct GroupingRuleRecord {
  std::string name;
  int64_t priority = 100;
  bool enabled = true;
  std::string match_json = "{}";
  std::string group_by_json = "[]";
  int64_t window_s = 300;
};

// Rules as loaded from the store, sorted by (priority, id); disabled rules are dropped.
struct RuleSet {
  int64_t version = 0;
  std::vector<RoutingRule> routing;
  std::vector<GroupingRule> grouping;

  // First enabled routing rule matching the alert, or null.
  const RoutingRule* route(const NormalizedAlert& alert) const;
  // First enabled grouping rule matching the alert, or null.
  const GroupingRule* group(const NormalizedAlert& alert) const;
};

// Parsing from the stored JSON text. Errors are kInvalidArgument naming the field
// ("match.labels[1].op"); the API's rule validation uses the same functions.
Result<AlertMatch> parse_match(std::string_view json);
Result<RoutingRule> parse_routing_actions(std::string_view json, RoutingRule rule);
Result<std::vector<std::string>> parse_group_by(std::string_view json);

// Builds a rule from its stored row; kInvalidArgument naming the field when a JSON column is
// invalid. The rules API validates with the same functions before storing.
Result<RoutingRule> make_routing_rule(int64_t id, const RoutingRuleRecord& record);
Result<GroupingRule> make_grouping_rule(int64_t id, const GroupingRuleRecord& record);

// Sorts by (priority, id) and drops disabled rules.
void normalize(RuleSet& rules);

// The key grouping uses: the rule id and the group_by label values, e.g.
// "g1|alertname=8:DiskFull|cluster=3:eu1" (values length-prefixed, so no two label sets
// produce the same key). Alerts with equal keys share an incident.
std::string group_key(const GroupingRule& rule, const NormalizedAlert& alert);

}  // namespace regen::domain
