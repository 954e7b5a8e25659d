#include "lib/signing/openssl.h"

#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include <climits>

#include "lib/base/error.h"

namespace eifkit {

void openssl_free(unsigned char* p) {
  OPENSSL_free(p);
}

void check(bool ok, const char* what) {
  if (!ok) {
    ERR_clear_error();
    throw Error(std::string("OpenSSL: ") + what + " failed");
  }
}

Cleanse::~Cleanse() {
  OPENSSL_cleanse(bytes.data(), bytes.size());
}

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

}  // namespace eifkit
