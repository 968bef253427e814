#include "regend/domain/rules.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace regen::domain {
namespace json = boost::json;

namespace {

// "match.labels[0].op: must be one of ...": the message names the field as well as details do,
// for logs and for the rules API's error message.
Error invalid(std::string field, std::string message) {
  Error error{ErrorCode::kInvalidArgument, field + ": " + message};
  error.field = std::move(field);
  return error;
}

Result<json::value> parse_json(std::string_view text, std::string_view field) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return invalid(std::string(field), "invalid JSON: " + ec.message());
  return value;
}

bool matcher_holds(const LabelMatcher& matcher, const std::map<std::string, std::string>& values) {
  auto it = values.find(matcher.key);
  if (it == values.end()) return false;
  switch (matcher.op) {
    case MatchOp::kExists:
      return true;
    case MatchOp::kEquals:
      return it->second == matcher.value;
    case MatchOp::kRegex:
      return std::regex_match(it->second, *matcher.regex);
  }
  return false;
}

Result<std::vector<LabelMatcher>> parse_matchers(const json::value& list,
                                                 const std::string& field) {
  if (!list.is_array()) return invalid(field, "must be an array of {key, op, value}");
  std::vector<LabelMatcher> matchers;
  for (std::size_t i = 0; i < list.as_array().size(); ++i) {
    const std::string at = field + "[" + std::to_string(i) + "]";
    const json::value& item = list.as_array()[i];
    if (!item.is_object()) return invalid(at, "must be an object {key, op, value}");
    const json::object& object = item.as_object();
    LabelMatcher matcher;
    const json::value* key = object.if_contains("key");
    if (key == nullptr || !key->is_string() || key->as_string().empty()) {
      return invalid(at + ".key", "must be a non-empty string");
    }
    matcher.key = std::string(key->as_string());
    const json::value* op = object.if_contains("op");
    // Both arms must be string_views: a json::string arm would make the whole expression a
    // temporary copy, leaving op_name pointing at freed memory.
    std::string_view op_name = op != nullptr && op->is_string() ? std::string_view(op->as_string())
                                                                : std::string_view("equals");
    if (op != nullptr && !op->is_string()) return invalid(at + ".op", "must be a string");
    const json::value* value = object.if_contains("value");
    if (op_name == "exists") {
      matcher.op = MatchOp::kExists;
    } else if (op_name == "equals" || op_name == "regex") {
      if (value == nullptr || !value->is_string()) {
        return invalid(at + ".value", "must be a string for op " + std::string(op_name));
      }
      matcher.value = std::string(value->as_string());
      matcher.op = op_name == "equals" ? MatchOp::kEquals : MatchOp::kRegex;
      if (matcher.op == MatchOp::kRegex) {
        try {
          matcher.regex = std::make_shared<const std::regex>(matcher.value, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          return invalid(at + ".value", std::string("invalid regular expression: ") + e.what());
        }
      }
    } else {
      return invalid(at + ".op", "must be one of equals, exists, regex");
    }
    matchers.push_back(std::move(matcher));
  }
  return matchers;
}

}  // namespace

bool AlertMatch::matches(const NormalizedAlert& alert) const {
  if (source && *source != alert.source) return false;
  if (severity && *severity != alert.severity) return false;
  for (const LabelMatcher& matcher : labels) {
    if (!matcher_holds(matcher, alert.labels)) return false;
  }
  for (const LabelMatcher& matcher : annotations) {
    if (!matcher_holds(matcher, alert.annotations)) return false;
  }
  return true;
}

const RoutingRule* RuleSet::route(const NormalizedAlert& alert) const {
  for (const RoutingRule& rule : routing) {
    if (rule.match.matches(alert)) return &rule;
  }
  return nullptr;
}

const GroupingRule* RuleSet::group(const NormalizedAlert& alert) const {
  for (const GroupingRule& rule : grouping) {
    if (rule.match.matches(alert)) return &rule;
  }
  return nullptr;
}

