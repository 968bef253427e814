#pragma once
// Request templates: text with {{expression}} holes, filled in for every request a virtual user
// sends.
//
// An expression is integer arithmetic (+ - * / %, parentheses, non-negative integer literals)
// over variables, or a single variable:
//   vu        the virtual user's number, 1..N (a connection's number in capacity runs)
//   iter      the user's iteration, 0, 1, 2, ...
//   seq       a sequence number unique to each iteration of the whole run, 0, 1, 2, ...
//   now_iso   the current UTC time, RFC 3339 with milliseconds ("2026-11-22T10:00:00.123Z")
//   now_ms    the current Unix time in milliseconds
//   token     the API token (--token / REGEN_TOKEN)
//   a name from the scenario's [vars] table, or one extracted from an earlier response of the
//   same iteration (a request's `extract`).
// "10.{{vu / 256}}.{{vu % 256}}.1", "fp-{{vu}}-{{iter % 10}}". Division and modulo by zero give
// 0. A string used in arithmetic must hold an integer.
//
// Compiling resolves every name, so a typo is found when the scenario loads, not mid-run.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace regen::ctl::bench {

// What a name in a template refers to.
struct VarRef {
  enum class Kind { kVu, kIter, kSeq, kNowIso, kNowMs, kToken, kVar, kExtracted };
  Kind kind = Kind::kVu;
  int index = 0;  // into RenderContext::vars or ::extracted for kVar / kExtracted
  bool operator==(const VarRef&) const = default;
};

// The names a template may use beyond the built-in ones, by position.
struct Symbols {
  std::vector<std::string> vars;
  std::vector<std::string> extracted;
  // Names from `vars` (a var may not refer to another one).
  bool allow_vars = true;
};

struct VarDef;

// The values for one rendering. The spans must outlive the call.
struct RenderContext {
  int64_t vu = 1;
  int64_t iter = 0;
  int64_t seq = 0;
  std::string_view token;
  std::span<const VarDef> vars;
  // By extracted index; nullopt when the earlier response did not have it.
  std::span<const std::optional<std::string>> extracted;
};

class Template {
 public:
  Template() = default;
  // kInvalidArgument naming the problem: "unknown variable 'vuu' (known: vu, iter, ...)",
  // "unclosed '{{'", "expected a variable or a number at 'x +'".
  static Result<Template> compile(std::string_view text, const Symbols& symbols);

  const std::string& source() const { return source_; }
  // Whether the text has no holes (rendering returns source() as it is).
  bool is_constant() const;
  bool uses(VarRef::Kind kind) const;
  // Replaces every hole that is just `kind` with `value`.
  void fold(VarRef::Kind kind, std::string_view value);

  // Appends the text to `out`. False, with `problem` set ("'incident' was not extracted"),
  // when a variable has no value or arithmetic meets a non-integer; `out` then holds a part.
  bool render(const RenderContext& context, std::string& out, std::string* problem) const;
  // For a template that is one expression: its integer value, or nullopt as render() fails.
  std::optional<int64_t> evaluate(const RenderContext& context, std::string* problem) const;

 private:
  struct Node {
    enum class Op { kNumber, kVariable, kAdd, kSub, kMul, kDiv, kMod };
    Op op = Op::kNumber;
    int64_t number = 0;
    VarRef var;
    int lhs = -1;
    int rhs = -1;
  };
  struct Part {
    std::string literal;  // when root < 0
    int root = -1;
  };
  class Parser;

  bool append(int node, const RenderContext& context, std::string& out, std::string* problem) const;
  std::optional<int64_t> integer(int node, const RenderContext& context,
                                 std::string* problem) const;

  std::string source_;
  std::vector<Part> parts_;
  std::vector<Node> nodes_;
};

// A [vars] entry: a template ("fp-{{vu}}-{{iter % 10}}"), or a cycle through values picked by
// an expression: { cycle = ["critical", "warning"], by = "iter" } is cycle[iter % 2].
struct VarDef {
  std::string name;
  Template text;
  std::vector<std::string> cycle;  // non-empty for a cycle
  Template by;                     // the cycle's index expression
};

// The built-in names, for messages and the docs: "vu, iter, seq, now_iso, now_ms, token".
std::string_view builtin_names();

// Appends {{now_iso}}: the current UTC time, "2026-11-22T10:00:00.123Z".
void append_now_iso(std::string& out);

}  // namespace regen::ctl::bench
