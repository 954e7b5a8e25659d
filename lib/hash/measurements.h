// PCR arithmetic: extend(x) = SHA-384(48 zero bytes ‖ x), and the measurement set of an image.
#pragma once

#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/hash/sha384.h"

namespace eifkit {

using Pcr = Digest384;

// A PCR register starting at zero and extended once with `data`.
Pcr extend_pcr(std::span<const uint8_t> data);
// The image PCRs: extend of the SHA-384 digest of the measured bytes.
Pcr pcr_from_digest(const Digest384& digest);

struct Measurements {
  Pcr pcr0{};               // kernel ‖ cmdline ‖ all ramdisks
  Pcr pcr1{};               // kernel ‖ cmdline ‖ ramdisk #0
  Pcr pcr2{};               // ramdisks #1..n
  std::optional<Pcr> pcr8;  // signing certificate, signed images only
};

// {"HashAlgorithm": "Sha384 { ... }", "PCR0": hex, ...} as nitro-cli prints it.
nlohmann::json measurements_json(const Measurements& m);

}  // namespace eifkit
