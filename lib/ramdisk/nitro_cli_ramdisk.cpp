#include "lib/ramdisk/nitro_cli_ramdisk.h"

#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "formats/tar_path.h"
#include "lib/base/error.h"
#include "lib/base/file_range.h"
#include "lib/cpio/cpio_writer.h"
#include "lib/ramdisk/bootstrap_ramdisk.h"
#include "lib/ramdisk/inode_entry.h"

namespace eifkit {

const std::string_view kLinuxkitHosts =
    "127.0.0.1       localhost\n"
    "::1     localhost ip6-localhost ip6-loopback\n"
    "fe00::0 ip6-localnet\n"
    "ff00::0 ip6-mcastprefix\n"
    "ff02::1 ip6-allnodes\n"
    "ff02::2 ip6-allrouters\n";

namespace {

// linuxkit's default time (2017-04-18T16:30:00Z), the bootstrap ramdisk's too.
constexpr uint32_t kDefaultTime = kBootstrapMtime;
constexpr std::string_view kResolvConfTarget = "/run/resolvconf/resolv.conf";

// What linuxkit does with one name of the export (names as `docker export` writes them,
// relative to the root, directories ending in "/").
enum class Edit { kKeep, kDrop, kTouch, kHosts, kResolvConf };

Edit edit_for(std::string_view name) {
  static const std::unordered_set<std::string_view> kDropped = {
      ".dockerenv", "Dockerfile", "dev/console", "dev/pts", "dev/shm", "etc/hostname"};
  static const std::unordered_set<std::string_view> kTouched = {
      "dev/", "dev/pts/", "dev/shm/", "etc/", "etc/mtab", "proc/", "sys/"};
  if (kDropped.count(name)) return Edit::kDrop;
  if (name == "etc/hosts") return Edit::kHosts;
  if (name == "etc/resolv.conf") return Edit::kResolvConf;
  if (kTouched.count(name)) return Edit::kTouch;
  return Edit::kKeep;
}

// The export's name for a node at `path` ("/a/b" from walk_tree).
std::string export_name(const std::string& path, const FsNode& node) {
  std::string name = path.substr(1);
  if (node.is_dir()) name += '/';
  return name;
}

bool is_hard_linked(const FsNode& node) {
  return !node.is_dir() && node.inode.use_count() > 1;
}

// `target` as seen from the directory holding `link`, both relative to the same root (names
// of the flattened tree, already clean).
std::string relative_target(std::string_view link, std::string_view target) {
  std::vector<std::string> from = *clean_tar_path(link), to = *clean_tar_path(target);
  from.pop_back();  // the link's directory
  size_t common = 0;
  while (common < from.size() && common < to.size() && from[common] == to[common]) ++common;
  std::vector<std::string> up(from.size() - common, "..");
  up.insert(up.end(), to.begin() + static_cast<long>(common), to.end());
  return up.empty() ? "." : join_path(up);
}

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class Exporter {
 public:
  Exporter(ByteSink& out, const FlattenedImage& image) : cpio_(out), image_(image) {}

  void entry(const std::string& path, const FsNode& node) {
    const Inode& inode = *node.inode;
    const std::string name = export_name(path, node);
    const Edit edit = edit_for(name);
    // Docker's export writes a later name of an inode as a hard link to its first name (the
    // first one stays first even when linuxkit drops it); linuxkit turns it into a symlink.
    if (is_hard_linked(node)) {
      auto [first, inserted] = first_names_.try_emplace(&inode, name);
      if (!inserted) {
        if (edit != Edit::kDrop) {
          cpio_.add_symlink("rootfs/" + name, relative_target(name, first->second), meta(inode));
        }
        return;
      }
    }
    CpioMeta m = meta(inode);
    switch (edit) {
      case Edit::kDrop:
        return;
      case Edit::kHosts:
        m.mtime = kDefaultTime;
        cpio_.add_file("rootfs/" + name, m, bytes_of(kLinuxkitHosts));
        return;
      case Edit::kResolvConf:
        m.mtime = kDefaultTime;
        cpio_.add_symlink("rootfs/" + name, std::string(kResolvConfTarget), m);
        return;
      case Edit::kTouch:
        m.mtime = kDefaultTime;
        break;
      case Edit::kKeep:
        break;
    }
    write(std::string("rootfs/") + name, inode, m);
  }

  CpioWriter& cpio() { return cpio_; }

 private:
  static CpioMeta meta(const Inode& inode) {
    CpioMeta m;
    m.perm = inode.mode & 07777;
    m.uid = inode.uid;
    m.gid = inode.gid;
    // check_nitro_cli_ramdisk refused what does not fit.
    m.mtime = static_cast<uint32_t>(inode.mtime);
    return m;
  }

  void write(const std::string& name, const Inode& inode, const CpioMeta& m) {
    if (write_non_file_entry(cpio_, name, inode, m)) return;
    FileRange data(image_.spool->file(), inode.spool_offset, inode.size);
    cpio_.add_file(name, m, inode.size, data);
  }

  CpioWriter cpio_;
  const FlattenedImage& image_;
  std::unordered_map<const Inode*, std::string> first_names_;
};

CpioMeta files_meta(uint32_t perm) {
  CpioMeta m;
  m.perm = perm;
  m.mtime = kDefaultTime;
  return m;
}

}  // namespace

void check_nitro_cli_ramdisk(const FsNode& root, const std::string& source) {
  walk_tree(root, "", [&](const std::string& path, const FsNode& node) {
    const std::string name = export_name(path, node);
    const Edit edit = edit_for(name);
    if (edit != Edit::kKeep) return;  // dropped, or given linuxkit's default time
    const Inode& inode = *node.inode;
    // The flattener already turned what Docker clamps to 0 into 0: what is left is what
    // reaches linuxkit as it is.
    if (inode.mtime < 0) {
      fail(source, "rootfs/" + name + ": mtime " + std::to_string(inode.mtime) +
                       " is before 1970, which Docker keeps on a symlink and linuxkit cannot "
                       "write into a cpio header: nitro-cli cannot build this image");
    }
    if (inode.mtime > int64_t{0xffffffff}) {
      fail(source, "rootfs/" + name + ": mtime " + std::to_string(inode.mtime) +
                       " is after 2106-02-07, which linuxkit writes with more than the 8 hex "
                       "digits of a cpio header, corrupting it: nitro-cli cannot build this "
                       "image");
    }
    if (inode.type == TarEntry::Type::kFile && inode.size > 0xffffffffull) {
      fail(source, "rootfs/" + name + ": file is " + std::to_string(inode.size) +
                       " bytes; linuxkit writes 4 GiB or more into a corrupt cpio header: "
                       "nitro-cli cannot build this image");
    }
  });
}

void write_nitro_cli_ramdisk(ByteSink& out, const FlattenedImage& image, const std::string& cmd,
                             const std::string& env) {
  Exporter exporter(out, image);
  CpioWriter& cpio = exporter.cpio();
  cpio.add_directory("rootfs", files_meta(0755));
  walk_tree(*image.root, "",
            [&](const std::string& path, const FsNode& node) { exporter.entry(path, node); });
  // Every name linuxkit touches is in the export (Docker's init layer makes each), so none is
  // appended after it.
  for (const char* dir : {"rootfs", "rootfs/dev", "rootfs/run", "rootfs/sys", "rootfs/var",
                          "rootfs/proc", "rootfs/tmp"}) {
    cpio.add_directory(dir, files_meta(0755));
  }
  cpio.add_file("cmd", files_meta(0644), bytes_of(cmd));
  cpio.add_file("env", files_meta(0644), bytes_of(env));
  cpio.finish();
}

SectionProducer nitro_cli_ramdisk_section(const FlattenedImage& image, std::string cmd,
                                          std::string env) {
  return [&image, cmd = std::move(cmd), env = std::move(env)](ByteSink& sink) {
    write_nitro_cli_ramdisk(sink, image, cmd, env);
  };
}

}  // namespace eifkit
