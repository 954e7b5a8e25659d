#include "lib/signing_crypto.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>
#include <utility>

#include "formats/hex.h"
#include "lib/certificate.h"
#include "lib/error.h"
#include "lib/file.h"
#include "lib/sha256.h"

namespace eifkit {

namespace {

// ---- RAII for the OpenSSL objects used here -------------------------------------------------

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
// OPENSSL_free is a macro; this wraps the function behind it.
void openssl_free(unsigned char* p) {
  OPENSSL_free(p);
}
using OpensslBytesPtr = std::unique_ptr<unsigned char, Deleter<openssl_free>>;

constexpr uint64_t kMaxPrivateKeyFileSize = 64 << 10;
constexpr const char* kSupportedCurves = "eifkit signs with P-256, P-384 or P-521 keys";

// Failures no input can cause (allocation). Leaves the OpenSSL error queue empty.
void check(bool ok, const char* what) {
  if (!ok) {
    ERR_clear_error();
    throw Error(std::string("OpenSSL: ") + what + " failed");
  }
}

// Wipes key material held in an ordinary buffer when it goes.
struct Cleanse {
  std::vector<uint8_t>& bytes;
  ~Cleanse() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

BioPtr read_only_bio(const std::vector<uint8_t>& bytes, const std::string& origin) {
  if (bytes.size() > INT_MAX) fail(origin, "too large");
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  check(bio != nullptr, "BIO_new_mem_buf");
  return bio;
}

std::string bio_text(BIO* bio) {
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio, &mem);
  return mem ? std::string(mem->data, mem->length) : std::string();
}

std::vector<uint8_t> bio_bytes(BIO* bio) {
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio, &mem);
  if (!mem) return {};
  auto* p = reinterpret_cast<const uint8_t*>(mem->data);
  return {p, p + mem->length};
}

// ---- curves ---------------------------------------------------------------------------------

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

// What a key is, for the messages that refuse it.
struct KeyKind {
  std::optional<Curve> curve;  // set for a supported EC key
  bool ec = false;
  std::string description;  // "RSA", "Ed25519", "EC on secp256k1"
};

KeyKind classify(const EVP_PKEY* pkey) {
  KeyKind kind;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    kind.ec = true;
    char group[80] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) != 1) {
      ERR_clear_error();
      kind.description = "EC with explicit curve parameters";
      return kind;
    }
    int nid = OBJ_sn2nid(group);
    for (Curve c : {Curve::kP256, Curve::kP384, Curve::kP521}) {
      if (nid != NID_undef && nid == curve_nid(c)) kind.curve = c;
    }
    kind.description =
        kind.curve ? std::string("EC ") + curve_name(*kind.curve) : std::string("EC on ") + group;
    return kind;
  }
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
      kind.description = "RSA";
      break;
    case EVP_PKEY_RSA_PSS:
      kind.description = "RSA-PSS";
      break;
    case EVP_PKEY_DSA:
      kind.description = "DSA";
      break;
    case EVP_PKEY_ED25519:
      kind.description = "Ed25519";
      break;
    case EVP_PKEY_ED448:
      kind.description = "Ed448";
      break;
    default: {
      const char* name = EVP_PKEY_get0_type_name(pkey);
      kind.description = name ? name : "of an unknown type";
    }
  }
  return kind;
}

// ---- ECDSA signatures: DER Ecdsa-Sig-Value <-> raw r‖s ------------------------------------

// r‖s, each left-padded to `coordinate` bytes; nullopt when r or s does not fit.
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

// Strict DER: the whole input is one Ecdsa-Sig-Value that re-encodes to the same bytes.
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

// ---- names ----------------------------------------------------------------------------------

// One line, UTF-8 kept as is; escaped ASCII when a value is not valid text.
std::string name_one_line(const X509_NAME* name) {
  for (unsigned long flags :
       {XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_UTF8_CONVERT}) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(bio != nullptr, "BIO_new");
    if (X509_NAME_print_ex(bio.get(), name, 0, flags) >= 0) return bio_text(bio.get());
    ERR_clear_error();
  }
  return "(unprintable name)";
}

