#include "regenctl/bench/template.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace regen::ctl::bench {
namespace {

Error template_error(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
bool is_space(char c) { return c == ' ' || c == '\t'; }

std::optional<VarRef> builtin(std::string_view name) {
  using K = VarRef::Kind;
  if (name == "vu") return VarRef{K::kVu, 0};
  if (name == "iter") return VarRef{K::kIter, 0};
  if (name == "seq") return VarRef{K::kSeq, 0};
  if (name == "now_iso") return VarRef{K::kNowIso, 0};
  if (name == "now_ms") return VarRef{K::kNowMs, 0};
  if (name == "token") return VarRef{K::kToken, 0};
  return std::nullopt;
}

std::string known_names(const Symbols& symbols) {
  std::string known(builtin_names());
  if (symbols.allow_vars) {
    for (const std::string& name : symbols.vars) known += ", " + name;
  }
  for (const std::string& name : symbols.extracted) known += ", " + name;
  return known;
}

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void append_integer(std::string& out, int64_t value) {
  char text[24];
  const auto result = std::to_chars(text, text + sizeof text, value);
  out.append(text, result.ptr);
}

}  // namespace

void append_now_iso(std::string& out) {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  out.append(text, length);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(ms % 1000));
  out += fraction;
}

std::string_view builtin_names() { return "vu, iter, seq, now_iso, now_ms, token"; }

// Recursive descent over one {{...}} body:
//   expr   := term (('+' | '-') term)*
//   term   := factor (('*' | '/' | '%') factor)*
//   factor := number | name | '(' expr ')'
class Template::Parser {
 public:
  Parser(std::string_view text, const Symbols& symbols, std::vector<Node>& nodes)
      : text_(text), symbols_(symbols), nodes_(nodes) {}

  Result<int> parse() {
    Result<int> root = expr();
    if (!root) return root;
    skip_space();
    if (at_ < text_.size()) return unexpected();
    return root;
  }

 private:
  Result<int> expr() {
    Result<int> lhs = term();
    while (lhs) {
      skip_space();
      if (at_ >= text_.size() || (text_[at_] != '+' && text_[at_] != '-')) break;
      const Node::Op op = text_[at_++] == '+' ? Node::Op::kAdd : Node::Op::kSub;
      Result<int> rhs = term();
      if (!rhs) return rhs;
      lhs = add({op, 0, {}, lhs.value(), rhs.value()});
    }
    return lhs;
  }

  Result<int> term() {
    Result<int> lhs = factor();
    while (lhs) {
      skip_space();
      if (at_ >= text_.size()) break;
      const char c = text_[at_];
      if (c != '*' && c != '/' && c != '%') break;
      ++at_;
      const Node::Op op = c == '*' ? Node::Op::kMul : c == '/' ? Node::Op::kDiv : Node::Op::kMod;
      Result<int> rhs = factor();
      if (!rhs) return rhs;
      lhs = add({op, 0, {}, lhs.value(), rhs.value()});
    }
    return lhs;
  }

  Result<int> factor() {
    skip_space();
    if (at_ >= text_.size()) return unexpected();
    const char c = text_[at_];
    if (c == '(') {
      ++at_;
      Result<int> inner = expr();
      if (!inner) return inner;
      skip_space();
      if (at_ >= text_.size() || text_[at_] != ')') return unexpected();
      ++at_;
      return inner;
    }
    if (c >= '0' && c <= '9') {
      const std::size_t start = at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
      auto number = parse_integer(text_.substr(start, at_ - start));
      if (!number) return template_error("number too large in '{{" + std::string(text_) + "}}'");
      return add({Node::Op::kNumber, *number, {}, -1, -1});
    }
    if (is_name_start(c)) {
      const std::size_t start = at_;
      while (at_ < text_.size() && is_name_char(text_[at_])) ++at_;
      return variable(text_.substr(start, at_ - start));
    }
    return unexpected();
  }

