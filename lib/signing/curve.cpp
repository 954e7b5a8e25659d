#include "lib/signing/curve.h"

#include <openssl/evp.h>
#include <openssl/objects.h>

#include "lib/base/error.h"
#include "lib/signing/curve_openssl.h"
#include "lib/signing/openssl.h"

namespace eifkit {

int curve_nid(Curve c) {
  switch (c) {
    case Curve::kP256:
      return NID_X9_62_prime256v1;
    case Curve::kP384:
      return NID_secp384r1;
    case Curve::kP521:
      return NID_secp521r1;
  }
  return NID_undef;
}

const EVP_MD* curve_md(Curve c) {
  switch (c) {
    case Curve::kP256:
      return EVP_sha256();
    case Curve::kP384:
      return EVP_sha384();
    case Curve::kP521:
      return EVP_sha512();
  }
  return nullptr;
}

Curve parse_curve(const std::string& name) {
  if (name == "P-256" || name == "prime256v1" || name == "secp256r1") return Curve::kP256;
  if (name == "P-384" || name == "secp384r1") return Curve::kP384;
  if (name == "P-521" || name == "secp521r1") return Curve::kP521;
  throw Error("unknown curve \"" + name + "\": " + kSupportedCurves);
}

const char* curve_name(Curve c) {
  switch (c) {
    case Curve::kP256:
      return "P-256";
    case Curve::kP384:
      return "P-384";
    case Curve::kP521:
      return "P-521";
  }
  return "?";
}

size_t curve_coordinate_size(Curve c) {
  switch (c) {
    case Curve::kP256:
      return 32;
    case Curve::kP384:
      return 48;
    case Curve::kP521:
      return 66;
  }
  return 0;
}

size_t curve_digest_size(Curve c) {
  switch (c) {
    case Curve::kP256:
      return 32;
    case Curve::kP384:
      return 48;
    case Curve::kP521:
      return 64;
  }
  return 0;
}

std::vector<uint8_t> digest_for_curve(Curve curve, std::span<const uint8_t> data) {
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  check(EVP_Digest(data.data(), data.size(), out.data(), &len, curve_md(curve), nullptr) == 1,
        "EVP_Digest");
  out.resize(len);
  return out;
}

}  // namespace eifkit
