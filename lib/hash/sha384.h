// An incremental SHA-384 (OpenSSL EVP) whose state can be copied: the EIF writer hashes
// kernel ‖ cmdline ‖ ramdisk0 once and forks the state for PCR1 and PCR0.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

namespace eifkit {

using Digest384 = std::array<uint8_t, 48>;

class Sha384 {
 public:
  Sha384();
  Sha384(const Sha384& other);
  Sha384& operator=(const Sha384& other);
  Sha384(Sha384&&) noexcept = default;
  Sha384& operator=(Sha384&&) noexcept = default;
  ~Sha384();

  void update(std::span<const uint8_t> data);
  // Leaves this hasher unusable; copy it first to keep going.
  Digest384 finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

Digest384 sha384(std::span<const uint8_t> data);

}  // namespace eifkit
