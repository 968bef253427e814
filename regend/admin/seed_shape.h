#pragma once
// Internal to seed_data.cpp and seed_rows.cpp: what one synthetic incident will look like,
// decided before its rows are made.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "regend/admin/seed_data.h"
#include "regend/domain/incident.h"

namespace regen::admin {

// The responders who acknowledge, resolve, cancel, command and annotate incidents.
inline constexpr std::array<const char*, 10> kSeedPeople = {
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"};

// splitmix64's finalizer: a bijection on 64 bits (distinct inputs, distinct outputs).
inline uint64_t seed_mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// splitmix64: small, fast and good enough for synthetic data; a UniformRandomBitGenerator, so
// the standard distributions take it.
struct SeedGenerator::Random {
  using result_type = uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return seed_mix(state += 0x9e3779b97f4a7c15ULL); }
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }  // [0, 1)
  template <typename List>
  auto pick(const List& list) {
    return list[(*this)() % list.size()];
  }

  uint64_t state = 0;
};

struct SeedGenerator::Shape {
  int32_t alerts = 0;
  bool manual = false;  // opened by hand: no alerts, no group key
  const char* alertname = "";
  const char* service = "";
  const char* team = "";
  const char* region = "";
  std::string source;
  domain::Severity severity = domain::Severity::kWarning;
  domain::IncidentStatus status = domain::IncidentStatus::kTriggered;
  domain::Timestamp created{};
  domain::Timestamp end{};  // resolved or canceled; the plan's `now` while open
  std::optional<domain::Timestamp> acknowledged;
  bool auto_resolved = false;  // by regend, when its last alert resolved
  const char* responder = "";  // who acknowledged, resolved or canceled it
  std::optional<std::string> commander;
};

}  // namespace regen::admin
