#pragma once
// The admin console's commands, listed in one table with their help text (the pgbouncer /
// redis habit): `help` prints the table, dispatch looks commands up in it.

#include <boost/json/object.hpp>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/admin_protocol.h"

namespace regen::admin {

// Delivers a command's response; may be called later (drain waits) but exactly once.
using Reply = std::function<void(Response)>;

struct Command {
  std::string name;
  std::string summary;    // one line for `help`
  std::string args_help;  // "timeout_ms: integer, optional" or "" when it takes none
  std::function<void(const boost::json::object& args, Reply reply)> run;
};

// "unknown argument \"x\"" for the first argument not in `allowed`: a typo must not be
// silently ignored. nullopt when every argument is known.
std::optional<std::string> unknown_argument(const boost::json::object& args,
                                            std::initializer_list<std::string_view> allowed);

class CommandRegistry {
 public:
  // Start-up only. Aborts on a duplicate name (a programming error).
  void add(Command command);

  // Runs the named command, or replies unknown_command naming the available ones.
  void dispatch(const Request& request, Reply reply) const;

  const std::vector<Command>& commands() const { return commands_; }

 private:
  std::vector<Command> commands_;
};

}  // namespace regen::admin
