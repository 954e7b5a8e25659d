#include "formats/cose_sign1.h"

#include <nlohmann/json.hpp>

#include "formats/bounded_json.h"

namespace eifkit {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

static constexpr size_t kMaxCoseDepth = 8;

std::vector<uint8_t> cose_protected_header(CoseAlgorithm alg) {
  // nlohmann's CBOR maps take text keys only; these three integer-keyed maps are constants.
  switch (alg) {
    case CoseAlgorithm::kES256:
      return {0xa1, 0x01, 0x26};
    case CoseAlgorithm::kES384:
      return {0xa1, 0x01, 0x38, 0x22};
    case CoseAlgorithm::kES512:
      return {0xa1, 0x01, 0x38, 0x23};
  }
  return {};
}

const char* cose_algorithm_name(CoseAlgorithm alg) {
  switch (alg) {
    case CoseAlgorithm::kES256:
      return "ES256";
    case CoseAlgorithm::kES384:
      return "ES384";
    case CoseAlgorithm::kES512:
      return "ES512";
  }
  return "?";
}

static std::vector<uint8_t> to_vector(std::span<const uint8_t> s) {
  return {s.begin(), s.end()};
}

std::vector<uint8_t> encode_pcr_payload(uint32_t index, std::span<const uint8_t> value) {
  ordered payload = ordered::object();
  payload["register_index"] = index;
  // Byte fields are integer arrays, as serde_cbor writes a Vec<u8>; not CBOR byte strings.
  payload["register_value"] = to_vector(value);
  return ordered::to_cbor(payload);
}

std::optional<PcrPayload> decode_pcr_payload(std::span<const uint8_t> bytes, std::string& problem) {
  // A COSE payload or structure nests three levels; anything deeper is not one.
  std::string why;
  json j = decode_bounded(bytes, JsonSyntax::kCbor, kMaxCoseDepth, why).value_or(json());
  if (!j.is_object() || j.size() != 2 || !j.contains("register_index") ||
      !j.contains("register_value") || !j["register_index"].is_number_unsigned() ||
      !j["register_value"].is_array()) {
    problem = "payload is not {register_index, register_value}";
    return std::nullopt;
  }
  PcrPayload p;
  p.index = j["register_index"].get<uint64_t>();
  for (const json& b : j["register_value"]) {
    if (!b.is_number_unsigned() || b.get<uint64_t>() > 0xff) {
      problem = "payload's register_value is not a byte sequence";
      return std::nullopt;
    }
    p.value.push_back(static_cast<uint8_t>(b.get<uint64_t>()));
  }
  return p;
}

std::vector<uint8_t> cose_sig_structure(std::span<const uint8_t> protected_header,
                                        std::span<const uint8_t> payload) {
  json sig_structure = json::array({"Signature1", json::binary(to_vector(protected_header)),
                                    json::binary({}), json::binary(to_vector(payload))});
  return json::to_cbor(sig_structure);
}

std::vector<uint8_t> cose_to_be_signed(CoseAlgorithm alg, std::span<const uint8_t> payload) {
  return cose_sig_structure(cose_protected_header(alg), payload);
}

std::vector<uint8_t> encode_cose_sign1(CoseAlgorithm alg, std::span<const uint8_t> payload,
                                       std::span<const uint8_t> signature) {
  json cose = json::array({json::binary(cose_protected_header(alg)), json::object(),
                           json::binary(to_vector(payload)), json::binary(to_vector(signature))});
  return json::to_cbor(cose);
}

std::optional<CoseSign1> decode_cose_sign1(std::span<const uint8_t> bytes, std::string& problem) {
  CoseSign1 out;
  // Tag 18 (COSE_Sign1) is d2 at the front; nitro-cli writes none but accepting it is harmless.
  if (!bytes.empty() && bytes[0] == 0xd2) {
    out.tagged = true;
    bytes = bytes.subspan(1);
  }
  std::string why;
  std::optional<json> decoded = decode_bounded(bytes, JsonSyntax::kCbor, kMaxCoseDepth, why);
  if (!decoded) {
    problem = "COSE_Sign1 is not valid CBOR: " + why;
    return std::nullopt;
  }
  json j = std::move(*decoded);
  if (!j.is_array() || j.size() != 4 || !j[0].is_binary() || !j[1].is_object() ||
      !j[2].is_binary() || !j[3].is_binary()) {
    problem = "not a COSE_Sign1 structure [protected, unprotected, payload, signature]";
    return std::nullopt;
  }
  out.protected_header = j[0].get_binary();
  out.unprotected_empty = j[1].empty();
  out.payload = j[2].get_binary();
  out.signature = j[3].get_binary();
  for (CoseAlgorithm alg : {CoseAlgorithm::kES256, CoseAlgorithm::kES384, CoseAlgorithm::kES512}) {
    if (out.protected_header == cose_protected_header(alg)) out.algorithm = alg;
  }
  return out;
}

}  // namespace eifkit
