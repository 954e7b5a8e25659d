// The COSE_Sign1 structure (RFC 8152) an EIF signature carries, encoded exactly as nitro-cli's
// reference does: untagged, the protected header holding only the algorithm, an empty
// unprotected map, the payload {"register_index": 0, "register_value": [PCR0 bytes as
// integers]}, and the raw r‖s ECDSA signature.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace eifkit {

enum class CoseAlgorithm { kES256, kES384, kES512 };

// a1 01 26 / a1 01 38 22 / a1 01 38 23: {1: -7}, {1: -35}, {1: -36}
std::vector<uint8_t> cose_protected_header(CoseAlgorithm alg);
const char* cose_algorithm_name(CoseAlgorithm alg);  // "ES384"

// {"register_index": index, "register_value": [bytes as CBOR unsigned integers]}
std::vector<uint8_t> encode_pcr_payload(uint32_t index, std::span<const uint8_t> value);
struct PcrPayload {
  uint64_t index = 0;
  std::vector<uint8_t> value;
};
// nullopt, with `problem` set, unless the bytes are exactly such a map.
std::optional<PcrPayload> decode_pcr_payload(std::span<const uint8_t> bytes, std::string& problem);

// Sig_structure ["Signature1", protected, h'', payload]: the bytes that are signed. The
// protected header and payload go in as the exact bytes received; only the array around them
// is encoded here (minimally).
std::vector<uint8_t> cose_sig_structure(std::span<const uint8_t> protected_header,
                                        std::span<const uint8_t> payload);
std::vector<uint8_t> cose_to_be_signed(CoseAlgorithm alg, std::span<const uint8_t> payload);

std::vector<uint8_t> encode_cose_sign1(CoseAlgorithm alg, std::span<const uint8_t> payload,
                                       std::span<const uint8_t> signature);

struct CoseSign1 {
  std::optional<CoseAlgorithm> algorithm;  // nullopt: a protected header eifkit doesn't know
  std::vector<uint8_t> protected_header;
  bool unprotected_empty = true;
  bool tagged = false;  // tag 18; nitro-cli writes untagged
  std::vector<uint8_t> payload;
  std::vector<uint8_t> signature;
};
std::optional<CoseSign1> decode_cose_sign1(std::span<const uint8_t> bytes, std::string& problem);

}  // namespace eifkit
