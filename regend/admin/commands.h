#pragma once

#include "regend/admin/command_registry.h"
#include "regend/admin/daemon_control.h"

namespace regen::admin {

// Registers status, drain, reload and help. `control` must outlive the registry.
void register_commands(CommandRegistry& registry, DaemonControl& control);

}  // namespace regen::admin
