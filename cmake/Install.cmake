# `make install` / `cmake --install BUILD`: the binaries, the systemd units, the sysusers and
# tmpfiles snippets, the configuration file, the SQL migrations (for reference: regend applies
# the copies compiled into it), the load-test scenarios and the docs, in the places a systemd
# host looks for them (docs/OPERATIONS.md). Honours DESTDIR and CMAKE_INSTALL_PREFIX.
#
#   prefix /usr/local (default)     prefix /usr (a distribution package)
#   /usr/local/bin/regend, regenctl /usr/bin/...
#   /usr/local/lib/systemd/system/  /usr/lib/systemd/system/   regend.service, regend.socket
#   /usr/local/lib/sysusers.d/      /usr/lib/sysusers.d/       regend.conf
#   /usr/local/lib/tmpfiles.d/      /usr/lib/tmpfiles.d/       regend.conf
#   /etc/regend/regend.toml         /etc/regend/regend.toml    (never overwritten)
#   /usr/local/share/regen/         /usr/share/regen/          migrations/, load-tests/
#   /usr/local/share/doc/regen/     /usr/share/doc/regen/      *.md
#
# The configuration always goes to /etc/regend, whatever the prefix: that is where the unit
# (ConfigurationDirectory=regend) and the docs expect it.

install(TARGETS regend regenctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The units in systemd/ name /usr/local/bin; the installed copies name the bindir of the prefix
# given at install time (`cmake --install BUILD --prefix /usr` works too).
set(REGEN_UNIT_SOURCE_DIR "${PROJECT_SOURCE_DIR}/systemd")
string(CONFIGURE [[
  foreach(unit regend.service regend.socket)
    file(READ "@REGEN_UNIT_SOURCE_DIR@/${unit}" unit_text)
    string(REPLACE "/usr/local/bin/" "${CMAKE_INSTALL_PREFIX}/@CMAKE_INSTALL_BINDIR@/"
           unit_text "${unit_text}")
    set(unit_path "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/lib/systemd/system/${unit}")
    message(STATUS "Installing: ${unit_path}")
    file(WRITE "${unit_path}" "${unit_text}")
  endforeach()
]] regen_install_units @ONLY)
install(CODE "${regen_install_units}")
install(FILES systemd/regend.sysusers DESTINATION lib/sysusers.d RENAME regend.conf)
install(FILES systemd/regend.tmpfiles DESTINATION lib/tmpfiles.d RENAME regend.conf)

# An edited configuration survives a reinstall or an upgrade: the new default goes beside it as
# regend.toml.dist instead.
# Installed 0644 inside /etc/regend, which regend.tmpfiles makes 0750 root:regend: only root and
# the service's group can read it (it may hold webhook secrets and database passwords).
set(REGEN_CONFIG_SOURCE "${PROJECT_SOURCE_DIR}/conf/regend.toml")
string(CONFIGURE [[
  set(config_dir "$ENV{DESTDIR}/etc/regend")
  file(MAKE_DIRECTORY "${config_dir}")
  if(EXISTS "${config_dir}/regend.toml")
    message(STATUS "Keeping: ${config_dir}/regend.toml (new default: regend.toml.dist)")
    file(COPY_FILE "@REGEN_CONFIG_SOURCE@" "${config_dir}/regend.toml.dist")
  else()
    message(STATUS "Installing: ${config_dir}/regend.toml")
    file(COPY_FILE "@REGEN_CONFIG_SOURCE@" "${config_dir}/regend.toml")
  endif()
]] regen_install_config @ONLY)
install(CODE "${regen_install_config}")

install(DIRECTORY migrations/sqlite migrations/postgres
        DESTINATION ${CMAKE_INSTALL_DATADIR}/regen/migrations)
install(DIRECTORY load-tests/ DESTINATION ${CMAKE_INSTALL_DATADIR}/regen/load-tests
        FILES_MATCHING PATTERN "*.toml" PATTERN "*.md")
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
