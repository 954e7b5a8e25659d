#include "lib/attestation/decoded_attestation.h"

#include <algorithm>

#include "formats/hex.h"
#include "lib/base/build_time.h"
#include "lib/base/error.h"

namespace eifkit {

namespace {

bool all_zero(const std::vector<uint8_t>& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

nlohmann::json certificate_json(const Certificate& c, const std::string& role, std::time_t at) {
  auto when = [](std::optional<std::time_t> t) {
    return t ? nlohmann::json(utc_z(*t)) : nlohmann::json(nullptr);
  };
  return {{"Role", role},
          {"Subject", c.subject()},
          {"Issuer", c.issuer()},
          {"Serial", c.serial_hex()},
          {"NotBefore", when(c.not_before())},
          {"NotAfter", when(c.not_after())},
          {"ValidAt", c.valid_at(at)},
          {"DerLength", c.der().size()},
          {"Sha256Fingerprint", c.sha256_fingerprint()}};
}

nlohmann::json bytes_json(const OptionalBytesField& f) {
  if (!f.present || f.null) return nullptr;
  return to_hex(f.bytes);
}

}  // namespace

std::string utc_z(std::time_t t) {
  std::string s = format_rfc3339_utc(t);  // "...+00:00"
  return s.substr(0, s.size() - 6) + "Z";
}

bool is_debug_mode(const AttestationDocument& doc) {
  int zero = 0;
  for (const auto& [index, value] : doc.pcrs) {
    if (index <= 2 && all_zero(value)) ++zero;
  }
  return zero == 3;
}

std::string timestamp_text(uint64_t ms) {
  std::string s = utc_z(static_cast<std::time_t>(ms / 1000));
  std::string frac = std::to_string(1000 + ms % 1000).substr(1);
  return s.substr(0, s.size() - 1) + "." + frac + "Z";
}

std::optional<DecodedAttestation> decode_attestation(AttestationInput input, std::string& problem) {
  DecodedAttestation d;
  std::optional<AttestationEnvelope> envelope = decode_attestation_envelope(input.bytes, problem);
  if (!envelope) return std::nullopt;
  std::string why;
  std::optional<AttestationDocument> doc = decode_attestation_payload(envelope->payload, why);
  if (!doc) {
    problem = "payload: " + why;
    return std::nullopt;
  }
  try {
    d.leaf = Certificate::from_der(doc->certificate, "certificate");
    for (size_t i = 0; i < doc->cabundle.size(); ++i) {
      d.cabundle.push_back(
          Certificate::from_der(doc->cabundle[i], "cabundle[" + std::to_string(i) + "]"));
    }
  } catch (const Error& e) {
    problem = e.what();
    return std::nullopt;
  }
  d.input = std::move(input);
  d.envelope = std::move(*envelope);
  d.document = std::move(*doc);
  return d;
}

nlohmann::json attestation_json(const DecodedAttestation& d, std::time_t at) {
  const AttestationDocument& doc = d.document;
  nlohmann::json pcrs = nlohmann::json::object();
  nlohmann::json zero = nlohmann::json::array();
  std::vector<std::pair<uint64_t, const std::vector<uint8_t>*>> sorted;
  for (const auto& [index, value] : doc.pcrs) sorted.push_back({index, &value});
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [index, value] : sorted) {
    pcrs[std::to_string(index)] = to_hex(*value);
    if (all_zero(*value)) zero.push_back(index);
  }
  nlohmann::json cabundle = nlohmann::json::array();
  for (size_t i = 0; i < d.cabundle.size(); ++i) {
    std::string role = "cabundle[" + std::to_string(i) + "]" + (i == 0 ? " (root)" : "");
    cabundle.push_back(certificate_json(d.cabundle[i], role, at));
  }
  nlohmann::json cbor = {
      {"Tagged", d.envelope.tagged},
      {"ProtectedHeader", to_hex(d.envelope.protected_header)},
      {"PayloadLength", d.envelope.payload.size()},
      {"SignatureLength", d.envelope.signature.size()},
      {"IndefiniteLengthPayload", doc.indefinite_map},
      {"IndefiniteLengthItems",
       d.envelope.encoding.indefinite_items + doc.encoding.indefinite_items},
      {"NonMinimalHeads", d.envelope.encoding.non_minimal_heads + doc.encoding.non_minimal_heads}};
  std::string alg = d.envelope.algorithm == -35   ? "ES384"
                    : d.envelope.algorithm == -7  ? "ES256"
                    : d.envelope.algorithm == -36 ? "ES512"
                    : d.envelope.algorithm        ? std::to_string(*d.envelope.algorithm)
                                                  : "none";
  return {{"Document", d.input.path},
          {"Encoding", d.input.encoding},
          {"Algorithm", alg},
          {"ModuleId", doc.module_id},
          {"Digest", doc.digest},
          {"Timestamp", doc.timestamp_ms},
          {"TimestampText", timestamp_text(doc.timestamp_ms)},
          {"PCRs", pcrs},
          {"AllZeroPCRs", zero},
          {"DebugMode", is_debug_mode(doc)},
          {"Certificate", certificate_json(*d.leaf, "leaf", at)},
          {"CaBundle", cabundle},
          {"PublicKey", bytes_json(doc.public_key)},
          {"UserData", bytes_json(doc.user_data)},
          {"Nonce", bytes_json(doc.nonce)},
          {"Cbor", cbor},
          {"CheckedAt", utc_z(at)}};
}

}  // namespace eifkit
