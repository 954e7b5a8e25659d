#include "lib/hash/measurements.h"

#include "formats/hex.h"

namespace eifkit {

Pcr extend_pcr(std::span<const uint8_t> data) {
  static constexpr std::array<uint8_t, 48> kZeroRegister{};
  Sha384 h;
  h.update(kZeroRegister);
  h.update(data);
  return h.finish();
}

Pcr pcr_from_digest(const Digest384& digest) {
  return extend_pcr(digest);
}

nlohmann::json measurements_json(const Measurements& m) {
  nlohmann::json j = {
      {"HashAlgorithm", "Sha384 { ... }"},
      {"PCR0", to_hex(m.pcr0)},
      {"PCR1", to_hex(m.pcr1)},
      {"PCR2", to_hex(m.pcr2)},
  };
  if (m.pcr8) j["PCR8"] = to_hex(*m.pcr8);
  return j;
}

}  // namespace eifkit
