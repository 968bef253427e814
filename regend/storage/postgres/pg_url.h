#pragma once
// Connection strings as they may be shown: in logs, `regenctl status`, error messages.

#include <string>
#include <string_view>

namespace regen::storage {

// The connection URI or key=value conninfo with every password replaced by "***":
// "postgres://regen:s3cret@db:5432/regen" -> "postgres://regen:***@db:5432/regen"; also the
// `password` query parameter and the `password=` keyword. Everything else is unchanged.
std::string mask_password(std::string_view url);

}  // namespace regen::storage
