#include "lib/eif/eif_reader.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <future>

#include "formats/bounded_json.h"
#include "formats/eif_section.h"
#include "formats/signature_section.h"
#include "lib/base/error.h"
#include "lib/base/file_range.h"
#include "lib/eif/pcr_accumulator.h"
#include "lib/hash/crc32.h"
#include "lib/signing/pcr8.h"

namespace eifkit {

static constexpr size_t kChunk = 1 << 20;

bool has_eif_magic(const std::string& path) {
  File file = File::open_read(path);
  std::array<uint8_t, 4> magic{};
  size_t got = 0;
  while (got < magic.size()) {
    size_t n = file.read_some(std::span(magic).subspan(got));
    if (n == 0) return false;
    got += n;
  }
  return magic == kEifMagic;
}

EifImage open_eif(const std::string& path) {
  EifImage image{File::open_read(path), 0, {}, {}};
  image.file_size = image.file.size();
  if (image.file_size < kEifHeaderSize) {
    fail(path, "too short for an EIF header (" + std::to_string(image.file_size) + " bytes, " +
                   "need " + std::to_string(kEifHeaderSize) + ")");
  }
  std::array<uint8_t, kEifHeaderSize> raw{};
  image.file.pread_exact(raw, 0);
  image.header = decode_eif_header(raw.data());
  if (auto problem = eif_header_problem(image.header, image.file_size)) fail(path, *problem);

  std::array<int, 6> count_by_type{};
  for (size_t i = 0; i < image.header.num_sections; ++i) {
    std::array<uint8_t, kSectionHeaderSize> raw_section{};
    image.file.pread_exact(raw_section, image.header.section_offsets[i]);
    SectionHeader sh = decode_section_header(raw_section.data());
    const std::string which = "section " + std::to_string(i);
    if (!is_known_section_type(sh.type)) {
      fail(path, which + " has unknown type " + std::to_string(sh.type));
    }
    if (sh.size != image.header.section_sizes[i]) {
      fail(path, which + " header says " + std::to_string(sh.size) +
                     " bytes but the header table says " +
                     std::to_string(image.header.section_sizes[i]));
    }
    if (++count_by_type[sh.type] > 1 && sh.type != static_cast<uint16_t>(SectionType::kRamdisk)) {
      fail(path, "more than one " + std::string(section_type_name(sh.type)) + " section");
    }
    image.sections.push_back({sh.type, sh.flags, image.header.section_offsets[i], sh.size});
  }
  for (SectionType required :
       {SectionType::kKernel, SectionType::kCmdline, SectionType::kRamdisk}) {
    if (count_by_type[static_cast<size_t>(required)] == 0) {
      fail(path, "has no " + std::string(section_type_name(static_cast<uint16_t>(required))) +
                     " section");
    }
  }
  return image;
}

static void check_kept_size(const std::string& path, const EifSectionInfo& s, uint64_t max) {
  if (s.size > max) {
    fail(path, std::string(section_type_name(s.type)) + " section is " + std::to_string(s.size) +
                   " bytes (at most " + std::to_string(max) + ")");
  }
}

// PCR8 of a signed image: the first signature's certificate, as nitro-cli measures it.
static Pcr pcr8_of_signature_section(const std::string& path, const std::vector<uint8_t>& section) {
  std::string problem;
  auto entries = decode_signature_section(section, problem);
  if (!entries) fail(path, problem);
  return pcr8_of_certificate(
      Certificate::from_pem(entries->front().certificate_pem, path + ": signature section"));
}

namespace {

// One section's data as the scan reads it: every chunk goes to `measure` on its way to the
// reader, so a ramdisk parsed by a caller is measured in the same pass. With `overlap`, a
// chunk is measured on another thread while the reader works on it (each chunk is copied, so
// the reader may reuse its buffer), and the next read waits for that measurement.
class MeasuredSection : public ByteSource {
 public:
  MeasuredSection(File& file, const EifSectionInfo& s,
                  std::function<void(std::span<const uint8_t>)> measure, bool overlap)
      : range_(file, s.data_offset(), s.size), measure_(std::move(measure)), overlap_(overlap) {}
  ~MeasuredSection() override {
    if (pending_.valid()) pending_.wait();
  }
  size_t read(std::span<uint8_t> buf) override {
    wait();
    size_t n = range_.read(buf.first(std::min(buf.size(), kChunk)));
    if (n == 0) return 0;
    if (!overlap_) {
      measure_(buf.first(n));
      return n;
    }
    copy_.assign(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(n));
    pending_ = std::async(std::launch::async, [this] { measure_(copy_); });
    return n;
  }
  void drain(std::vector<uint8_t>& buf) {
    while (read(buf) > 0) {
    }
    wait();
  }

