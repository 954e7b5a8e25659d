# What `cmake --install` puts under the prefix beside bin/eifkit and lib/eifkit/init*
# (init/init.cmake), and the Debian package of the same tree (`make deb`: CPack's DEB
# generator, for Debian 12).
#
# The installed eifkit finds its init in BINDIR/../lib/eifkit, so an installed tree works at
# any prefix and when moved; a copy of the binary alone finds it in the configured prefix's
# lib/eifkit (lib/ramdisk/installed_init.cpp). The .deb installs under /usr, so CPack refuses
# a build configured with another prefix (packaging/cpack_checks.cmake).

# Man pages gzipped as Debian wants them (gzip -9n: no name, no time stamp, so the same bytes
# every build); man(1) reads them at any prefix.
file(GLOB MAN_PAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.1)
set(man_gz)
foreach(page IN LISTS MAN_PAGES)
  get_filename_component(name ${page} NAME)
  set(gz ${CMAKE_BINARY_DIR}/man/${name}.gz)
  add_custom_command(
    OUTPUT ${gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND sh -c "gzip -9n < \"$0\" > \"$1\"" ${page} ${gz}
    DEPENDS ${page}
    VERBATIM)
  list(APPEND man_gz ${gz})
endforeach()
add_custom_target(eifkit_man ALL DEPENDS ${man_gz})
install(FILES ${man_gz} DESTINATION share/man/man1)

# The bash completion, made from the built eifkit's --help so it cannot drift from it.
set(completion ${CMAKE_BINARY_DIR}/completion/eifkit)
add_custom_command(
  OUTPUT ${completion}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/completion
  COMMAND ${CMAKE_SOURCE_DIR}/packaging/make_completion.sh $<TARGET_FILE:eifkit> ${completion}
  DEPENDS eifkit ${CMAKE_SOURCE_DIR}/packaging/make_completion.sh
  VERBATIM)
add_custom_target(eifkit_completion ALL DEPENDS ${completion})
install(FILES ${completion} DESTINATION share/bash-completion/completions)

# Debian's changelog: one entry for this version, dated the day of the configure, or of
# SOURCE_DATE_EPOCH when set (a reproducible build pins it).
string(TIMESTAMP changelog_date "%a, %d %b %Y 00:00:00 +0000" UTC)
set(EIFKIT_DEB_MAINTAINER "eifkit maintainers <eifkit@example.org>"
    CACHE STRING "Maintainer field of the .deb and its changelog")
configure_file(${CMAKE_SOURCE_DIR}/packaging/changelog.in ${CMAKE_BINARY_DIR}/doc/changelog @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/doc/changelog.gz
  COMMAND sh -c "gzip -9n < \"$0\" > \"$1\"" ${CMAKE_BINARY_DIR}/doc/changelog
          ${CMAKE_BINARY_DIR}/doc/changelog.gz
  DEPENDS ${CMAKE_BINARY_DIR}/doc/changelog
  VERBATIM)
add_custom_target(eifkit_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/doc/changelog.gz)

install(FILES README.md LICENSE packaging/copyright ${CMAKE_BINARY_DIR}/doc/changelog.gz
        DESTINATION share/doc/eifkit)
# For the .deb only (component deb, which `cmake --install` leaves out): lintian's overrides,
# each with its reason.
install(FILES packaging/lintian-overrides DESTINATION share/lintian/overrides RENAME eifkit
        COMPONENT deb EXCLUDE_FROM_ALL)

# cpack runs the preinstall target, which by default first builds everything, test suite
# included; the packages come from what is built (make deb builds what they hold).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_GENERATOR DEB)
# One package of the installed files and the deb component.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified deb)
set(CPACK_PACKAGE_NAME eifkit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${EIFKIT_DEB_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The binary's compiled-in prefix must be the package's (packaging/cpack_checks.cmake).
set(CPACK_EIFKIT_CONFIGURED_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_SOURCE_DIR}/packaging/cpack_checks.cmake)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: what dpkg-shlibdeps reads from the binary's shared libraries (libssl3,
# libarchive13, libp11-3, ...); the inits are static.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# QEMU only for `eifkit run`; which kernel to build with is the user's choice.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qemu-system-x86, qemu-system-arm, linux-image-cloud-amd64")
# control and md5sums 0644, as dpkg-deb would make them.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "build and measure AWS Nitro Enclave Image Files")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "eifkit turns a container image (a docker save archive, an OCI layout or
archive, or a root filesystem tar) into an Enclave Image File (EIF) for AWS
Nitro Enclaves or Huawei QingTian without a Docker daemon, computes its PCR
measurements, signs it, and writes the key policies that name them. It also
describes, verifies, extracts, compares and boots existing images, and checks
attestation documents.

The package includes eifkit's own enclave init for x86_64 and aarch64 images,
built reproducibly.")
include(CPack)
