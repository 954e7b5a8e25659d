#include "lib/base/output_conflicts.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <optional>

#include "lib/base/error.h"

namespace eifkit {

namespace {

// What a path names: an existing file's device and inode, else the absolute path it would be
// created at (its directory resolved), so two outputs not yet written still compare.
struct Identity {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string would_be;
  bool operator==(const Identity& o) const {
    if (exists != o.exists) return false;
    return exists ? dev == o.dev && ino == o.ino : would_be == o.would_be;
  }
};

Identity identity_of(const std::string& path) {
  Identity id;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    return id;
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  char resolved[PATH_MAX];
  id.would_be = ::realpath(dir.c_str(), resolved) ? std::string(resolved) + "/" + base : path;
  return id;
}

[[noreturn]] void conflict(const NamedPath& output, const NamedPath& other) {
  fail(output.flag + " " + output.path,
       "is also " + other.flag + " (the same file); refusing to overwrite it");
}

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  return identity_of(a) == identity_of(b);
}

void refuse_output_conflicts(const std::vector<NamedPath>& inputs,
                             const std::vector<NamedPath>& outputs) {
  std::vector<Identity> output_ids;
  for (const NamedPath& out : outputs) output_ids.push_back(identity_of(out.path));
  for (size_t i = 0; i < outputs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (output_ids[i] == output_ids[j]) conflict(outputs[i], outputs[j]);
    }
    if (!output_ids[i].exists) continue;
    for (const NamedPath& in : inputs) {
      Identity id = identity_of(in.path);
      if (id.exists && id == output_ids[i]) conflict(outputs[i], in);
    }
  }
}

}  // namespace eifkit
