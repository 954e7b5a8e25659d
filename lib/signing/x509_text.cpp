#include "lib/signing/x509_text.h"

#include <openssl/err.h>
#include <openssl/objects.h>

#include "lib/signing/openssl.h"

namespace eifkit {

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

}  // namespace eifkit
