#pragma once
// Internal to common/config*.cpp: the table that describes every configuration key once.
// load(), keys(), value_of() and diff() in config.cpp walk this table; nothing else names a key.
//
// The table is built on first use (thread-safe static) and read-only afterwards, so any thread
// may call these functions.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/config.h"

namespace regen::config::detail {

// A TOML array whose elements are all strings (possibly none).
using StringList = std::vector<std::string>;

// A TOML value of a type no key accepts (float, table, date, an array holding anything but
// strings...), carried as its description ("a float", "an array containing an integer") so the
// error can say what was found.
struct OtherType {
  std::string description;
};

// A value read from the TOML file, reduced to the types keys are written in. Keeping toml11
// out of this header keeps it out of the key table's translation unit.
using RawValue = std::variant<std::int64_t, bool, std::string, StringList, OtherType>;

// Why a value was rejected ("must be between 1 and 256, got 300"), or nullopt if it was stored.
using Rejection = std::optional<std::string>;

struct KeyDef {
  KeyInfo info;
  std::string env_var;  // REGEN_SERVER_LISTEN

  // Each setter validates the value and stores it into the key's field only if it is valid.
  std::function<Rejection(const RawValue&, Config&)> set_from_toml;
  std::function<Rejection(const std::string&, Config&)> set_from_text;  // env vars and flags

  std::function<std::string(const Config&)> format;  // the value as TOML writes it

  // Checks that need other keys (admin.socket depends on storage.data_dir); run once, after
  // every source has been applied. May be empty.
  std::function<Rejection(const Config&)> check_final;
};

const std::vector<KeyDef>& key_table();

// nullptr for a path that names no key.
const KeyDef* find_key(std::string_view path);

// "a string", "an integer": what a RawValue holds, for type-mismatch messages.
std::string describe(const RawValue& value);

// `text` as a TOML basic string, quotes and escapes included.
std::string toml_quote(std::string_view text);

}  // namespace regen::config::detail
