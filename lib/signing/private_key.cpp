#include "lib/signing/private_key.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/signing/curve_openssl.h"
#include "lib/signing/ecdsa_openssl.h"
#include "lib/signing/key_kind.h"
#include "lib/signing/openssl.h"
#include "lib/signing/private_key_impl.h"
#include "lib/signing/subject_name.h"

namespace eifkit {

namespace {

constexpr uint64_t kMaxPrivateKeyFileSize = 64 << 10;

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  check(ext != nullptr, "X509V3_EXT_nconf_nid");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

}  // namespace

PrivateKey::PrivateKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

namespace {
// Never prompts: an encrypted key makes OpenSSL ask for a passphrase, which is refused.
int refuse_passphrase(char*, int, int, void* asked) {
  *static_cast<bool*>(asked) = true;
  return -1;
}
}  // namespace

PrivateKey PrivateKey::from_pem_file(const std::string& path) {
  std::vector<uint8_t> pem = read_small_file(path, kMaxPrivateKeyFileSize);
  Cleanse wipe{pem};
  BioPtr bio = read_only_bio(pem, path);
  bool asked = false;
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, &asked));
  ERR_clear_error();
  if (asked) fail(path, "encrypted private keys are not supported");
  if (!pkey) fail(path, "not a PEM private key");
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
  return from_impl(std::move(impl), path);
}

PrivateKey PrivateKey::from_impl(std::unique_ptr<Impl> impl, const std::string& name) {
  KeyKind kind = classify(impl->pkey.get());
  if (!kind.ec) fail(name, "not an EC private key (" + kind.description + "): " + kSupportedCurves);
  if (!kind.curve) fail(name, "private key is " + kind.description + ": " + kSupportedCurves);
  impl->curve = *kind.curve;
  return PrivateKey(std::move(impl));
}

PrivateKey PrivateKey::generate(Curve curve) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  check(ctx != nullptr, "EVP_PKEY_CTX_new_from_name");
  check(EVP_PKEY_keygen_init(ctx.get()) == 1, "EVP_PKEY_keygen_init");
  check(EVP_PKEY_CTX_set_group_name(ctx.get(), OBJ_nid2sn(curve_nid(curve))) == 1,
        "EVP_PKEY_CTX_set_group_name");
  EVP_PKEY* raw = nullptr;
  check(EVP_PKEY_generate(ctx.get(), &raw) == 1, "EVP_PKEY_generate");
  auto impl = std::make_unique<Impl>();
  impl->pkey.reset(raw);
  impl->curve = curve;
  return PrivateKey(std::move(impl));
}

Curve PrivateKey::curve() const {
  return impl_->curve;
}

std::vector<uint8_t> PrivateKey::sign_digest(std::span<const uint8_t> digest) const {
  const Curve c = impl_->curve;
  if (digest.size() != curve_digest_size(c)) {
    throw Error("cannot sign a " + std::to_string(digest.size()) + "-byte digest with a " +
                curve_name(c) + " key (expects " + std::to_string(curve_digest_size(c)) +
                " bytes)");
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, impl_->pkey.get(), nullptr));
  check(ctx != nullptr, "EVP_PKEY_CTX_new_from_pkey");
  check(EVP_PKEY_sign_init(ctx.get()) == 1, "EVP_PKEY_sign_init");
  size_t len = 0;
  check(EVP_PKEY_sign(ctx.get(), nullptr, &len, digest.data(), digest.size()) == 1,
        "EVP_PKEY_sign");
  std::vector<uint8_t> der(len);
  check(EVP_PKEY_sign(ctx.get(), der.data(), &len, digest.data(), digest.size()) == 1,
        "EVP_PKEY_sign");
  der.resize(len);
  EcdsaSigPtr sig = parse_der_signature(der);
  check(sig != nullptr, "d2i_ECDSA_SIG");
  auto raw = sig_to_raw(sig.get(), curve_coordinate_size(c));
  check(raw.has_value(), "ECDSA signature conversion");
  return *raw;
}

bool PrivateKey::matches(const Certificate& cert) const {
  std::vector<uint8_t> der = cert.der();
  const unsigned char* p = der.data();
  X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  EVP_PKEY* pub = x509 ? X509_get0_pubkey(x509.get()) : nullptr;
  bool same = pub && EVP_PKEY_eq(impl_->pkey.get(), pub) == 1;
  ERR_clear_error();
  return same;
}

std::vector<uint8_t> PrivateKey::to_pem() const {
  if (impl_->token)
    throw Error(impl_->name + ": the key is held in a PKCS#11 token and cannot be exported");
  // Secure memory: the buffer is wiped when the BIO goes.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  check(bio != nullptr, "BIO_new");
  check(PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                 nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return bio_bytes(bio.get());
}

std::vector<uint8_t> PrivateKey::self_signed_certificate(const std::string& subject, int days,
                                                         std::time_t not_before) const {
  if (days < 1) {
    throw Error("certificate validity of " + std::to_string(days) + " days: must be at least 1");
  }
  X509NamePtr name = parse_subject(subject);
  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509* x = cert.get();
  check(X509_set_version(x, X509_VERSION_3) == 1, "X509_set_version");

  unsigned char serial_bytes[16];
  check(RAND_bytes(serial_bytes, sizeof(serial_bytes)) == 1, "RAND_bytes");
  serial_bytes[0] &= 0x7f;  // positive, and 16 bytes long
  if (serial_bytes[0] == 0) serial_bytes[0] = 1;
  BignumPtr serial_bn(BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr));
  check(serial_bn != nullptr, "BN_bin2bn");
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(serial_bn.get(), nullptr));
  check(serial != nullptr, "BN_to_ASN1_INTEGER");
  check(X509_set_serialNumber(x, serial.get()) == 1, "X509_set_serialNumber");

  check(X509_set_subject_name(x, name.get()) == 1 && X509_set_issuer_name(x, name.get()) == 1,
        "X509_set_subject_name");
  if (!ASN1_TIME_set(X509_getm_notBefore(x), not_before) ||
      !ASN1_TIME_adj(X509_getm_notAfter(x), not_before, days, 0)) {
    ERR_clear_error();
    throw Error("certificate validity of " + std::to_string(days) +
                " days from the given start cannot be encoded");
  }
  check(X509_set_pubkey(x, impl_->pkey.get()) == 1, "X509_set_pubkey");
  add_extension(x, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(x, NID_subject_key_identifier, "hash");
  add_extension(x, NID_authority_key_identifier, "keyid:always");
  check(X509_sign(x, impl_->pkey.get(), curve_md(impl_->curve)) > 0, "X509_sign");

  BioPtr bio(BIO_new(BIO_s_mem()));
  check(bio != nullptr, "BIO_new");
  check(PEM_write_bio_X509(bio.get(), x) == 1, "PEM_write_bio_X509");
  return bio_bytes(bio.get());
}

}  // namespace eifkit
