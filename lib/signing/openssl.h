// RAII for the OpenSSL objects the signing code holds, and the few helpers every file of it
// needs. Internal to lib/signing/: nothing outside it sees an OpenSSL type.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

namespace eifkit {

template <auto Free>
struct OpensslDeleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, OpensslDeleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, OpensslDeleter<X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpensslDeleter<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpensslDeleter<X509_EXTENSION_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpensslDeleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpensslDeleter<EVP_PKEY_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpensslDeleter<ECDSA_SIG_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpensslDeleter<BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpensslDeleter<ASN1_INTEGER_free>>;
// OPENSSL_free is a macro; this wraps the function behind it.
void openssl_free(unsigned char* p);
using OpensslBytesPtr = std::unique_ptr<unsigned char, OpensslDeleter<openssl_free>>;

inline constexpr const char* kSupportedCurves = "eifkit signs with P-256, P-384 or P-521 keys";

// Failures no input can cause (allocation). Leaves the OpenSSL error queue empty.
void check(bool ok, const char* what);

// Wipes key material held in an ordinary buffer when it goes.
struct Cleanse {
  std::vector<uint8_t>& bytes;
  ~Cleanse();
};

BioPtr read_only_bio(const std::vector<uint8_t>& bytes, const std::string& origin);
std::string bio_text(BIO* bio);
std::vector<uint8_t> bio_bytes(BIO* bio);

}  // namespace eifkit
