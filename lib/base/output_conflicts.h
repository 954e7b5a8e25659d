// Refusing, before any work, an output that would overwrite one of the command's inputs or
// another of its outputs. Files are compared by identity (device and inode), so `./a.eif`,
// a hard link or a symlink to an input is caught as well as the same string.
#pragma once

#include <string>
#include <vector>

namespace eifkit {

struct NamedPath {
  std::string flag;  // as the user wrote it: "--output", "--image", "the EIF"
  std::string path;
};

// Error "OUTFLAG PATH: is also INFLAG (the same file); refusing to overwrite it" for the first
// conflict found. Inputs that do not exist are ignored (their own check reports them).
void refuse_output_conflicts(const std::vector<NamedPath>& inputs,
                             const std::vector<NamedPath>& outputs);

// Whether two paths name the same file (or would, once created).
bool same_file(const std::string& a, const std::string& b);

}  // namespace eifkit
