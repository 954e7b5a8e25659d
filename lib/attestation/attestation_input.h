// Reading an attestation document as users have it: the raw CBOR an enclave's NSM returned, or
// the same bytes in base64 (what SDKs and KMS logs print) or hex.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace eifkit {

struct AttestationInput {
  std::string path;
  std::vector<uint8_t> bytes;  // the document's CBOR, exactly as received
  std::string encoding;        // "cbor", "base64" or "hex": how the file held it
};

// Error naming the file when it cannot be read, is larger than a document can be, or is
// neither CBOR (an array or a tagged item: what a COSE_Sign1 starts with) nor base64 nor hex
// text.
AttestationInput read_attestation_input(const std::string& path);

}  // namespace eifkit
