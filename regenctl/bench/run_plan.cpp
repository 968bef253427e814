#include "regenctl/bench/run_plan.h"

#include <netdb.h>

#include <cstring>
#include <ctime>

#include "common/version.h"

namespace regen::ctl::bench {
namespace {

bool method_sends_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

bool has_variables(const RequestSpec& request) {
  if (!request.path.is_constant() || !request.body.is_constant()) return true;
  for (const auto& [name, value] : request.headers) {
    if (!value.is_constant()) return true;
  }
  return false;
}

}  // namespace

std::string utc_now_rfc3339() {
  std::string text;
  append_now_iso(text);
  return text;
}

int64_t monotonic_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

bool render_request(const RunPlan& plan, const RequestSpec& request, const RenderContext& context,
                    std::string& out, std::string& body_scratch, std::string* problem) {
  body_scratch.clear();
  if (!request.body.render(context, body_scratch, problem)) return false;
  out += request.method;
  out += ' ';
  out += plan.base_path;
  if (!request.path.render(context, out, problem)) return false;
  out += " HTTP/1.1\r\nHost: ";
  out += plan.host_header;
  out += "\r\nUser-Agent: regenctl-bench/";
  out += kVersion;
  out += "\r\n";
  for (const auto& [name, value] : request.headers) {
    out += name;
    out += ": ";
    if (!value.render(context, out, problem)) return false;
    out += "\r\n";
  }
  if (!body_scratch.empty() || method_sends_body(request.method)) {
    out += "Content-Length: ";
    out += std::to_string(body_scratch.size());
    out += "\r\n";
  }
  out += "\r\n";
  out += body_scratch;
  return true;
}

Result<RunPlan> make_run_plan(const Scenario& scenario, const Target& endpoint) {
  RunPlan plan;
  plan.scenario = &scenario;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  const int status = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found);
  if (status != 0 || found == nullptr) {
    return Error(ErrorCode::kUnavailable,
                 "cannot resolve host '" + endpoint.host + "': " + ::gai_strerror(status));
  }
  std::memcpy(&plan.address, found->ai_addr, found->ai_addrlen);
  plan.address_length = found->ai_addrlen;
  ::freeaddrinfo(found);
  const bool ipv6_literal = endpoint.host.find(':') != std::string::npos;
  plan.host_header = (ipv6_literal ? "[" + endpoint.host + "]" : endpoint.host) +
                     (endpoint.port == 80 ? "" : ":" + port);
  plan.base_path = endpoint.base_path;
  std::size_t check_index = 0;
  for (const RequestSpec& spec : scenario.requests) {
    PreparedRequest prepared;
    prepared.spec = &spec;
    prepared.keep_body = spec.needs_body();
    prepared.head = spec.method == "HEAD";
    prepared.first_check = check_index;
    check_index += spec.checks.size();
    if (!has_variables(spec)) {
      std::string scratch;
      std::string problem;
      // Constant templates always render.
      (void)render_request(plan, spec, RenderContext{}, prepared.static_bytes, scratch, &problem);
    }
    plan.requests.push_back(std::move(prepared));
  }
  plan.check_count = check_index;
  return plan;
}

}  // namespace regen::ctl::bench