Result<AlertMatch> parse_match(std::string_view text) {
  auto parsed = parse_json(text, "match");
  if (!parsed) return parsed.error();
  if (!parsed.value().is_object()) return invalid("match", "must be an object");
  const json::object& object = parsed.value().as_object();
  AlertMatch match;
  for (const auto& entry : object) {
    const std::string field = "match." + std::string(entry.key());
    if (entry.key() == "source") {
      if (!entry.value().is_string()) return invalid(field, "must be a string");
      match.source = std::string(entry.value().as_string());
    } else if (entry.key() == "severity") {
      auto severity =
          entry.value().is_string() ? parse_severity(entry.value().as_string()) : std::nullopt;
      if (!severity) return invalid(field, "must be one of critical, warning, info");
      match.severity = severity;
    } else if (entry.key() == "labels" || entry.key() == "annotations") {
      auto matchers = parse_matchers(entry.value(), field);
      if (!matchers) return matchers.error();
      (entry.key() == "labels" ? match.labels : match.annotations) = std::move(matchers.value());
    } else {
      return invalid(field, "unknown condition; use source, severity, labels, annotations");
    }
  }
  return match;
}

Result<RoutingRule> parse_routing_actions(std::string_view text, RoutingRule rule) {
  auto parsed = parse_json(text, "actions");
  if (!parsed) return parsed.error();
  if (!parsed.value().is_object()) return invalid("actions", "must be an object");
  for (const auto& entry : parsed.value().as_object()) {
    const std::string field = "actions." + std::string(entry.key());
    if (entry.key() == "suppress" || entry.key() == "create_incident") {
      if (!entry.value().is_bool()) return invalid(field, "must be true or false");
      (entry.key() == "suppress" ? rule.suppress : rule.create_incident) = entry.value().as_bool();
    } else if (entry.key() == "severity") {
      auto severity =
          entry.value().is_string() ? parse_severity(entry.value().as_string()) : std::nullopt;
      if (!severity) return invalid(field, "must be one of critical, warning, info");
      rule.severity_override = severity;
    } else {
      return invalid(field, "unknown action; use suppress, severity, create_incident");
    }
  }
  return rule;
}

Result<std::vector<std::string>> parse_group_by(std::string_view text) {
  auto parsed = parse_json(text, "group_by");
  if (!parsed) return parsed.error();
  if (!parsed.value().is_array()) return invalid("group_by", "must be an array of label keys");
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < parsed.value().as_array().size(); ++i) {
    const json::value& key = parsed.value().as_array()[i];
    if (!key.is_string() || key.as_string().empty()) {
      return invalid("group_by[" + std::to_string(i) + "]", "must be a non-empty string");
    }
    keys.emplace_back(key.as_string());
  }
  return keys;
}

Result<RoutingRule> make_routing_rule(int64_t id, const RoutingRuleRecord& record) {
  auto match = parse_match(record.match_json);
  if (!match) return match.error();
  RoutingRule rule;
  rule.id = id;
  rule.name = record.name;
  rule.priority = record.priority;
  rule.enabled = record.enabled;
  rule.match = std::move(match.value());
  return parse_routing_actions(record.actions_json, std::move(rule));
}

Result<GroupingRule> make_grouping_rule(int64_t id, const GroupingRuleRecord& record) {
  auto match = parse_match(record.match_json);
  if (!match) return match.error();
  auto group_by = parse_group_by(record.group_by_json);
  if (!group_by) return group_by.error();
  if (record.window_s <= 0) return invalid("window_s", "must be a positive number of seconds");
  GroupingRule rule;
  rule.id = id;
  rule.name = record.name;
  rule.priority = record.priority;
  rule.enabled = record.enabled;
  rule.match = std::move(match.value());
  rule.group_by = std::move(group_by.value());
  rule.window = std::chrono::seconds(record.window_s);
  return rule;
}

void normalize(RuleSet& rules) {
  auto by_priority = [](const auto& a, const auto& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.id < b.id;
  };
  std::erase_if(rules.routing, [](const RoutingRule& rule) { return !rule.enabled; });
  std::erase_if(rules.grouping, [](const GroupingRule& rule) { return !rule.enabled; });
  std::sort(rules.routing.begin(), rules.routing.end(), by_priority);
  std::sort(rules.grouping.begin(), rules.grouping.end(), by_priority);
}

std::string group_key(const GroupingRule& rule, const NormalizedAlert& alert) {
  std::string key = "g" + std::to_string(rule.id);
  for (const std::string& label : rule.group_by) {
    auto it = alert.labels.find(label);
    // Length-prefixed values: "a|b" and "a", "b" can never produce the same key.
    const std::string value = it == alert.labels.end() ? std::string() : it->second;
    key += "|" + label + "=" + std::to_string(value.size()) + ":" + value;
  }
  return key;
}

}  // namespace regen::domain
