#include "tests/support/ramdisk_listing.h"

#include <algorithm>
#include <cstdio>

#include "formats/hex.h"
#include "lib/base/file.h"
#include "lib/base/file_range.h"
#include "lib/cpio/cpio_reader.h"
#include "lib/eif/eif_reader.h"
#include "lib/hash/sha256.h"

namespace eifkit::test {

std::string RamdiskEntry::line() const {
  char buf[128];
  std::snprintf(buf, sizeof buf, " %c %04o %u:%u %u %u", type, perm, uid, gid, size, nlink);
  std::string out = name + buf;
  // Appended piece by piece: `" " + string` draws a false -Wrestrict from GCC 12 at -O3.
  if (type == 'l') out.append(" -> ").append(target);
  if (type == '-') out.append(" ").append(sha256, 0, 16);
  if (type == 'c' || type == 'b') {
    out.append(" ")
        .append(std::to_string(rdev_major))
        .append(",")
        .append(std::to_string(rdev_minor));
  }
  return out;
}

std::vector<RamdiskEntry> list_ramdisk(ByteSource& cpio) {
  CpioReader reader(cpio, "ramdisk");
  std::vector<RamdiskEntry> out;
  CpioHeader h;
  while (reader.next(h)) {
    RamdiskEntry e;
    e.name = h.name;
    e.perm = h.mode & 07777;
    e.uid = h.uid;
    e.gid = h.gid;
    e.nlink = h.nlink;
    e.ino = h.ino;
    e.mtime = h.mtime;
    e.size = h.filesize;
    e.rdev_major = h.rdev_major;
    e.rdev_minor = h.rdev_minor;
    switch (h.mode & 0170000) {
      case 0040000:
        e.type = 'd';
        break;
      case 0100000:
        e.type = '-';
        break;
      case 0120000:
        e.type = 'l';
        break;
      case 0020000:
        e.type = 'c';
        break;
      case 0060000:
        e.type = 'b';
        break;
      case 0010000:
        e.type = 'p';
        break;
    }
    if (e.type == 'l') {
      e.target = reader.read_small_data();
    } else if (e.type == '-') {
      Sha256 h256;
      std::vector<uint8_t> buf(1 << 16);
      for (size_t n; (n = reader.read_data(buf)) > 0;) h256.update(std::span(buf).first(n));
      e.sha256 = to_hex(h256.finish());
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<RamdiskEntry> list_ramdisk_file(const std::string& path, uint64_t offset,
                                            uint64_t size) {
  File file = File::open_read(path);
  FileRange range(file, offset, std::min(size, file.size() - offset));
  return list_ramdisk(range);
}

std::vector<RamdiskEntry> list_app_ramdisk(const std::string& eif_path) {
  EifImage image = open_eif(eif_path);
  int ramdisks = 0;
  for (const EifSectionInfo& s : image.sections) {
    if (s.type == 3 && ramdisks++ == 1) return list_ramdisk_file(eif_path, s.data_offset(), s.size);
  }
  return {};
}

std::vector<std::string> lines(const std::vector<RamdiskEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.line());
  return out;
}

}  // namespace eifkit::test
