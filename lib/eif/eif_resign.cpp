#include "lib/eif/eif_resign.h"

#include "lib/base/error.h"
#include "lib/base/file_range.h"

namespace eifkit {

namespace {
// Copies one section's data from the input image.
SectionProducer copy_of(EifImage& image, const EifSectionInfo& s) {
  return [&image, s](ByteSink& sink) {
    FileRange range(image.file, s.data_offset(), s.size);
    std::vector<uint8_t> buf(1 << 20);
    for (size_t n; (n = range.read(buf)) > 0;) sink.write(std::span(buf).first(n));
  };
}
}  // namespace

namespace {
EifPlan resigned_plan(EifImage& image, const std::vector<uint8_t>& section) {
  EifPlan plan;
  plan.arch = header_arch(image.header);
  plan.version = image.header.version;
  plan.default_mem = image.header.default_mem;
  plan.default_cpus = image.header.default_cpus;
  bool replaced = false;
  for (const EifSectionInfo& s : image.sections) {
    if (s.type == static_cast<uint16_t>(SectionType::kSignature)) {
      plan.sections.push_back({SectionType::kSignature, bytes_section(section)});
      replaced = true;
    } else {
      plan.sections.push_back({static_cast<SectionType>(s.type), copy_of(image, s)});
    }
  }
  if (!replaced) {
    if (plan.sections.size() >= kMaxSections) {
      fail(image.file.path(), "has 32 sections: no room for a signature section");
    }
    plan.sections.push_back({SectionType::kSignature, bytes_section(section)});
  }
  return plan;
}
}  // namespace

EifWriteResult rewrite_with_signature(EifImage& image, const std::vector<uint8_t>& section,
                                      const std::string& output) {
  return write_eif_file(resigned_plan(image, section), output);
}

EifWriteResult rewrite_with_signature(EifImage& image, const std::vector<uint8_t>& section,
                                      File& out, Progress* progress) {
  EifPlan plan = resigned_plan(image, section);
  progress_begin(progress, "writing EIF", image.file_size);
  plan.progress = progress;
  return write_eif(plan, out);
}

}  // namespace eifkit
