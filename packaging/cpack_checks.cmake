# Run by cpack before it packages (CPACK_PROJECT_CONFIG_FILE, cmake/package.cmake). eifkit has
# its configured prefix compiled in (lib/ramdisk/installed_init.cpp), for a copy of the binary
# outside its tree; a package that installs elsewhere would name a path it does not have.
if(NOT CPACK_EIFKIT_CONFIGURED_PREFIX STREQUAL CPACK_PACKAGING_INSTALL_PREFIX)
  message(FATAL_ERROR
          "this build is configured with CMAKE_INSTALL_PREFIX=${CPACK_EIFKIT_CONFIGURED_PREFIX}, "
          "but the package installs under ${CPACK_PACKAGING_INSTALL_PREFIX}: configure it with "
          "-DCMAKE_INSTALL_PREFIX=${CPACK_PACKAGING_INSTALL_PREFIX} (make deb does)")
endif()
