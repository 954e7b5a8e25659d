#include "formats/signature_section.h"

#include <nlohmann/json.hpp>

#include "formats/bounded_json.h"

namespace eifkit {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

static constexpr size_t kMaxSectionDepth = 8;

std::vector<uint8_t> encode_signature_section(const std::vector<SignatureEntry>& entries) {
  ordered array = ordered::array();
  for (const SignatureEntry& e : entries) {
    ordered entry = ordered::object();
    entry["signing_certificate"] = e.certificate_pem;
    entry["signature"] = e.cose_sign1;
    array.push_back(std::move(entry));
  }
  return ordered::to_cbor(array);
}

static std::optional<std::vector<uint8_t>> byte_array(const json& j) {
  if (!j.is_array()) return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(j.size());
  for (const json& b : j) {
    if (!b.is_number_unsigned() || b.get<uint64_t>() > 0xff) return std::nullopt;
    out.push_back(static_cast<uint8_t>(b.get<uint64_t>()));
  }
  return out;
}

std::optional<std::vector<SignatureEntry>> decode_signature_section(std::span<const uint8_t> bytes,
                                                                    std::string& problem) {
  // [{signing_certificate: [bytes], signature: [bytes]}]: three levels.
  std::string why;
  std::optional<json> decoded = decode_bounded(bytes, JsonSyntax::kCbor, kMaxSectionDepth, why);
  if (!decoded) {
    problem = "signature section is not valid CBOR: " + why;
    return std::nullopt;
  }
  json j = std::move(*decoded);
  if (!j.is_array() || j.empty()) {
    problem = "signature section is not a CBOR array of signatures";
    return std::nullopt;
  }
  std::vector<SignatureEntry> out;
  for (const json& entry : j) {
    if (!entry.is_object() || !entry.contains("signing_certificate") ||
        !entry.contains("signature")) {
      problem = "signature section entry lacks signing_certificate or signature";
      return std::nullopt;
    }
    auto cert = byte_array(entry["signing_certificate"]);
    auto cose = byte_array(entry["signature"]);
    if (!cert || !cose) {
      problem = "signature section's byte fields are not integer arrays";
      return std::nullopt;
    }
    out.push_back({std::move(*cert), std::move(*cose)});
  }
  return out;
}

}  // namespace eifkit
