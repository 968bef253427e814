#pragma once
// Turns rule rows, as each backend reads them, into the cached RuleSet. A stored rule that no
// longer parses is skipped with a warning naming it: one bad row must not stop ingestion.

#include <cstdint>

#include "regend/domain/rules.h"

namespace regen::storage {

class ReadTx;

class RuleSetBuilder {
 public:
  explicit RuleSetBuilder(int64_t version) { rules_.version = version; }

  void add(int64_t id, const domain::RoutingRuleRecord& record);
  void add(int64_t id, const domain::GroupingRuleRecord& record);

  // Sorted by priority, disabled rules dropped.
  domain::RuleSet finish() &&;

 private:
  domain::RuleSet rules_;
};

// The cached RuleSet from every stored rule (list_*_rules) at tx.rules_version(): what both
// backends' load_rules() return. Throws StoreError like the reads it makes.
domain::RuleSet load_rule_set(ReadTx& tx);

}  // namespace regen::storage
