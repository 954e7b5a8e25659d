#include "lib/ramdisk/docker_init_layer.h"

#include <memory>
#include <string>

namespace eifkit {

namespace {

std::shared_ptr<Inode> root_owned(TarEntry::Type type, int64_t mtime) {
  auto inode = std::make_shared<Inode>();
  inode->type = type;
  inode->mode = 0755;
  inode->mtime = mtime;
  return inode;
}

// A directory of the layer: merged with the image's directory (the layer's attributes win),
// or replacing a non-directory there, as overlayfs shows an upper directory.
FsNode& layer_dir(FsNode& parent, const std::string& name, int64_t mtime) {
  auto it = parent.children.find(name);
  if (it != parent.children.end() && it->second->is_dir()) {
    it->second->inode = root_owned(TarEntry::Type::kDirectory, mtime);
    return *it->second;
  }
  auto node = std::make_unique<FsNode>();
  node->inode = root_owned(TarEntry::Type::kDirectory, mtime);
  return *parent.children.insert_or_assign(name, std::move(node)).first->second;
}

void layer_entry(FsNode& parent, const std::string& name, std::shared_ptr<Inode> inode) {
  auto node = std::make_unique<FsNode>();
  node->inode = std::move(inode);
  parent.children.insert_or_assign(name, std::move(node));
}

}  // namespace

void apply_docker_init_layer(FsNode& root, int64_t mtime) {
  FsNode& dev = layer_dir(root, "dev", mtime);
  layer_dir(dev, "pts", mtime);
  layer_dir(dev, "shm", mtime);
  layer_dir(root, "proc", mtime);
  layer_dir(root, "sys", mtime);
  FsNode& etc = layer_dir(root, "etc", mtime);
  layer_entry(root, ".dockerenv", root_owned(TarEntry::Type::kFile, mtime));
  for (const char* name : {"hostname", "hosts", "resolv.conf"}) {
    layer_entry(etc, name, root_owned(TarEntry::Type::kFile, mtime));
  }
  layer_entry(dev, "console", root_owned(TarEntry::Type::kFile, mtime));
  auto mtab = root_owned(TarEntry::Type::kSymlink, mtime);
  mtab->mode = 0777;
  mtab->link_target = "/proc/mounts";
  layer_entry(etc, "mtab", std::move(mtab));
}

}  // namespace eifkit
