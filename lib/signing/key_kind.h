// What a key is, for the messages that refuse it. Internal to lib/signing/.
#pragma once

#include <openssl/evp.h>

#include <optional>
#include <string>

#include "lib/signing/curve.h"

namespace eifkit {

struct KeyKind {
  std::optional<Curve> curve;  // set for a supported EC key
  bool ec = false;
  std::string description;  // "RSA", "Ed25519", "EC on secp256k1"
};

KeyKind classify(const EVP_PKEY* pkey);

}  // namespace eifkit
