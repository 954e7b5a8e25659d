#include "formats/dsse_envelope.h"

#include <nlohmann/json.hpp>

#include "formats/base64.h"
#include "formats/bounded_json.h"

namespace eifkit {

namespace {

std::optional<std::vector<uint8_t>> base64_field(const nlohmann::json& obj, const char* key,
                                                 const std::string& where, std::string& problem) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    problem = where + key + " is missing or not a string";
    return std::nullopt;
  }
  std::optional<std::vector<uint8_t>> bytes = base64_decode(it->get_ref<const std::string&>());
  if (!bytes) problem = where + key + " is not base64";
  return bytes;
}

}  // namespace

std::vector<uint8_t> dsse_pae(std::string_view payload_type, std::span<const uint8_t> payload) {
  std::string head = "DSSEv1 ";
  head += std::to_string(payload_type.size());
  head += ' ';
  head += payload_type;
  head += ' ';
  head += std::to_string(payload.size());
  head += ' ';
  std::vector<uint8_t> out;
  out.reserve(head.size() + payload.size());
  out.assign(head.begin(), head.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::string encode_dsse_envelope(const DsseEnvelope& envelope) {
  nlohmann::json signatures = nlohmann::json::array();
  for (const DsseSignature& s : envelope.signatures) {
    signatures.push_back(
        {{"keyid", s.keyid},
         {"sig", base64_encode({reinterpret_cast<const char*>(s.sig.data()), s.sig.size()})}});
  }
  nlohmann::json j = {
      {"payload", base64_encode({reinterpret_cast<const char*>(envelope.payload.data()),
                                 envelope.payload.size()})},
      {"payloadType", envelope.payload_type},
      {"signatures", signatures}};
  std::string text = j.dump(2);
  text += '\n';
  return text;
}

std::optional<DsseEnvelope> decode_dsse_envelope(std::span<const uint8_t> bytes,
                                                 std::string& problem) {
  if (bytes.size() > kMaxEnvelopeSize) {
    problem = "larger than " + std::to_string(kMaxEnvelopeSize >> 20) + " MiB";
    return std::nullopt;
  }
  std::string json_problem;
  std::optional<nlohmann::json> j = decode_bounded(bytes, JsonSyntax::kJson, 8, json_problem);
  if (!j) {
    problem = "not a DSSE envelope: invalid JSON: " + json_problem;
    return std::nullopt;
  }
  if (!j->is_object()) {
    problem = "not a DSSE envelope: not a JSON object";
    return std::nullopt;
  }
  DsseEnvelope envelope;
  auto type = j->find("payloadType");
  if (type == j->end() || !type->is_string()) {
    problem = "not a DSSE envelope: payloadType is missing or not a string";
    return std::nullopt;
  }
  envelope.payload_type = type->get<std::string>();
  std::optional<std::vector<uint8_t>> payload = base64_field(*j, "payload", "", problem);
  if (!payload) return std::nullopt;
  envelope.payload = std::move(*payload);
  auto signatures = j->find("signatures");
  if (signatures == j->end() || !signatures->is_array() || signatures->empty()) {
    problem = "no signatures (an unsigned envelope vouches for nothing)";
    return std::nullopt;
  }
  if (signatures->size() > kMaxEnvelopeSignatures) {
    problem = std::to_string(signatures->size()) + " signatures, more than the " +
              std::to_string(kMaxEnvelopeSignatures) + " an envelope of eifkit's may hold";
    return std::nullopt;
  }
  for (size_t i = 0; i < signatures->size(); ++i) {
    const nlohmann::json& s = (*signatures)[i];
    std::string where = "signatures[" + std::to_string(i) + "].";
    if (!s.is_object()) {
      problem = where.substr(0, where.size() - 1) + " is not an object";
      return std::nullopt;
    }
    DsseSignature signature;
    std::optional<std::vector<uint8_t>> sig = base64_field(s, "sig", where, problem);
    if (!sig) return std::nullopt;
    signature.sig = std::move(*sig);
    auto keyid = s.find("keyid");
    if (keyid != s.end()) {
      if (!keyid->is_string()) {
        problem = where + "keyid is not a string";
        return std::nullopt;
      }
      signature.keyid = keyid->get<std::string>();
    }
    envelope.signatures.push_back(std::move(signature));
  }
  return envelope;
}

}  // namespace eifkit
