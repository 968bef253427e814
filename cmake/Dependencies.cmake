# Every dependency comes from Debian 12's packages (scripts/install-deps.sh installs them).
# Boost 1.81 (not the 1.74 default) is required for Beast's C++20 coroutine support and
# Boost.JSON / Boost.URL.
find_package(Boost 1.81.0 EXACT REQUIRED COMPONENTS json url CONFIG)
find_package(Threads REQUIRED)
find_package(spdlog REQUIRED)
find_package(toml11 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(SQLiteCpp REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)

# Header-only Asio/Beast are compiled in a few translation units only; this definition keeps
# their separate-compilation-free defaults and silences deprecated APIs we do not use.
add_library(regen_asio INTERFACE)
target_link_libraries(regen_asio INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(regen_asio INTERFACE BOOST_ASIO_NO_DEPRECATED)
