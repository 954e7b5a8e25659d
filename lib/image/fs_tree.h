// The flattened root filesystem of an image: directories own their children by name (sorted
// bytewise, so walking the tree gives the canonical order); every name points at an inode,
// and hard links share one. File contents live in a spool file, not in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/image/tar_reader.h"

namespace eifkit {

struct Inode {
  TarEntry::Type type = TarEntry::Type::kDirectory;  // never kHardlink
  uint32_t mode = 0755;                              // permission bits (07777)
  uint32_t uid = 0, gid = 0;
  int64_t mtime = 0;
  uint64_t size = 0;          // regular files
  uint64_t spool_offset = 0;  // where a regular file's bytes start in the spool
  std::string link_target;    // symlinks
  uint32_t rdev_major = 0, rdev_minor = 0;
};

struct FsNode {
  std::shared_ptr<Inode> inode;
  size_t layer = 0;  // the layer that last wrote this name (whiteouts hide lower layers only)
  // A directory that layer `layer` did not list but needed as a parent, flattened as Docker
  // does it (FlattenOptions::docker_parents): its attributes were made up at load time.
  bool implicit_parent = false;
  std::map<std::string, std::unique_ptr<FsNode>> children;  // directories only

  FsNode() = default;
  FsNode(const FsNode&) = delete;
  FsNode& operator=(const FsNode&) = delete;
  // Frees the subtree with a worklist: the depth comes from the image.
  ~FsNode();

  bool is_dir() const { return inode->type == TarEntry::Type::kDirectory; }
};

// Calls visit(path, node) for every node under `dir` in canonical order (a directory before
// its children, names bytewise), path being prefix + "/" + the names. Iterative: the depth
// comes from the image.
void walk_tree(const FsNode& dir, const std::string& prefix,
               const std::function<void(const std::string& path, const FsNode& node)>& visit);

// Looks a path up inside the tree, following symlinks within the tree (never on the host),
// as the enclave's kernel would. Returns nullptr when it does not resolve.
const FsNode* resolve_in_tree(const FsNode& root, const std::string& absolute_path);

}  // namespace eifkit
