// The COSE_Sign1 signature of an attestation document: ES384 over
// ["Signature1", protected, h'', payload] with the leaf certificate's key, computed on the
// exact bytes received. AWS's NSM writes the 96-byte signature as r‖s big-endian (RFC 8152);
// QingTian's QTSM writes r and s each little-endian.
#pragma once

#include <string>

#include "lib/attestation/decoded_attestation.h"

namespace eifkit {

enum class AttestationPlatform { kNitro, kQingTian };

const char* platform_name(AttestationPlatform p);  // "nitro", "qingtian"

struct SignatureFinding {
  bool valid = false;
  std::string problem;  // one line when not valid
};

SignatureFinding check_attestation_signature(const DecodedAttestation& d,
                                             AttestationPlatform platform);

}  // namespace eifkit
