#include "lib/attestation/attestation_input.h"

#include <algorithm>

#include "formats/attestation_document.h"
#include "formats/base64.h"
#include "formats/hex.h"
#include "lib/base/error.h"
#include "lib/base/file.h"

namespace eifkit {

namespace {

// A COSE_Sign1 starts with an array (major type 4: 0x80 to 0x9f) or a tag in front of one
// (major type 6: 0xc0 to 0xdf; 18, 98 for a COSE_Sign, 55799 for self-described CBOR). Every
// such byte is at least 0x80, never base64 or hex text; taking them all as CBOR lets the
// decoder say what the bytes are instead of "neither CBOR nor text".
bool looks_like_cbor(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return false;
  const int major = bytes[0] >> 5;
  return major == 4 || major == 6;
}

bool is_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

AttestationInput read_attestation_input(const std::string& path) {
  // Hex doubles the size; a little more for line breaks.
  constexpr uint64_t kMaxFile = 2 * kMaxAttestationDocumentBytes + (64 << 10);
  AttestationInput in{path, read_small_file(path, kMaxFile), "cbor"};
  if (looks_like_cbor(in.bytes)) {
    if (in.bytes.size() > kMaxAttestationDocumentBytes) {
      fail(path, "is " + std::to_string(in.bytes.size()) +
                     " bytes; an attestation document is at most " +
                     std::to_string(kMaxAttestationDocumentBytes));
    }
    return in;
  }
  std::string text;
  text.reserve(in.bytes.size());
  for (uint8_t c : in.bytes) {
    if (!is_space(c)) text.push_back(static_cast<char>(c));
  }
  if (text.empty()) fail(path, "is empty; expected an attestation document");
  std::optional<std::vector<uint8_t>> decoded;
  if (text.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
    decoded = from_hex(text);
    in.encoding = "hex";
  }
  if (!decoded) {
    decoded = base64_decode(text);
    in.encoding = "base64";
  }
  if (!decoded || !looks_like_cbor(*decoded)) {
    fail(path,
         "is not an attestation document: neither CBOR (a COSE_Sign1) nor base64 or hex of one");
  }
  in.bytes = std::move(*decoded);
  if (in.bytes.size() > kMaxAttestationDocumentBytes) {
    fail(path, "holds " + std::to_string(in.bytes.size()) +
                   " bytes; an attestation document is at most " +
                   std::to_string(kMaxAttestationDocumentBytes));
  }
  return in;
}

}  // namespace eifkit