 private:
  void wait() {
    if (pending_.valid()) pending_.get();
  }
  FileRange range_;
  std::function<void(std::span<const uint8_t>)> measure_;
  bool overlap_;
  std::vector<uint8_t> copy_;
  std::future<void> pending_;
};

}  // namespace

EifScan scan_eif(EifImage& image, const ScanOptions& options) {
  const std::string& path = image.file.path();
  EifScan scan;
  PcrAccumulator pcrs;
  auto header_bytes = encode_eif_header(image.header);
  uint32_t crc = crc32_update(0, std::span(header_bytes).first(kEifCrcCoveredHeaderBytes));
  std::vector<uint8_t> buf(kChunk);
  size_t ramdisk_index = 0;
  // With one application ramdisk, its digest is PCR2's before the extend: not hashed twice.
  size_t ramdisks = 0;
  for (const EifSectionInfo& s : image.sections) {
    ramdisks += s.type == static_cast<uint16_t>(SectionType::kRamdisk);
  }
  std::optional<size_t> sole_app_ramdisk;
  progress_begin(options.progress, "reading EIF", image.file_size);

  for (const EifSectionInfo& s : image.sections) {
    // Sections kept whole are small by nature; bound them before reading.
    std::vector<uint8_t>* keep = nullptr;
    std::vector<uint8_t> metadata, signature;
    switch (static_cast<SectionType>(s.type)) {
      case SectionType::kMetadata:
        check_kept_size(path, s, kMaxMetadataSize);
        keep = &metadata;
        break;
      case SectionType::kSignature:
        check_kept_size(path, s, kMaxSignatureSize);
        keep = &signature;
        break;
      case SectionType::kCmdline:
        check_kept_size(path, s, kMaxCmdlineSize);
        keep = &scan.cmdline;
        break;
      default:
        break;
    }
    auto section_header = encode_section_header({s.type, s.flags, s.size});
    crc = crc32_update(crc, section_header);
    pcrs.begin_section(s.type);
    bool is_ramdisk = s.type == static_cast<uint16_t>(SectionType::kRamdisk);
    std::optional<Sha384> digest;
    if (options.section_digests) {
      if (is_ramdisk && ramdisks == 2 && ramdisk_index == 1) {
        sole_app_ramdisk = scan.section_sha384.size();
      } else {
        digest.emplace();
      }
    }
    MeasuredSection data(
        image.file, s,
        [&](std::span<const uint8_t> chunk) {
          // The CRC here, the section digest beside PCR2 (on the second core for an application
          // ramdisk).
          pcrs.update(
              chunk, [&] { crc = crc32_update(crc, chunk); },
              [&] {
                if (digest) digest->update(chunk);
              });
          if (keep) keep->insert(keep->end(), chunk.begin(), chunk.end());
          progress_add(options.progress, chunk.size());
        },
        is_ramdisk && options.read_ramdisk != nullptr);
    if (is_ramdisk) {
      if (options.read_ramdisk) options.read_ramdisk(ramdisk_index, data);
      ++ramdisk_index;
    }
    data.drain(buf);
    if (options.section_digests)
      scan.section_sha384.push_back(digest ? digest->finish() : Digest384{});
    if (s.type == static_cast<uint16_t>(SectionType::kMetadata)) {
      std::string problem;
      scan.metadata = decode_bounded(metadata, JsonSyntax::kJson, kMaxJsonDepth, problem);
      if (!scan.metadata) fail(path, "metadata section is not valid JSON: " + problem);
    }
    if (s.type == static_cast<uint16_t>(SectionType::kSignature)) {
      scan.signature = std::move(signature);
    }
  }
  scan.measurements = pcrs.finish();
  if (sole_app_ramdisk) scan.section_sha384[*sole_app_ramdisk] = pcrs.app_digest();
  if (scan.signature) scan.measurements.pcr8 = pcr8_of_signature_section(path, *scan.signature);
  scan.computed_crc = crc;
  scan.crc_ok = crc == image.header.crc32;
  return scan;
}

std::string crc_mismatch(const EifImage& image, const EifScan& scan) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "CRC mismatch (header 0x%08x, computed 0x%08x)",
                image.header.crc32, scan.computed_crc);
  return buf;
}

}  // namespace eifkit
