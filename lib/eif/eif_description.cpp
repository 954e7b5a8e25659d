#include "lib/eif/eif_description.h"

#include "formats/eif_section.h"
#include "lib/signing/signature_check.h"

namespace eifkit {

// nitro-cli shows the metadata flattened: the BuildMetadata fields, DockerInfo, then the
// custom metadata's own keys.
static nlohmann::json flat_metadata(const nlohmann::json& metadata) {
  nlohmann::json flat = nlohmann::json::object();
  if (auto build = metadata.find("BuildMetadata"); build != metadata.end() && build->is_object()) {
    for (auto& [key, value] : build->items()) flat[key] = value;
  }
  if (auto docker = metadata.find("DockerInfo"); docker != metadata.end()) {
    flat["DockerInfo"] = *docker;
  }
  if (auto custom = metadata.find("CustomMetadata");
      custom != metadata.end() && custom->is_object()) {
    for (auto& [key, value] : custom->items()) flat[key] = value;
  }
  return flat;
}

nlohmann::json describe_eif(const EifImage& image, const EifScan& scan) {
  nlohmann::json out;
  out["EifVersion"] = image.header.version;
  out["Arch"] = arch_name(header_arch(image.header));
  out["Measurements"] = measurements_json(scan.measurements);
  out["IsSigned"] = scan.signature.has_value();
  if (scan.signature) {
    SignatureFacts facts =
        check_signature_section(*scan.signature, scan.measurements.pcr0, image.file.path());
    out["SigningCertificate"] = facts.certificate.describe();
    out["SignatureCheck"] = facts.signature_valid && facts.payload_matches;
  }
  out["CheckCRC"] = scan.crc_ok;
  if (scan.metadata && scan.metadata->is_object()) {
    const nlohmann::json& m = *scan.metadata;
    if (m.contains("ImageName")) out["ImageName"] = m["ImageName"];
    if (m.contains("ImageVersion")) out["ImageVersion"] = m["ImageVersion"];
    out["Metadata"] = flat_metadata(m);
  }
  nlohmann::json sections = nlohmann::json::array();
  for (const EifSectionInfo& s : image.sections) {
    sections.push_back(
        {{"Type", section_type_name(s.type)}, {"Offset", s.offset}, {"Size", s.size}});
  }
  out["Sections"] = std::move(sections);
  return out;
}

}  // namespace eifkit
