#include "lib/diff/eif_side.h"

namespace eifkit {

EifSide read_eif_side(const std::string& path, bool ramdisk_files) {
  EifSide side{open_eif(path), {}, {}};
  ScanOptions options;
  options.section_digests = true;
  if (ramdisk_files) {
    options.read_ramdisk = [&side, &path](size_t index, ByteSource& data) {
      side.ramdisks.emplace_back();
      read_ramdisk_files(data, path + ": ramdisk " + std::to_string(index), side.ramdisks.back());
    };
  }
  side.scan = scan_eif(side.image, options);
  return side;
}

}  // namespace eifkit
