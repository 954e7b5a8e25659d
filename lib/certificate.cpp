#include "lib/certificate.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "lib/error.h"
#include "lib/file.h"

namespace eifkit {

namespace {
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
}  // namespace

std::vector<uint8_t> certificate_der_from_pem(const std::vector<uint8_t>& pem,
                                              const std::string& origin) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw Error(origin + ": out of memory");
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) fail(origin, "not a PEM X.509 certificate");
  int len = i2d_X509(cert.get(), nullptr);
  if (len <= 0) fail(origin, "certificate cannot be DER-encoded");
  std::vector<uint8_t> der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_X509(cert.get(), &p);
  return der;
}

std::vector<uint8_t> certificate_der_from_pem_file(const std::string& path) {
  return certificate_der_from_pem(read_small_file(path, kMaxCertificateFileSize), path);
}

}  // namespace eifkit
