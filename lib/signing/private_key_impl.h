// Internal to lib/signing: what a PrivateKey holds, shared by the PEM and PKCS#11 loaders.
#pragma once

#include <memory>
#include <string>

#include "lib/signing/curve.h"
#include "lib/signing/openssl.h"
#include "lib/signing/private_key.h"

namespace eifkit {

struct PrivateKey::Impl {
  // A token key's PKCS#11 context and slots; declared before pkey, so freed after it.
  std::shared_ptr<void> token;
  std::string name;  // the URI without its PIN, for messages (token keys)
  PkeyPtr pkey;
  Curve curve = Curve::kP384;
};

}  // namespace eifkit
