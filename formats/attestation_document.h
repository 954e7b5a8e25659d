// An enclave's attestation document as the Nitro Security Module (and QingTian's QTSM) writes
// it: a COSE_Sign1 (optionally tagged 18) whose payload is a CBOR map of module_id, digest,
// timestamp, pcrs, certificate, cabundle and the optional public_key, user_data and nonce.
// Decoding only: whether the signature and certificates hold is lib/attestation/'s question.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "formats/cbor_item.h"

namespace eifkit {

// The COSE_Sign1 around the document. The protected header and payload are the exact bytes
// received: the signature covers those, whatever their encoding.
struct AttestationEnvelope {
  bool tagged = false;  // CBOR tag 18 in front
  std::vector<uint8_t> protected_header;
  std::optional<int64_t> algorithm;  // protected header key 1: -35 is ES384
  bool unprotected_empty = true;
  std::vector<uint8_t> payload;
  std::vector<uint8_t> signature;
  CborEncoding encoding;  // of the envelope's own heads
};

// An optional byte-string field: absent, null, or bytes (which may be empty: real documents
// carry a present, empty public_key).
struct OptionalBytesField {
  bool present = false;
  bool null = false;
  std::vector<uint8_t> bytes;
};

struct AttestationDocument {
  std::string module_id;
  std::string digest;  // "SHA384"
  uint64_t timestamp_ms = 0;
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> pcrs;  // in the document's order
  std::vector<uint8_t> certificate;                             // DER, the leaf
  std::vector<std::vector<uint8_t>> cabundle;                   // DER, root first
  OptionalBytesField public_key, user_data, nonce;
  bool indefinite_map = false;  // the payload map has an indefinite length (newer NSMs)
  CborEncoding encoding;        // of the payload
};

// A document is at most this large; NSM documents are under 16 KiB.
inline constexpr size_t kMaxAttestationDocumentBytes = 1 << 20;

// nullopt, with `problem` set to one line, when the bytes are not a COSE_Sign1 of four items
// [protected bstr, unprotected map, payload bstr, signature bstr], optionally tagged 18 and
// preceded by self-described CBOR tags (55799, skipped). A COSE_Sign (tag 98, or a fourth item
// that is an array) is named as such. The protected header must be a valid CBOR map (no
// duplicate labels); a crit (label 2) is refused unless it is a non-empty array listing only
// alg (1), and refused outright in the unprotected header (RFC 9052 §3.1).
std::optional<AttestationEnvelope> decode_attestation_envelope(std::span<const uint8_t> bytes,
                                                               std::string& problem);

// nullopt, with `problem` naming the field, unless the payload holds every required field with
// its type and size (AWS's NSM API: PCR indexes 0 to 31 of 32, 48 or 64 bytes; certificate
// and each cabundle entry 1 to 1024 bytes; public_key up to 1024, user_data and nonce up to
// 512). Other keys are ignored.
std::optional<AttestationDocument> decode_attestation_payload(std::span<const uint8_t> payload,
                                                              std::string& problem);

}  // namespace eifkit
