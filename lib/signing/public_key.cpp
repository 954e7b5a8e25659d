#include "lib/signing/public_key.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "lib/base/error.h"
#include "lib/signing/openssl.h"

namespace eifkit {

std::vector<uint8_t> public_key_der_from_pem(const std::vector<uint8_t>& pem,
                                             const std::string& origin) {
  BioPtr bio = read_only_bio(pem, origin);
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!key) fail(origin, "not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(key.get(), &out);
  OpensslBytesPtr owned(out);
  check(len > 0, "i2d_PUBKEY");
  return {out, out + len};
}

}  // namespace eifkit
