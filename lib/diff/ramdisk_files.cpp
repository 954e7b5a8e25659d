#include "lib/diff/ramdisk_files.h"

#include <memory>
#include <vector>

#include "formats/cpio_newc.h"
#include "formats/file_kind.h"
#include "lib/base/buffered_source.h"
#include "lib/base/error.h"
#include "lib/cpio/cpio_reader.h"
#include "lib/diff/ramdisk_entry.h"
#include "lib/image/decompress.h"
#include "lib/image/image_limits.h"

namespace eifkit {

namespace {

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
    FileKind kind = sniff_file_kind(head);
    if (const char* compression = compression_name(kind);
        compression && kind != FileKind::kGzip && kind != FileKind::kZstd) {
      out.compression = compression;
      out.problem = name + ": " + compression +
                    "-compressed; diff reads uncompressed, gzip and zstd ramdisks file by file";
      return;
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
