// The EIF signature section: a CBOR array of {"signing_certificate": PEM bytes, "signature":
// COSE_Sign1 bytes}, every byte field written as an array of CBOR unsigned integers (as
// serde_cbor writes Vec<u8>; the reference reader rejects byte strings).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace eifkit {

// nitro-cli's cap on a signature section; readers refuse a larger one, so none is written.
inline constexpr uint64_t kMaxSignatureSize = 32 << 10;

struct SignatureEntry {
  std::vector<uint8_t> certificate_pem;
  std::vector<uint8_t> cose_sign1;
};

std::vector<uint8_t> encode_signature_section(const std::vector<SignatureEntry>& entries);
// nullopt, with `problem` set, for anything but that shape. Callers bound the input size.
std::optional<std::vector<SignatureEntry>> decode_signature_section(std::span<const uint8_t> bytes,
                                                                    std::string& problem);

}  // namespace eifkit