  Result<int> variable(std::string_view name) {
    std::optional<VarRef> ref = builtin(name);
    for (std::size_t i = 0; !ref && symbols_.allow_vars && i < symbols_.vars.size(); ++i) {
      if (symbols_.vars[i] == name) ref = VarRef{VarRef::Kind::kVar, static_cast<int>(i)};
    }
    for (std::size_t i = 0; !ref && i < symbols_.extracted.size(); ++i) {
      if (symbols_.extracted[i] == name)
        ref = VarRef{VarRef::Kind::kExtracted, static_cast<int>(i)};
    }
    if (!ref) {
      return template_error("unknown variable '" + std::string(name) +
                            "' (known: " + known_names(symbols_) + ")");
    }
    return add({Node::Op::kVariable, 0, *ref, -1, -1});
  }

  Error unexpected() const {
    const std::string_view rest = text_.substr(std::min(at_, text_.size()));
    return template_error(
        "expected a variable or a number " +
        (rest.empty() ? std::string("at the end of") : "at '" + std::string(rest) + "' in") +
        " '{{" + std::string(text_) + "}}'");
  }

  int add(Node node) {
    nodes_.push_back(node);
    return static_cast<int>(nodes_.size() - 1);
  }

  void skip_space() {
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
  }

  std::string_view text_;
  const Symbols& symbols_;
  std::vector<Node>& nodes_;
  std::size_t at_ = 0;
};

Result<Template> Template::compile(std::string_view text, const Symbols& symbols) {
  Template compiled;
  compiled.source_ = std::string(text);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      compiled.parts_.push_back({std::string(text.substr(at)), -1});
      break;
    }
    if (open > at) compiled.parts_.push_back({std::string(text.substr(at, open - at)), -1});
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return template_error("unclosed '{{' in '" + std::string(text.substr(open, 40)) + "'");
    }
    Parser parser(text.substr(open + 2, close - open - 2), symbols, compiled.nodes_);
    Result<int> root = parser.parse();
    if (!root) return root.error();
    compiled.parts_.push_back({"", root.value()});
    at = close + 2;
  }
  return compiled;
}

bool Template::is_constant() const {
  for (const Part& part : parts_) {
    if (part.root >= 0) return false;
  }
  return true;
}

bool Template::uses(VarRef::Kind kind) const {
  // Walks from the holes, not over nodes_: fold() leaves the nodes of replaced holes behind.
  std::vector<int> pending;
  for (const Part& part : parts_) {
    if (part.root >= 0) pending.push_back(part.root);
  }
  while (!pending.empty()) {
    const Node& node = nodes_[static_cast<std::size_t>(pending.back())];
    pending.pop_back();
    if (node.op == Node::Op::kVariable && node.var.kind == kind) return true;
    if (node.lhs >= 0) pending.push_back(node.lhs);
    if (node.rhs >= 0) pending.push_back(node.rhs);
  }
  return false;
}

void Template::fold(VarRef::Kind kind, std::string_view value) {
  std::vector<Part> folded;
  for (Part& part : parts_) {
    const bool bare = part.root >= 0 && nodes_[part.root].op == Node::Op::kVariable &&
                      nodes_[part.root].var.kind == kind;
    if (bare) part = {std::string(value), -1};
    if (part.root < 0 && !folded.empty() && folded.back().root < 0) {
      folded.back().literal += part.literal;
    } else {
      folded.push_back(std::move(part));
    }
  }
  parts_ = std::move(folded);
}

bool Template::render(const RenderContext& context, std::string& out, std::string* problem) const {
  for (const Part& part : parts_) {
    if (part.root < 0) {
      out += part.literal;
    } else if (!append(part.root, context, out, problem)) {
      return false;
    }
  }
  return true;
}