std::string entry_text(const ASN1_STRING* value) {
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, value);
  OpensslBytesPtr owned(utf8);
  if (len >= 0) return std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  ERR_clear_error();
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(bio != nullptr, "BIO_new");
  ASN1_STRING_print_ex(bio.get(), value, ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_ESC_MSB);
  return bio_text(bio.get());
}

std::string object_name(const ASN1_OBJECT* obj) {
  int nid = OBJ_obj2nid(obj);
  if (nid != NID_undef) {
    if (const char* ln = OBJ_nid2ln(nid)) return ln;
  }
  char buf[128] = {};
  OBJ_obj2txt(buf, sizeof(buf), obj, 1);
  return buf;
}

std::string time_text(const ASN1_TIME* t) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(bio != nullptr, "BIO_new");
  if (ASN1_TIME_print(bio.get(), t) != 1) {
    ERR_clear_error();
    return "(bad time)";
  }
  return bio_text(bio.get());
}

std::optional<std::time_t> to_time_t(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return timegm(&tm);
}

// "/C=US/O=Example/CN=name" (OpenSSL's -subj form; '\' escapes the next character).
X509NamePtr parse_subject(const std::string& subject) {
  const std::string where = "subject \"" + subject + "\"";
  const std::string form = "expected /TYPE=value/..., e.g. /C=US/O=Example/CN=enclave-signer";
  if (subject.empty() || subject[0] != '/') fail(where, form);
  std::vector<std::pair<std::string, std::string>> parts;
  std::string current;
  bool escaped = false;
  bool seen_equals = false;
  std::string type;
  auto finish = [&] {
    if (!seen_equals || type.empty() || current.empty()) {
      fail(where, "component \"" + (seen_equals ? type + "=" : std::string()) + current +
                      "\" is not TYPE=value");
    }
    parts.emplace_back(std::move(type), std::move(current));
    type.clear();
    current.clear();
    seen_equals = false;
  };
  for (size_t i = 1; i < subject.size(); ++i) {
    char ch = subject[i];
    if (escaped) {
      current += ch;
      escaped = false;
    } else if (ch == '\\') {
      escaped = true;
    } else if (ch == '/') {
      finish();
    } else if (ch == '=' && !seen_equals) {
      type = std::move(current);
      current.clear();
      seen_equals = true;
    } else {
      current += ch;
    }
  }
  if (escaped) fail(where, "ends with a lone backslash");
  if (subject.size() == 1) fail(where, "empty; " + form);
  finish();

  X509NamePtr name(X509_NAME_new());
  check(name != nullptr, "X509_NAME_new");
  for (const auto& [t, value] : parts) {
    if (X509_NAME_add_entry_by_txt(name.get(), t.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      ERR_clear_error();
      ASN1_OBJECT* obj = OBJ_txt2obj(t.c_str(), 0);
      ERR_clear_error();
      if (!obj) fail(where, "unknown attribute type \"" + t + "\"");
      ASN1_OBJECT_free(obj);
      fail(where, "invalid value for " + t + " (\"" + value + "\")");
    }
  }
  return name;
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  check(ext != nullptr, "X509V3_EXT_nconf_nid");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

}  // namespace

// ---- curves ---------------------------------------------------------------------------------

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

// ---- Certificate ----------------------------------------------------------------------------

struct Certificate::Impl {
  std::vector<uint8_t> pem;
  X509Ptr x509;
  std::string origin;
};

Certificate::Certificate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
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

std::string Certificate::sha256_fingerprint() const {
  return to_hex(sha256(der()));
}

// ---- PrivateKey -----------------------------------------------------------------------------

struct PrivateKey::Impl {
  PkeyPtr pkey;
  Curve curve;
};

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
  KeyKind kind = classify(pkey.get());
  if (!kind.ec) fail(path, "not an EC private key (" + kind.description + "): " + kSupportedCurves);
  if (!kind.curve) fail(path, "private key is " + kind.description + ": " + kSupportedCurves);
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
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
