#include "regend/storage/rule_loader.h"

#include <spdlog/spdlog.h>

#include "regend/storage/store.h"

namespace regen::storage {

void RuleSetBuilder::add(int64_t id, const domain::RoutingRuleRecord& record) {
  auto rule = domain::make_routing_rule(id, record);
  if (!rule) {
    spdlog::warn("routing rule {} skipped: {}: {}", id, rule.error().field, rule.error().message);
    return;
  }
  rules_.routing.push_back(std::move(rule.value()));
}

void RuleSetBuilder::add(int64_t id, const domain::GroupingRuleRecord& record) {
  auto rule = domain::make_grouping_rule(id, record);
  if (!rule) {
    spdlog::warn("grouping rule {} skipped: {}: {}", id, rule.error().field, rule.error().message);
    return;
  }
  rules_.grouping.push_back(std::move(rule.value()));
}

domain::RuleSet RuleSetBuilder::finish() && {
  domain::normalize(rules_);
  return std::move(rules_);
}

domain::RuleSet load_rule_set(ReadTx& tx) {
  RuleSetBuilder builder(tx.rules_version());
  for (const StoredRoutingRule& rule : tx.list_routing_rules()) builder.add(rule.id, rule.record);
  for (const StoredGroupingRule& rule : tx.list_grouping_rules()) builder.add(rule.id, rule.record);
  return std::move(builder).finish();
}

}  // namespace regen::storage
