// What a signature section says about an image: its certificate, whether the COSE signature
// verifies with that certificate's key, and whether the signed payload is {0, PCR0} of the
// image (nitro-cli's SignatureCheck). Shared by describe and verify.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/hash/measurements.h"
#include "lib/signing/certificate.h"
#include "lib/signing/curve.h"
#include "lib/signing/ecdsa_signature.h"
#include "lib/signing/private_key.h"

namespace eifkit {

struct SignatureFacts {
  Certificate certificate;
  bool signature_valid = false;  // COSE signature verifies with the certificate's key
  bool payload_matches = false;  // payload == {"register_index": 0, "register_value": PCR0}
  std::string problem;           // why either is false, for messages
};

// Throws Error (naming `path`) when the section cannot be decoded at all.
SignatureFacts check_signature_section(const std::vector<uint8_t>& section, const Pcr& pcr0,
                                       const std::string& path);

}  // namespace eifkit
