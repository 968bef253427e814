#include "regend/admin/command_registry.h"

#include <cstdio>
#include <cstdlib>

namespace regen::admin {

void CommandRegistry::add(Command command) {
  for (const Command& known : commands_) {
    if (known.name == command.name) {
      std::fprintf(stderr, "admin: duplicate command %s\n", command.name.c_str());
      std::abort();
    }
  }
  commands_.push_back(std::move(command));
}

void CommandRegistry::dispatch(const Request& request, Reply reply) const {
  for (const Command& command : commands_) {
    if (command.name == request.cmd) {
      command.run(request.args, std::move(reply));
      return;
    }
  }
  std::string names;
  for (const Command& command : commands_) {
    if (!names.empty()) names += ", ";
    names += command.name;
  }
  reply(Response::failure(kErrUnknownCommand,
                          "unknown command \"" + request.cmd + "\"; commands: " + names));
}

std::optional<std::string> unknown_argument(const boost::json::object& args,
                                            std::initializer_list<std::string_view> allowed) {
  for (const auto& entry : args) {
    bool known = false;
    for (std::string_view name : allowed) known = known || entry.key() == name;
    if (!known) return "unknown argument \"" + std::string(entry.key()) + "\"";
  }
  return std::nullopt;
}

}  // namespace regen::admin
