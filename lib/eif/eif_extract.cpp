#include "lib/eif/eif_extract.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "formats/cpio_newc.h"
#include "formats/eif_section.h"
#include "lib/base/atomic_output.h"
#include "lib/base/byte_strings.h"
#include "lib/base/error.h"
#include "lib/base/file_range.h"
#include "lib/cpio/cpio_reader.h"

namespace eifkit {

void copy_section(EifImage& image, const EifSectionInfo& s, File& out) {
  FileRange range(image.file, s.data_offset(), s.size);
  std::vector<uint8_t> buf(1 << 20);
  for (size_t n; (n = range.read(buf)) > 0;) out.write_all(std::span(buf).first(n));
}

std::vector<std::string> extract_sections(EifImage& image, const std::string& dir,
                                          Progress* progress) {
  progress_begin(progress, "writing sections", image.file_size);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) fail_errno(dir, "cannot create");
  std::vector<std::string> written;
  int ramdisks = 0;
  for (const EifSectionInfo& s : image.sections) {
    std::string name;
    switch (static_cast<SectionType>(s.type)) {
      case SectionType::kKernel:
        name = "kernel";
        break;
      case SectionType::kCmdline:
        name = "cmdline";
        break;
      case SectionType::kMetadata:
        name = "metadata.json";
        break;
      case SectionType::kRamdisk:
        name = "ramdisk-" + std::to_string(ramdisks++) + ".cpio";
        break;
      case SectionType::kSignature:
        name = "signature.cbor";
        break;
      case SectionType::kInvalid:
        continue;  // open_eif refuses these
    }
    AtomicOutput out(dir + "/" + name);
    copy_section(image, s, out.file());
    out.commit();
    progress_add(progress, s.size);
    written.push_back(dir + "/" + name);
  }
  return written;
}

nlohmann::json list_ramdisks(EifImage& image) {
  nlohmann::json out = nlohmann::json::array();
  int index = 0;
  for (const EifSectionInfo& s : image.sections) {
    if (s.type != static_cast<uint16_t>(SectionType::kRamdisk)) continue;
    FileRange range(image.file, s.data_offset(), s.size);
    nlohmann::json entries = nlohmann::json::array();
    if (s.size > 0) {
      CpioReader reader(range, image.file.path() + ": ramdisk " + std::to_string(index));
      CpioHeader h;
      while (reader.next(h)) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", h.mode & 07777);
        nlohmann::json e = nlohmann::json::object();
        put_byte_string(e, "Name", h.name);
        e.update({{"Type", cpio_type_name(h.mode)},
                  {"Mode", mode},
                  {"Uid", h.uid},
                  {"Gid", h.gid},
                  {"Size", h.filesize},
                  {"Nlink", h.nlink},
                  {"Ino", h.ino}});
        if ((h.mode & kCpioTypeMask) == kCpioSymlink) {
          put_byte_string(e, "Target", reader.read_small_data());
        }
        entries.push_back(std::move(e));
      }
    }
    out.push_back({{"Index", index++}, {"Entries", std::move(entries)}});
  }
  return out;
}

}  // namespace eifkit
