#include "lib/signing/certificate.h"

#include "lib/signing/certificate_x509.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "formats/hex.h"
#include "lib/base/build_time.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/hash/sha256.h"
#include "lib/signing/ecdsa_openssl.h"
#include "lib/signing/key_kind.h"
#include "lib/signing/openssl.h"
#include "lib/signing/x509_text.h"

namespace eifkit {

struct Certificate::Impl {
  std::vector<uint8_t> pem;
  X509Ptr x509;
  std::string origin;
};

Certificate::Certificate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

X509* x509_of(const Certificate& certificate) {
  return certificate.impl_->x509.get();
}
Certificate::Certificate(Certificate&&) noexcept = default;
Certificate& Certificate::operator=(Certificate&&) noexcept = default;
Certificate::~Certificate() = default;

Certificate Certificate::from_pem(const std::vector<uint8_t>& pem, const std::string& origin) {
  BioPtr bio = read_only_bio(pem, origin);
  X509Ptr x509(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!x509) fail(origin, "not a PEM X.509 certificate");
  auto impl = std::make_unique<Impl>();
  impl->pem = pem;
  impl->x509 = std::move(x509);
  impl->origin = origin;
  return Certificate(std::move(impl));
}

Certificate Certificate::from_der(std::span<const uint8_t> der, const std::string& origin) {
  const unsigned char* p = der.data();
  X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!x509) fail(origin, "not a DER X.509 certificate");
  if (p != der.data() + der.size()) {
    fail(origin,
         "has " + std::to_string(der.data() + der.size() - p) + " bytes after the DER certificate");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(bio && PEM_write_bio_X509(bio.get(), x509.get()) == 1, "PEM_write_bio_X509");
  auto impl = std::make_unique<Impl>();
  impl->pem = bio_bytes(bio.get());
  impl->x509 = std::move(x509);
  impl->origin = origin;
  return Certificate(std::move(impl));
}

Certificate Certificate::from_pem_file(const std::string& path) {
  return from_pem(read_small_file(path, kMaxCertificateFileSize), path);
}

const std::vector<uint8_t>& Certificate::pem() const {
  return impl_->pem;
}
const std::string& Certificate::origin() const {
  return impl_->origin;
}

std::vector<uint8_t> Certificate::der() const {
  unsigned char* out = nullptr;
  int len = i2d_X509(impl_->x509.get(), &out);
  OpensslBytesPtr owned(out);
  if (len <= 0) {
    ERR_clear_error();
    fail(impl_->origin, "certificate cannot be DER-encoded");
  }
  return {out, out + len};
}

Curve Certificate::curve() const {
  EVP_PKEY* pkey = X509_get0_pubkey(impl_->x509.get());
  if (!pkey) {
    ERR_clear_error();
    fail(impl_->origin, std::string("certificate public key cannot be read; ") + kSupportedCurves);
  }
  KeyKind kind = classify(pkey);
  if (!kind.curve) {
    fail(impl_->origin, "certificate key is " + kind.description + "; " + kSupportedCurves);
  }
  return *kind.curve;
}

bool Certificate::verify_digest(std::span<const uint8_t> digest,
                                std::span<const uint8_t> raw_signature) const {
  Curve c = curve();
  return verify_raw(X509_get0_pubkey(impl_->x509.get()), c, digest, raw_signature);
}

bool Certificate::valid_at(std::time_t t) const {
  auto not_before = to_time_t(X509_get0_notBefore(impl_->x509.get()));
  auto not_after = to_time_t(X509_get0_notAfter(impl_->x509.get()));
  return not_before && not_after && *not_before <= t && t <= *not_after;
}

std::string Certificate::validity_problem(std::time_t t) const {
  auto not_before = to_time_t(X509_get0_notBefore(impl_->x509.get()));
  auto not_after = to_time_t(X509_get0_notAfter(impl_->x509.get()));
  if (!not_before || !not_after) return "its validity dates cannot be read";
  if (t > *not_after) return "expired on " + format_rfc3339_utc(*not_after);
  if (t < *not_before) return "is not valid before " + format_rfc3339_utc(*not_before);
  return "";
}

nlohmann::json Certificate::describe() const {
  const X509* x = impl_->x509.get();
  nlohmann::json issuer = nlohmann::json::object();
  const X509_NAME* name = X509_get_issuer_name(x);
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    issuer[object_name(X509_NAME_ENTRY_get_object(entry))] =
        entry_text(X509_NAME_ENTRY_get_data(entry));
  }
  const ASN1_BIT_STRING* signature = nullptr;
  const X509_ALGOR* algorithm = nullptr;
  X509_get0_signature(&signature, &algorithm, x);
  const ASN1_OBJECT* algorithm_obj = nullptr;
  X509_ALGOR_get0(&algorithm_obj, nullptr, nullptr, algorithm);
  char algorithm_name[128] = {};
  OBJ_obj2txt(algorithm_name, sizeof(algorithm_name), algorithm_obj, 0);

  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string signature_hex;
  const unsigned char* sig = ASN1_STRING_get0_data(signature);
  for (int i = 0; i < ASN1_STRING_length(signature); ++i) {
    if (i) signature_hex += ':';
    signature_hex += kHex[sig[i] >> 4];
    signature_hex += kHex[sig[i] & 0xf];
  }
  return {{"IssuerName", issuer},
          {"Algorithm", algorithm_name},
          {"NotBefore", time_text(X509_get0_notBefore(x))},
          {"NotAfter", time_text(X509_get0_notAfter(x))},
          {"Signature", signature_hex}};
}

std::string Certificate::subject() const {
  return name_one_line(X509_get_subject_name(impl_->x509.get()));
}

std::string Certificate::issuer() const {
  return name_one_line(X509_get_issuer_name(impl_->x509.get()));
}

std::string Certificate::serial_hex() const {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(impl_->x509.get());
  std::string hex =
      to_hex({ASN1_STRING_get0_data(serial), static_cast<size_t>(ASN1_STRING_length(serial))});
  // The number, as tools print it: no leading zeros.
  size_t first = hex.find_first_not_of('0');
  return first == std::string::npos ? "0" : hex.substr(first);
}

std::optional<std::time_t> Certificate::not_before() const {
  return to_time_t(X509_get0_notBefore(impl_->x509.get()));
}

std::optional<std::time_t> Certificate::not_after() const {
  return to_time_t(X509_get0_notAfter(impl_->x509.get()));
}

std::string Certificate::sha256_fingerprint() const {
  return to_hex(sha256(der()));
}

std::vector<uint8_t> certificate_der_from_pem(const std::vector<uint8_t>& pem,
                                              const std::string& origin) {
  return Certificate::from_pem(pem, origin).der();
}

std::vector<uint8_t> certificate_der_from_pem_file(const std::string& path) {
  return certificate_der_from_pem(read_small_file(path, kMaxCertificateFileSize), path);
}

}  // namespace eifkit
