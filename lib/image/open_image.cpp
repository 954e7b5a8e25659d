// Telling the inputs apart by what the path is: a directory is an OCI layout; a file is a tar
// holding either a docker save archive (manifest.json, preferred, since Docker 25+ writes an
// OCI layout beside it) or an OCI layout (index.json).
#include <sys/stat.h>

#include <cerrno>

#include "lib/base/error.h"
#include "lib/image/archive_members.h"
#include "lib/image/directory_files.h"
#include "lib/image/docker_archive.h"
#include "lib/image/image_source.h"
#include "lib/image/oci_layout.h"

namespace eifkit {
namespace {

struct PathAndTag {
  std::string path;
  std::optional<std::string> tag;
  bool directory = false;
};

// "layout:1.0", "app.tar:app:1.0", "app.tar:docker.io/library/app:1.0": the tag is split off
// only when the whole path does not exist, at the last ':' that leaves an existing path (a
// reference can hold both ':' and '/').
// nullopt (errno from the whole text's stat) when no such path exists.
std::optional<PathAndTag> find_path_and_tag(const std::string& text) {
  struct stat st;
  if (::stat(text.c_str(), &st) == 0) return PathAndTag{text, std::nullopt, S_ISDIR(st.st_mode)};
  int err = errno;
  for (size_t colon = text.rfind(':'); colon != std::string::npos && colon > 0;
       colon = text.rfind(':', colon - 1)) {
    std::string path = text.substr(0, colon);
    if (::stat(path.c_str(), &st) == 0) {
      return PathAndTag{path, text.substr(colon + 1), S_ISDIR(st.st_mode)};
    }
  }
  errno = err;
  return std::nullopt;
}

PathAndTag split_tag(const std::string& text) {
  std::optional<PathAndTag> found = find_path_and_tag(text);
  if (!found) fail_errno(text, "cannot open");
  if (found->tag && found->tag->empty()) fail(text, "empty tag after ':'");
  return *found;
}

}  // namespace

std::string image_file_path(const std::string& image_arg) {
  return split_tag(image_arg).path;
}

bool image_file_exists(const std::string& image_arg) {
  return find_path_and_tag(image_arg).has_value();
}

std::unique_ptr<ImageSource> open_image(const std::string& path,
                                        const std::optional<Platform>& wanted,
                                        const Platform& fallback) {
  PathAndTag where = split_tag(path);
  std::unique_ptr<ImageFiles> files;
  if (where.directory) {
    files = open_directory_files(where.path);
  } else {
    files = std::make_unique<ArchiveMembers>(where.path);
  }
  ResolvedImage image;
  if (files->size("manifest.json")) {
    image = resolve_docker_archive(*files, where.tag, wanted, fallback);
  } else if (files->size("index.json")) {
    image = resolve_oci_layout(*files, where.tag, wanted, fallback);
  } else if (where.directory) {
    fail(where.path, "not an OCI image layout: no index.json");
  } else {
    fail(where.path, "not a docker save archive or OCI archive: no manifest.json or index.json");
  }
  return make_stored_image(std::move(files), std::move(image));
}

}  // namespace eifkit
