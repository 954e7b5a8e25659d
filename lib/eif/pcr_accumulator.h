// Feeds section data to the PCR hashers by the role the section plays: kernel, cmdline and
// ramdisk #0 are the boot stack (PCR1), further ramdisks the application (PCR2), all of them
// the image (PCR0). Shared by the writer and the reader so both measure identically.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "lib/hash/measurements.h"

namespace eifkit {

class PcrAccumulator {
 public:
  // Sections must be begun in file order; metadata and signature sections are not measured.
  void begin_section(uint16_t type);
  // Hashes `data` for the current section and runs the caller's other work on the same
  // bytes. For an application ramdisk (two SHA-384 streams) the work is split over two
  // cores: this thread runs the PCR0 hash and `here`, a second one the PCR2 hash and `there`.
  // Otherwise everything runs here, in order. Each callable may be empty.
  void update(std::span<const uint8_t> data, const std::function<void()>& here,
              const std::function<void()>& there = {});
  Measurements finish();
  // After finish(): SHA-384 of the application ramdisks' bytes (PCR2 before its extend), which
  // is the section digest when there is one application ramdisk.
  const Digest384& app_digest() const { return app_digest_; }

 private:
  enum class Role { kNone, kBoot, kApp };
  Role role_ = Role::kNone;
  int ramdisks_seen_ = 0;
  Sha384 image_;
  // Forked from image_ when the first application ramdisk begins, so the boot stack is
  // hashed once in the usual order.
  std::optional<Sha384> boot_;
  Sha384 app_;
  Digest384 app_digest_{};
};

}  // namespace eifkit
