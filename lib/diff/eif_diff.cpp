#include "lib/diff/eif_diff.h"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "formats/eif_section.h"
#include "formats/hex.h"
#include "lib/diff/cmdline_diff.h"
#include "lib/diff/json_changes.h"
#include "lib/diff/ramdisk_diff.h"
#include "lib/policy/build_record.h"
#include "lib/signing/signature_check.h"

namespace eifkit {

namespace {

using nlohmann::json;

// A section of one side with its digest, found by type (the n-th ramdisk for ramdisks).
struct Part {
  const EifSectionInfo* info = nullptr;
  const Digest384* sha384 = nullptr;
};

Part find_section(const EifSide& side, SectionType type, size_t nth = 0) {
  for (size_t i = 0; i < side.image.sections.size(); ++i) {
    if (side.image.sections[i].type != static_cast<uint16_t>(type)) continue;
    if (nth-- == 0) return {&side.image.sections[i], &side.scan.section_sha384[i]};
  }
  return {};
}

size_t count_sections(const EifSide& side, SectionType type) {
  size_t n = 0;
  for (const EifSectionInfo& s : side.image.sections) n += s.type == static_cast<uint16_t>(type);
  return n;
}

json part_json(const Part& p) {
  if (!p.info) return nullptr;
  return {{"Size", p.info->size}, {"Sha384", to_hex(*p.sha384)}};
}

bool same_bytes(const Part& a, const Part& b) {
  return a.info && b.info && a.info->size == b.info->size && *a.sha384 == *b.sha384;
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

json header_changes(const EifHeader& a, const EifHeader& b) {
  auto fields = [](const EifHeader& h) {
    return std::vector<std::pair<const char*, json>>{
        {"Version", h.version},
        {"Arch", arch_name(header_arch(h))},
        {"Flags", h.flags},
        {"DefaultMemory", h.default_mem},
        {"DefaultCpus", h.default_cpus},
        {"Crc32", hex32(h.crc32)},
    };
  };
  json changes = json::array();
  auto fa = fields(a), fb = fields(b);
  for (size_t i = 0; i < fa.size(); ++i) {
    if (fa[i].second != fb[i].second) {
      changes.push_back({{"Field", fa[i].first}, {"A", fa[i].second}, {"B", fb[i].second}});
    }
  }
  return changes;
}

json section_table(const EifSide& side) {
  json list = json::array();
  for (const EifSectionInfo& s : side.image.sections) {
    list.push_back({{"Type", section_type_name(s.type)}, {"Size", s.size}});
  }
  return list;
}

json pcr_pair(const std::optional<Pcr>& a, const std::optional<Pcr>& b) {
  return {{"Equal", a == b},
          {"A", a ? json(to_hex(*a)) : json(nullptr)},
          {"B", b ? json(to_hex(*b)) : json(nullptr)}};
}

std::optional<Certificate> signer_certificate(const EifSide& side) {
  if (!side.scan.signature) return std::nullopt;
  return check_signature_section(*side.scan.signature, side.scan.measurements.pcr0,
                                 side.image.file.path())
      .certificate;
}

json signature_json(const EifSide& a, const EifSide& b) {
  std::optional<Certificate> ca = signer_certificate(a), cb = signer_certificate(b);
  bool same_certificate = (!ca && !cb) || (ca && cb && ca->der() == cb->der());
  return {{"Pcrs", json::array({"PCR8"})},
          {"Equal", a.scan.signature == b.scan.signature},
          {"CertificateEqual", same_certificate},
          {"A", ca ? signer_json(*ca) : json(nullptr)},
          {"B", cb ? signer_json(*cb) : json(nullptr)}};
}

std::string as_text(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

json ramdisk_json(EifSide& a, EifSide& b, size_t index, const DiffOptions& options) {
  Part pa = find_section(a, SectionType::kRamdisk, index);
  Part pb = find_section(b, SectionType::kRamdisk, index);
  bool boot = index == 0;
  json r = {{"Index", index},
            {"Role", boot ? "bootstrap" : "application"},
            {"Pcrs", boot ? json::array({"PCR0", "PCR1"}) : json::array({"PCR0", "PCR2"})},
            {"Equal", same_bytes(pa, pb)},
            {"A", part_json(pa)},
            {"B", part_json(pb)}};
  if (!options.ramdisk_files) return r;
  RamdiskFiles* fa = index < a.ramdisks.size() ? &a.ramdisks[index] : nullptr;
  RamdiskFiles* fb = index < b.ramdisks.size() ? &b.ramdisks[index] : nullptr;
  if (fa) r["A"]["Compression"] = fa->compression;
  if (fb) r["B"]["Compression"] = fb->compression;
  if (r["Equal"]) return r;
  json problems = json::array();
  for (RamdiskFiles* f : {fa, fb}) {
    if (f && !f->read) problems.push_back(f->problem);
  }
  if (!problems.empty()) {
    r["FilesProblems"] = std::move(problems);
  } else {
    // A ramdisk only one side has is compared with an empty one: all added, or all removed.
    RamdiskFiles empty;
    r["Files"] = diff_ramdisk_files(fa ? *fa : empty, fb ? *fb : empty, options.max_changes);
  }
  return r;
}

}  // namespace

json diff_eifs(EifSide& a, EifSide& b, const DiffOptions& options) {
  const Measurements& ma = a.scan.measurements;
  const Measurements& mb = b.scan.measurements;
  json pcrs = {{"PCR0", pcr_pair(ma.pcr0, mb.pcr0)},
               {"PCR1", pcr_pair(ma.pcr1, mb.pcr1)},
               {"PCR2", pcr_pair(ma.pcr2, mb.pcr2)},
               {"PCR8", pcr_pair(ma.pcr8, mb.pcr8)}};

  Part ka = find_section(a, SectionType::kKernel), kb = find_section(b, SectionType::kKernel);
  json kernel = {{"Pcrs", json::array({"PCR0", "PCR1"})},
                 {"Equal", same_bytes(ka, kb)},
                 {"A", part_json(ka)},
                 {"B", part_json(kb)}};
  json cmdline = diff_cmdlines(as_text(a.scan.cmdline), as_text(b.scan.cmdline));
  cmdline["Pcrs"] = json::array({"PCR0", "PCR1"});

  json ramdisks = json::array();
  size_t n =
      std::max(count_sections(a, SectionType::kRamdisk), count_sections(b, SectionType::kRamdisk));
  for (size_t i = 0; i < n; ++i) ramdisks.push_back(ramdisk_json(a, b, i, options));

  JsonChanges meta = json_changes(a.scan.metadata.value_or(nullptr),
                                  b.scan.metadata.value_or(nullptr), options.max_changes);
  json metadata = {{"Measured", false},
                   {"Equal", meta.count == 0},
                   {"Changes", meta.list},
                   {"Count", meta.count},
                   {"Truncated", meta.list.size() < meta.count}};

  json sections = {{"Equal", section_table(a) == section_table(b)},
                   {"A", section_table(a)},
                   {"B", section_table(b)}};

  // Which parts made each differing PCR differ. When none did, the same bytes were split
  // into sections or ordered differently.
  json causes = json::object();
  auto explain = [&](const char* pcr, const std::vector<std::pair<std::string, bool>>& parts) {
    if (pcrs[pcr]["Equal"]) return;
    json list = json::array();
    for (const auto& [name, equal] : parts) {
      if (!equal) list.push_back(name);
    }
    if (list.empty()) list.push_back("Sections");
    causes[pcr] = std::move(list);
  };
  std::vector<std::pair<std::string, bool>> boot = {{"Kernel", kernel["Equal"]},
                                                    {"Cmdline", cmdline["Equal"]}};
  std::vector<std::pair<std::string, bool>> app;
  for (const json& r : ramdisks) {
    auto& into = r["Index"] == 0 ? boot : app;
    into.emplace_back("Ramdisk " + std::to_string(r["Index"].get<size_t>()), r["Equal"]);
  }
  explain("PCR1", boot);
  explain("PCR2", app);
  std::vector<std::pair<std::string, bool>> all = boot;
  all.insert(all.end(), app.begin(), app.end());
  explain("PCR0", all);
  explain("PCR8", {{"Signature", false}});

  json header = {{"Measured", false}, {"Changes", header_changes(a.image.header, b.image.header)}};
  bool pcrs_equal = causes.empty();
  bool identical = a.image.file_size == b.image.file_size && header["Changes"].empty() &&
                   sections["Equal"] && a.scan.section_sha384 == b.scan.section_sha384;
  return {{"Pcrs", std::move(pcrs)},
          {"PcrsEqual", pcrs_equal},
          {"Identical", identical},
          {"OnlyOutsidePcrs", pcrs_equal && !identical},
          {"Causes", std::move(causes)},
          {"Header", std::move(header)},
          {"Sections", std::move(sections)},
          {"Kernel", std::move(kernel)},
          {"Cmdline", std::move(cmdline)},
          {"Ramdisks", std::move(ramdisks)},
          {"RamdiskFiles", options.ramdisk_files},
          {"Metadata", std::move(metadata)},
          {"Signature", signature_json(a, b)}};
}

}  // namespace eifkit
