#include "lib/hash/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "formats/hex.h"

namespace eifkit {

struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

static void check(int ok) {
  // Only allocation failure makes these fail; no input can.
  if (ok != 1) throw std::runtime_error("OpenSSL SHA-256 failed");
}

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  check(ctx_->md != nullptr);
  check(EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr));
}

Sha256::~Sha256() = default;

void Sha256::update(std::span<const uint8_t> data) {
  check(EVP_DigestUpdate(ctx_->md, data.data(), data.size()));
}

Digest256 Sha256::finish() {
  Digest256 out{};
  unsigned len = 0;
  check(EVP_DigestFinal_ex(ctx_->md, out.data(), &len));
  return out;
}

Digest256 sha256(std::span<const uint8_t> data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

std::string sha256_digest_string(const Digest256& digest) {
  return "sha256:" + to_hex(digest);
}

bool is_sha256_digest(std::string_view text) {
  constexpr std::string_view kPrefix = "sha256:";
  if (text.size() != kPrefix.size() + 64 || text.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  return is_lower_hex(text.substr(kPrefix.size()));
}

}  // namespace eifkit
