#include "lib/hash/sha384.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace eifkit {

struct Sha384::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

static void check(int ok) {
  // Only allocation failure makes these fail; no input can.
  if (ok != 1) throw std::runtime_error("OpenSSL SHA-384 failed");
}

Sha384::Sha384() : ctx_(std::make_unique<Ctx>()) {
  check(ctx_->md != nullptr);
  check(EVP_DigestInit_ex(ctx_->md, EVP_sha384(), nullptr));
}

Sha384::Sha384(const Sha384& other) : ctx_(std::make_unique<Ctx>()) {
  check(ctx_->md != nullptr);
  check(EVP_MD_CTX_copy_ex(ctx_->md, other.ctx_->md));
}

Sha384& Sha384::operator=(const Sha384& other) {
  if (this != &other) check(EVP_MD_CTX_copy_ex(ctx_->md, other.ctx_->md));
  return *this;
}

Sha384::~Sha384() = default;

void Sha384::update(std::span<const uint8_t> data) {
  check(EVP_DigestUpdate(ctx_->md, data.data(), data.size()));
}

Digest384 Sha384::finish() {
  Digest384 out{};
  unsigned len = 0;
  check(EVP_DigestFinal_ex(ctx_->md, out.data(), &len));
  return out;
}

Digest384 sha384(std::span<const uint8_t> data) {
  Sha384 h;
  h.update(data);
  return h.finish();
}

}  // namespace eifkit
