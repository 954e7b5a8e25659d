#include "lib/diff/ramdisk_files.h"

#include <cstring>
#include <memory>
#include <vector>

#include "formats/cpio_newc.h"
#include "lib/base/buffered_source.h"
#include "lib/base/error.h"
#include "lib/cpio/cpio_reader.h"
#include "lib/diff/ramdisk_entry.h"
#include "lib/image/decompress.h"
#include "lib/image/image_limits.h"

namespace eifkit {

namespace {

struct Magic {
  const char* name;
  std::string_view bytes;
};

// Compressions the kernel can unpack that diff does not read: named, so the report says why.
constexpr Magic kUnreadCompressions[] = {
    {"xz", std::string_view("\xfd"
                            "7zXZ\0",
                            6)},
    {"bzip2", "BZh"},
    {"lz4", std::string_view("\x02\x21\x4c\x18", 4)},
    {"lz4", std::string_view("\x04\x22\x4d\x18", 4)},
    {"lzma", std::string_view("\x5d\x00\x00", 3)},
    {"lzo", std::string_view("\x89LZO", 4)},
};

bool starts_with(std::span<const uint8_t> head, std::string_view magic) {
  return head.size() >= magic.size() && std::memcmp(head.data(), magic.data(), magic.size()) == 0;
}

void read_entries(ByteSource& cpio, const std::string& name, RamdiskFiles& out) {
  const uint64_t max_entries = image_limits().max_entries;
  CpioReader reader(cpio, name);
  CpioHeader h;
  std::vector<uint8_t> buf(1 << 16);
  while (reader.next(h)) {
    refuse_count_over(out.entries + 1, max_entries, name, "entries");
    RamdiskEntry e;
    e.position = out.entries++;
    e.ino = h.ino;
    e.mode = h.mode;
    e.uid = h.uid;
    e.gid = h.gid;
    e.nlink = h.nlink;
    e.mtime = h.mtime;
    e.size = h.filesize;
    e.dev_major = h.dev_major;
    e.dev_minor = h.dev_minor;
    e.rdev_major = h.rdev_major;
    e.rdev_minor = h.rdev_minor;
    if ((h.mode & kCpioTypeMask) == kCpioSymlink) {
      e.target = reader.read_small_data();
      e.content =
          sha256(std::span(reinterpret_cast<const uint8_t*>(e.target.data()), e.target.size()));
    } else {
      Sha256 content;
      for (size_t n; (n = reader.read_data(buf)) > 0;) content.update(std::span(buf).first(n));
      e.content = content.finish();
    }
    e.name = std::move(h.name);
    out.by_name.add(encode_entry(e));
    if (reader.offset() > kMaxUnpackedRamdisk) {
      fail(name, "unpacks to more than " + human_bytes(kMaxUnpackedRamdisk));
    }
  }
}

}  // namespace

void read_ramdisk_files(ByteSource& data, const std::string& name, RamdiskFiles& out) {
  BufferedSource in(data);
  std::span<const uint8_t> head = in.peek(6);
  try {
    if (head.empty()) {
      out.read = true;
      return;
    }
    for (const Magic& m : kUnreadCompressions) {
      if (starts_with(head, m.bytes)) {
        out.compression = m.name;
        out.problem = name + ": " + m.name +
                      "-compressed; diff reads uncompressed, gzip and zstd ramdisks file by file";
        return;
      }
    }
    switch (detect_compression(head)) {
      case Compression::kNone:
        read_entries(in, name, out);
        break;
      case Compression::kGzip:
      case Compression::kZstd: {
        out.compression = detect_compression(head) == Compression::kGzip ? "gzip" : "zstd";
        std::unique_ptr<ByteSource> unpacked = open_decompressed(in, name);
        BufferedSource buffered(*unpacked);
        read_entries(buffered, name, out);
        break;
      }
    }
    out.read = true;
  } catch (const Error& e) {
    // The bytes are still measured and compared; only the file list is missing.
    out.problem = e.what();
  }
}

}  // namespace eifkit
