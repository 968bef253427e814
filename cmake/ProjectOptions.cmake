# Warnings and sanitizers apply to our targets only (never to the Debian headers we include),
# through this interface library that every project target links.
add_library(regen_options INTERFACE)
target_compile_options(regen_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(REGEN_WERROR)
  target_compile_options(regen_options INTERFACE -Werror)
endif()
if(REGEN_SANITIZE)
  target_compile_options(regen_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined)
  target_link_options(regen_options INTERFACE -fsanitize=address,undefined)
endif()
# Includes are rooted at the repository: #include "regend/http/server.h".
target_include_directories(regen_options INTERFACE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