std::optional<int64_t> Template::evaluate(const RenderContext& context,
                                          std::string* problem) const {
  if (parts_.size() != 1 || parts_[0].root < 0) {
    std::string text;
    if (!render(context, text, problem)) return std::nullopt;
    if (auto number = parse_integer(text)) return number;
    if (problem != nullptr) *problem = "'" + text + "' is not an integer";
    return std::nullopt;
  }
  return integer(parts_[0].root, context, problem);
}

bool Template::append(int node_index, const RenderContext& context, std::string& out,
                      std::string* problem) const {
  const Node& node = nodes_[node_index];
  if (node.op != Node::Op::kVariable) {
    std::optional<int64_t> value = integer(node_index, context, problem);
    if (!value) return false;
    append_integer(out, *value);
    return true;
  }
  switch (node.var.kind) {
    case VarRef::Kind::kVu:
      append_integer(out, context.vu);
      return true;
    case VarRef::Kind::kIter:
      append_integer(out, context.iter);
      return true;
    case VarRef::Kind::kSeq:
      append_integer(out, context.seq);
      return true;
    case VarRef::Kind::kNowMs:
      append_integer(out, now_unix_ms());
      return true;
    case VarRef::Kind::kNowIso:
      append_now_iso(out);
      return true;
    case VarRef::Kind::kToken:
      out += context.token;
      return true;
    case VarRef::Kind::kVar: {
      const VarDef& var = context.vars[static_cast<std::size_t>(node.var.index)];
      if (var.cycle.empty()) return var.text.render(context, out, problem);
      std::optional<int64_t> pick = var.by.evaluate(context, problem);
      if (!pick) return false;
      const auto size = static_cast<int64_t>(var.cycle.size());
      out += var.cycle[static_cast<std::size_t>((*pick % size + size) % size)];
      return true;
    }
    case VarRef::Kind::kExtracted: {
      const auto& value = context.extracted[static_cast<std::size_t>(node.var.index)];
      if (!value) {
        if (problem != nullptr) *problem = "no value was extracted for this variable";
        return false;
      }
      out += *value;
      return true;
    }
  }
  return false;
}

std::optional<int64_t> Template::integer(int node_index, const RenderContext& context,
                                         std::string* problem) const {
  const Node& node = nodes_[node_index];
  switch (node.op) {
    case Node::Op::kNumber:
      return node.number;
    case Node::Op::kVariable: {
      switch (node.var.kind) {
        case VarRef::Kind::kVu:
          return context.vu;
        case VarRef::Kind::kIter:
          return context.iter;
        case VarRef::Kind::kSeq:
          return context.seq;
        case VarRef::Kind::kNowMs:
          return now_unix_ms();
        default:
          break;
      }
      std::string text;
      if (!append(node_index, context, text, problem)) return std::nullopt;
      if (auto number = parse_integer(text)) return number;
      if (problem != nullptr) *problem = "'" + text + "' is not an integer";
      return std::nullopt;
    }
    default:
      break;
  }
  const std::optional<int64_t> lhs = integer(node.lhs, context, problem);
  if (!lhs) return std::nullopt;
  const std::optional<int64_t> rhs = integer(node.rhs, context, problem);
  if (!rhs) return std::nullopt;
  // Wrapping arithmetic: overflow is the scenario's problem, never undefined behaviour here.
  const auto a = static_cast<uint64_t>(*lhs);
  const auto b = static_cast<uint64_t>(*rhs);
  switch (node.op) {
    case Node::Op::kAdd:
      return static_cast<int64_t>(a + b);
    case Node::Op::kSub:
      return static_cast<int64_t>(a - b);
    case Node::Op::kMul:
      return static_cast<int64_t>(a * b);
    case Node::Op::kDiv:
      return *rhs == 0 || (*rhs == -1 && *lhs == INT64_MIN) ? 0 : *lhs / *rhs;
    case Node::Op::kMod:
      return *rhs == 0 || *rhs == -1 ? 0 : *lhs % *rhs;
    default:
      return std::nullopt;
  }
}

}  // namespace regen::ctl::bench
