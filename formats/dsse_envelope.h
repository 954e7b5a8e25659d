// DSSE, the Dead Simple Signing Envelope that in-toto attestations travel in
// (github.com/secure-systems-lab/dsse, protocol v1): the pre-authentication encoding a
// signature covers, and the JSON envelope {"payload", "payloadType", "signatures"}.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eifkit {

inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";

// An envelope is a statement and a few signatures; anything larger is not one of ours.
inline constexpr size_t kMaxEnvelopeSize = 8 << 20;
inline constexpr size_t kMaxEnvelopeSignatures = 16;

// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in ASCII decimal:
// what is signed, so that neither the type nor the body can be swapped for another.
std::vector<uint8_t> dsse_pae(std::string_view payload_type, std::span<const uint8_t> payload);

struct DsseSignature {
  std::string keyid;         // a hint only: never trusted to pick a key
  std::vector<uint8_t> sig;  // the signature's bytes (for ECDSA, DER as sigstore writes it)
};

struct DsseEnvelope {
  std::string payload_type;
  std::vector<uint8_t> payload;
  std::vector<DsseSignature> signatures;
};

// The envelope as JSON text: {"payload": base64, "payloadType": …, "signatures":
// [{"keyid": …, "sig": base64}]}, keys sorted, two-space indented, newline-terminated.
std::string encode_dsse_envelope(const DsseEnvelope& envelope);

// nullopt with `problem` set to one line ("signatures[0].sig is not base64", "no
// signatures") when the bytes are not one envelope: a JSON object (no duplicate keys) with a
// string payloadType, a base64 payload and 1 to kMaxEnvelopeSignatures signatures, each with
// a base64 sig and, when present, a string keyid.
std::optional<DsseEnvelope> decode_dsse_envelope(std::span<const uint8_t> bytes,
                                                 std::string& problem);

}  // namespace eifkit
