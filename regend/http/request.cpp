#include "regend/http/request.h"

namespace regen::http {

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

Responder::~Responder() {
  if (completion_ != nullptr) completion_->abandon();
}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (completion_ != nullptr) completion_->abandon();
    completion_ = std::move(other.completion_);
  }
  return *this;
}

void Responder::send(Response response) {
  if (completion_ == nullptr) return;  // sent already: a second send is a handler bug, ignored
  auto completion = std::move(completion_);
  completion->complete(std::move(response));
}

}  // namespace regen::http
