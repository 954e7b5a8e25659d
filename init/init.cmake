# eifkit's own /init, built reproducibly: its bytes are measured into PCR1 of every image that
# uses it, so they must depend on the source and the toolchain only, never on
# CMAKE_BUILD_TYPE, CMAKE_C_FLAGS or the build directory. It is therefore compiled by a custom
# command with the fixed flags below, outside CMake's per-configuration flags. init.sha384 holds
# the SHA-384s that Debian 12's toolchain gives (tests/init/init_reproducible.sh checks them).
#
# x86_64: musl (musl-tools), a small static binary with few moving parts.
# aarch64: Debian ships no musl cross compiler, so glibc static from gcc-aarch64-linux-gnu.
set(EIFKIT_INIT_FLAGS -std=c11 -Os -static -s -Wall -Wextra -Werror
    -ffile-prefix-map=${CMAKE_SOURCE_DIR}=. -Wl,--build-id=none -Iinit)
set(EIFKIT_INIT_SOURCES init/init.c init/init_config.c)
set(init_depends ${CMAKE_SOURCE_DIR}/init/init.c ${CMAKE_SOURCE_DIR}/init/init_config.c
    ${CMAKE_SOURCE_DIR}/init/init_config.h)

find_program(EIFKIT_MUSL_GCC musl-gcc)
if(NOT EIFKIT_MUSL_GCC)
  message(FATAL_ERROR "eifkit's init is built with musl-gcc: install musl-tools (make deps)")
endif()
find_program(EIFKIT_AARCH64_GCC aarch64-linux-gnu-gcc)

# eifkit_static_init(TARGET OUTPUT COMPILER): OUTPUT in the build directory's top.
function(eifkit_static_init target output compiler)
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/${output}
    COMMAND ${compiler} ${EIFKIT_INIT_FLAGS} ${EIFKIT_INIT_SOURCES} -o ${CMAKE_BINARY_DIR}/${output}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    DEPENDS ${init_depends}
    COMMENT "Building the reproducible init ${output}"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS ${CMAKE_BINARY_DIR}/${output})
endfunction()

# Targets are named apart from their outputs: make treats a target and a file of one name in
# one directory as a circular dependency.
eifkit_static_init(eifkit_init_x86_64 eifkit-init ${EIFKIT_MUSL_GCC})
install(PROGRAMS ${CMAKE_BINARY_DIR}/eifkit-init DESTINATION lib/eifkit RENAME init)
if(EIFKIT_AARCH64_GCC)
  eifkit_static_init(eifkit_init_aarch64 eifkit-init-aarch64 ${EIFKIT_AARCH64_GCC})
  install(PROGRAMS ${CMAKE_BINARY_DIR}/eifkit-init-aarch64 DESTINATION lib/eifkit
          RENAME init-aarch64)
else()
  message(STATUS "aarch64-linux-gnu-gcc not found: no init for arm64 images "
                 "(install gcc-aarch64-linux-gnu)")
  add_custom_target(eifkit_init_aarch64)
endif()

# What init.sha384 records is compiled into eifkit: lib/ramdisk/bundled_init refuses an init
# found at build time whose bytes are not these, since another init gives another PCR1.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/init/init.sha384)
file(STRINGS ${CMAKE_SOURCE_DIR}/init/init.sha384 init_recorded REGEX "^[a-z0-9_]+ [0-9a-f]+ ")
foreach(line IN LISTS init_recorded)
  string(REGEX MATCH "^([a-z0-9_]+) ([0-9a-f]+) " matched "${line}")
  string(TOUPPER "${CMAKE_MATCH_1}" init_arch)
  target_compile_definitions(eifkit_ramdisk PRIVATE
                             EIFKIT_INIT_SHA384_${init_arch}="${CMAKE_MATCH_2}")
endforeach()
