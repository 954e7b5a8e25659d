#include "lib/ramdisk/app_ramdisk.h"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "formats/cpio_newc.h"
#include "lib/base/error.h"
#include "lib/base/file_range.h"
#include "lib/cpio/cpio_writer.h"
#include "lib/ramdisk/inode_entry.h"

namespace eifkit {

namespace {

struct LinkGroup {
  uint32_t names = 0;    // how many names the inode has in the tree
  uint32_t written = 0;  // how many of them are in the archive so far
  uint32_t ino = 0;
};

// newc stores a 32-bit mtime; times outside it are clamped so the build stays deterministic.
uint32_t newc_mtime(int64_t t) {
  return static_cast<uint32_t>(std::clamp<int64_t>(t, 0, std::numeric_limits<uint32_t>::max()));
}

CpioMeta meta_of(const Inode& inode) {
  CpioMeta m;
  m.perm = inode.mode & 07777;
  m.uid = inode.uid;
  m.gid = inode.gid;
  m.mtime = newc_mtime(inode.mtime);
  return m;
}

void count_links(const FsNode& root, std::unordered_map<const Inode*, LinkGroup>& groups) {
  walk_tree(root, "", [&](const std::string&, const FsNode& node) {
    if (node.inode->type == TarEntry::Type::kFile) ++groups[node.inode.get()].names;
  });
}

class Writer {
 public:
  Writer(ByteSink& out, FlattenedImage& image) : cpio_(out), image_(image) {
    count_links(*image.root, groups_);
  }

  void tree(const FsNode& dir, const std::string& prefix) {
    walk_tree(dir, prefix, [&](const std::string& path, const FsNode& node) { entry(path, node); });
  }

  void entry(const std::string& path, const FsNode& node) {
    const Inode& inode = *node.inode;
    CpioMeta meta = meta_of(inode);
    if (inode.type == TarEntry::Type::kFile) {
      file(path, inode, meta);
    } else {
      write_non_file_entry(cpio_, path, inode, meta);
    }
  }

  void file(const std::string& path, const Inode& inode, CpioMeta meta) {
    LinkGroup& group = groups_[&inode];
    uint64_t size = inode.size;
    if (group.names > 1) {
      if (group.written == 0) group.ino = cpio_.reserve_ino();
      meta.ino = group.ino;
      meta.nlink = group.names;
      if (++group.written < group.names) size = 0;  // the data travels with the last name
    }
    if (size >= (uint64_t{1} << 32)) {
      throw Error("rootfs" + path.substr(6) + ": file is " + std::to_string(size) +
                  " bytes; a cpio newc ramdisk holds files under 4 GiB");
    }
    FileRange data(image_.spool->file(), inode.spool_offset, size);
    cpio_.add_file(path, meta, size, data);
  }

  CpioWriter& cpio() { return cpio_; }

 private:
  CpioWriter cpio_;
  FlattenedImage& image_;
  std::unordered_map<const Inode*, LinkGroup> groups_;
};

}  // namespace

void add_required_dirs(FsNode& root) {
  for (const char* name : {"dev", "proc", "run", "sys", "tmp", "var"}) {
    if (root.children.count(name)) continue;
    auto node = std::make_unique<FsNode>();
    node->inode = std::make_shared<Inode>();  // directory, 0755, root, mtime 0
    root.children.emplace(name, std::move(node));
  }
}

void write_app_ramdisk(ByteSink& out, FlattenedImage& image, const EnclaveCommand& command) {
  add_required_dirs(*image.root);
  Writer w(out, image);
  w.cpio().add_directory("rootfs", meta_of(*image.root->inode));
  w.tree(*image.root, "rootfs");
  CpioMeta file_meta;
  file_meta.perm = 0644;
  std::string cmd = lines_file(command.argv), env = lines_file(command.env);
  w.cpio().add_file("cmd", file_meta,
                    std::span(reinterpret_cast<const uint8_t*>(cmd.data()), cmd.size()));
  w.cpio().add_file("env", file_meta,
                    std::span(reinterpret_cast<const uint8_t*>(env.data()), env.size()));
  for (auto [name, value] : {std::pair{"user", &command.user}, {"workdir", &command.workdir}}) {
    if (value->empty()) continue;
    std::string line = *value + "\n";
    w.cpio().add_file(name, file_meta,
                      std::span(reinterpret_cast<const uint8_t*>(line.data()), line.size()));
  }
  w.cpio().finish();
}

uint64_t app_ramdisk_size_estimate(const FlattenedImage& image) {
  uint64_t bytes = 0;
  std::unordered_set<const Inode*> files;  // a hard-link group's data is written once
  walk_tree(*image.root, "rootfs", [&](const std::string& path, const FsNode& node) {
    bytes += kCpioHeaderSize + path.size() + 1 + 3;
    const Inode& inode = *node.inode;
    if (inode.type == TarEntry::Type::kSymlink) bytes += inode.link_target.size() + 3;
    if (inode.type == TarEntry::Type::kFile && files.insert(&inode).second) bytes += inode.size + 3;
  });
  return bytes;
}

SectionProducer app_ramdisk_section(FlattenedImage& image, EnclaveCommand command) {
  return [&image, command = std::move(command)](ByteSink& sink) {
    write_app_ramdisk(sink, image, command);
  };
}

}  // namespace eifkit
