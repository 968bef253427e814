#include "regenctl/bench/template.h"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

namespace regen::ctl::bench {
namespace {

Template compile(const std::string& text, const Symbols& symbols = {}) {
  Result<Template> compiled = Template::compile(text, symbols);
  INFO(text << ": " << (compiled ? "" : compiled.error().message));
  REQUIRE(compiled.ok());
  return compiled.value();
}

std::string render(const Template& compiled, const RenderContext& context) {
  std::string out;
  std::string problem;
  INFO(problem);
  REQUIRE(compiled.render(context, out, &problem));
  return out;
}

TEST_CASE("bench template: built-in variables and arithmetic fill the holes") {
  RenderContext context;
  context.vu = 300;
  context.iter = 23;
  context.seq = 9001;
  context.token = "rgn_abc";
  CHECK(render(compile("10.{{vu / 256}}.{{vu % 256}}.1"), context) == "10.1.44.1");
  CHECK(render(compile("fp-{{vu}}-{{ iter % 10 }}"), context) == "fp-300-3");
  CHECK(render(compile("{{seq}}:{{(iter + 2) * 3 - 1}}"), context) == "9001:74");
  CHECK(render(compile("{{2 + 3 * 4}} {{20 / 3}} {{7 % 0}} {{7 / 0}}"), context) == "14 6 0 0");
  CHECK(render(compile("Bearer {{token}}"), context) == "Bearer rgn_abc");
  CHECK(render(compile("no holes"), context) == "no holes");
}

TEST_CASE("bench template: now_iso is an RFC 3339 UTC time with milliseconds, now_ms a number") {
  const std::string now = render(compile("{{now_iso}}"), RenderContext{});
  REQUIRE(now.size() == 24);
  CHECK(now[4] == '-');
  CHECK(now[10] == 'T');
  CHECK(now[19] == '.');
  CHECK(now.back() == 'Z');
  const std::string ms = render(compile("{{now_ms}}"), RenderContext{});
  CHECK(ms.size() >= 13);
  CHECK(ms.find_first_not_of("0123456789") == std::string::npos);
}

TEST_CASE("bench template: vars are templates or cycles picked by an expression") {
  Symbols symbols;
  symbols.vars = {"severity", "fingerprint"};
  Symbols builtins;
  builtins.allow_vars = false;
  std::vector<VarDef> vars(2);
  vars[0].name = "severity";
  vars[0].cycle = {"critical", "warning", "warning", "warning", "warning"};
  vars[0].by = compile("{{iter}}", builtins);
  vars[1].name = "fingerprint";
  vars[1].text = compile("b{{vu}}x{{iter % 10}}", builtins);
  const Template body = compile("{{severity}}/{{fingerprint}}", symbols);
  RenderContext context;
  context.vars = vars;
  context.vu = 4;
  context.iter = 0;
  CHECK(render(body, context) == "critical/b4x0");
  context.iter = 13;
  CHECK(render(body, context) == "warning/b4x3");
  context.iter = 15;
  CHECK(render(body, context) == "critical/b4x5");
}

TEST_CASE("bench template: extracted values render, and a missing one fails the rendering") {
  Symbols symbols;
  symbols.extracted = {"incident"};
  const Template path = compile("/api/v1/incidents/{{incident}}", symbols);
  std::vector<std::optional<std::string>> values{std::string("17")};
  RenderContext context;
  context.extracted = values;
  CHECK(render(path, context) == "/api/v1/incidents/17");
  CHECK(compile("{{incident + 1}}", symbols).evaluate(context, nullptr) == 18);

  values[0] = std::nullopt;
  std::string out;
  std::string problem;
  CHECK_FALSE(path.render(context, out, &problem));
  CHECK_THAT(problem, Catch::Contains("no value was extracted"));

  values[0] = std::string("abc");
  CHECK_FALSE(compile("{{incident * 2}}", symbols).evaluate(context, &problem));
  CHECK_THAT(problem, Catch::Contains("'abc' is not an integer"));
}

TEST_CASE("bench template: mistakes are found when compiling, with a message naming them") {
  auto error_of = [](const std::string& text) {
    Result<Template> compiled = Template::compile(text, Symbols{});
    REQUIRE_FALSE(compiled.ok());
    return compiled.error().message;
  };
  CHECK_THAT(error_of("{{vuu}}"), Catch::Contains("unknown variable 'vuu' (known: vu, iter"));
  CHECK_THAT(error_of("x{{vu"), Catch::Contains("unclosed '{{'"));
  CHECK_THAT(error_of("{{vu +}}"), Catch::Contains("at the end of '{{vu +}}'"));
  CHECK_THAT(error_of("{{vu ^ 2}}"), Catch::Contains("at '^ 2' in"));
  CHECK_THAT(error_of("{{}}"), Catch::Contains("expected a variable or a number"));
  CHECK_THAT(error_of("{{(vu}}"), Catch::Contains("expected a variable or a number"));
}

TEST_CASE("bench template: folding the token makes a template constant") {
  Template header = compile("Bearer {{token}}");
  CHECK_FALSE(header.is_constant());
  CHECK(header.uses(VarRef::Kind::kToken));
  header.fold(VarRef::Kind::kToken, "rgn_x");
  CHECK(header.is_constant());
  CHECK_FALSE(header.uses(VarRef::Kind::kToken));
  CHECK(render(header, RenderContext{}) == "Bearer rgn_x");

  Template mixed = compile("{{token}}-{{vu}}");
  mixed.fold(VarRef::Kind::kToken, "t");
  CHECK_FALSE(mixed.is_constant());
  RenderContext context;
  context.vu = 2;
  CHECK(render(mixed, context) == "t-2");
}

}  // namespace
}  // namespace regen::ctl::bench
