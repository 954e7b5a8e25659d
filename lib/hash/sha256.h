// An incremental SHA-256 (OpenSSL EVP): image blobs and layer diff_ids are named by it, and
// layers are hashed as they stream past, never held whole.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace eifkit {

using Digest256 = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  Sha256(Sha256&&) noexcept = default;
  Sha256& operator=(Sha256&&) noexcept = default;
  ~Sha256();

  void update(std::span<const uint8_t> data);
  // Leaves this hasher unusable.
  Digest256 finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

Digest256 sha256(std::span<const uint8_t> data);
// "sha256:" + lowercase hex, the form OCI digests and diff_ids take.
std::string sha256_digest_string(const Digest256& digest);
// True for exactly "sha256:" + 64 lowercase hex digits: only such a string may become part of
// a file name.
bool is_sha256_digest(std::string_view text);

}  // namespace eifkit
