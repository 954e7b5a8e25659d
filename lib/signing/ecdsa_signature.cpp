#include "lib/signing/ecdsa_signature.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include <climits>

#include "lib/base/error.h"
#include "lib/signing/ecdsa_openssl.h"

namespace eifkit {

std::optional<std::vector<uint8_t>> sig_to_raw(const ECDSA_SIG* sig, size_t coordinate) {
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  for (const BIGNUM* v : {r, s}) {
    if (BN_is_negative(v) || static_cast<size_t>(BN_num_bytes(v)) > coordinate) {
      return std::nullopt;
    }
  }
  std::vector<uint8_t> raw(2 * coordinate);
  int n = static_cast<int>(coordinate);
  check(BN_bn2binpad(r, raw.data(), n) == n && BN_bn2binpad(s, raw.data() + coordinate, n) == n,
        "BN_bn2binpad");
  return raw;
}

EcdsaSigPtr parse_der_signature(std::span<const uint8_t> der) {
  if (der.empty() || der.size() > INT_MAX) return nullptr;
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!sig || p != der.data() + der.size()) return nullptr;
  unsigned char* out = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &out);
  OpensslBytesPtr owned(out);
  if (len <= 0 || static_cast<size_t>(len) != der.size() ||
      CRYPTO_memcmp(out, der.data(), der.size()) != 0) {
    return nullptr;
  }
  return sig;
}

std::vector<uint8_t> raw_to_der(std::span<const uint8_t> raw) {
  size_t half = raw.size() / 2;
  BignumPtr r(BN_bin2bn(raw.data(), static_cast<int>(half), nullptr));
  BignumPtr s(BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  check(r && s && sig, "ECDSA_SIG_new");
  check(ECDSA_SIG_set0(sig.get(), r.get(), s.get()) == 1, "ECDSA_SIG_set0");
  r.release();  // now owned by sig
  s.release();
  unsigned char* out = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &out);
  OpensslBytesPtr owned(out);
  check(len > 0, "i2d_ECDSA_SIG");
  return {out, out + len};
}

bool verify_raw(EVP_PKEY* pkey, Curve curve, std::span<const uint8_t> digest,
                std::span<const uint8_t> raw) {
  if (raw.size() != 2 * curve_coordinate_size(curve)) return false;
  if (digest.size() != curve_digest_size(curve)) return false;
  std::vector<uint8_t> der = raw_to_der(raw);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  check(ctx != nullptr, "EVP_PKEY_CTX_new_from_pkey");
  check(EVP_PKEY_verify_init(ctx.get()) == 1, "EVP_PKEY_verify_init");
  int rc = EVP_PKEY_verify(ctx.get(), der.data(), der.size(), digest.data(), digest.size());
  ERR_clear_error();
  return rc == 1;
}

std::vector<uint8_t> raw_signature_to_der(std::span<const uint8_t> raw) {
  return raw_to_der(raw);
}

std::vector<uint8_t> signature_to_raw(std::span<const uint8_t> signature, Curve curve,
                                      const std::string& origin) {
  const size_t coordinate = curve_coordinate_size(curve);
  if (EcdsaSigPtr sig = parse_der_signature(signature)) {
    if (auto raw = sig_to_raw(sig.get(), coordinate)) return *raw;
    fail(origin, std::string("DER ECDSA signature values are too large for ") + curve_name(curve));
  }
  if (signature.size() == 2 * coordinate) return {signature.begin(), signature.end()};
  fail(origin, "not a DER ECDSA signature nor a raw r‖s of " + std::to_string(2 * coordinate) +
                   " bytes for " + curve_name(curve));
}

}  // namespace eifkit
