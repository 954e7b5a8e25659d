// `verify`: every check a deployer relies on, each reported by name — CRC, the COSE signature
// with the certificate's key, the signed payload against the image's own PCR0 (nitro-cli's
// SignatureCheck), the certificate's validity window, and optional expected PCR0, PCR8 and
// certificate.
#pragma once

#include <ctime>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/eif/eif_reader.h"

namespace eifkit {

struct VerifyOptions {
  std::optional<std::string> certificate;  // expected signing certificate (PEM file)
  std::optional<std::string> pcr0, pcr8;   // expected values, hex (any case)
  std::time_t at = 0;                      // when the certificate must be valid
};

struct VerifyReport {
  nlohmann::json json;
  bool passed = false;
};

VerifyReport verify_eif(const EifImage& image, const EifScan& scan, const VerifyOptions& options);

}  // namespace eifkit
