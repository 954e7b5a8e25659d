#include "lib/ramdisk/inode_entry.h"

namespace eifkit {

bool write_non_file_entry(CpioWriter& cpio, const std::string& name, const Inode& inode,
                          const CpioMeta& meta) {
  switch (inode.type) {
    case TarEntry::Type::kDirectory:
      cpio.add_directory(name, meta);
      return true;
    case TarEntry::Type::kSymlink:
      cpio.add_symlink(name, inode.link_target, meta);
      return true;
    case TarEntry::Type::kCharDevice:
    case TarEntry::Type::kBlockDevice:
      cpio.add_device(
          name, inode.type == TarEntry::Type::kCharDevice ? DeviceType::kChar : DeviceType::kBlock,
          inode.rdev_major, inode.rdev_minor, meta);
      return true;
    case TarEntry::Type::kFifo:
      cpio.add_fifo(name, meta);
      return true;
    case TarEntry::Type::kFile:
    case TarEntry::Type::kHardlink:  // resolved to a shared inode while flattening
      return false;
  }
  return false;
}

}  // namespace eifkit
