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

}  // namespace regen::admin
