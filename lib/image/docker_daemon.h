// An image that only a Docker daemon holds, read as `docker save REF` writes it. The archive
// names its layers in manifest.json, which Docker writes last, so the stream goes into an
// anonymous temporary file (unlinked from the start: nothing is left behind, even on a
// crash) before the layers are read from it.
#pragma once

#include <string>

#include "lib/base/spool_file.h"

namespace eifkit {

struct SavedImage {
  SpoolFile file;
  // Where the archive can be opened by name while `file` is open (/proc/self/fd/N).
  std::string path;
};

// Runs the `docker` found in PATH. An Error carries docker's own first line of complaint
// ("No such image", "Cannot connect to the Docker daemon"), or says docker is not installed.
SavedImage docker_save(const std::string& ref);

}  // namespace eifkit
