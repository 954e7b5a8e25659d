/* Links one subsystem library alone (lib/CMakeLists.txt). */
