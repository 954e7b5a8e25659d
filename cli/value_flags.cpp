#include "cli/value_flags.h"

#include <optional>
#include <vector>

#include "formats/hex.h"
#include "lib/base/error.h"

namespace eifkit::cli {

CheckTime parse_at_flag(const std::string& text, std::time_t now) {
  return parse_check_time(text, now);
}

std::time_t parse_eif_at_flag(const std::string& text, std::time_t now) {
  CheckTime t = parse_check_time(text, now);
  if (t.kind == CheckTime::Kind::kDocument) {
    throw Error(
        "--at: 'doc' is the time of an attestation document; an EIF has none: give now "
        "or an RFC 3339 time");
  }
  return t.given;
}

std::string parse_pcr_value(const std::string& flag, int index, const std::string& hex) {
  std::optional<std::vector<uint8_t>> bytes = from_hex(hex);
  if (!bytes) throw Error(flag + ": '" + hex + "' is not hex");
  if (bytes->size() != 48) {
    throw Error(flag + ": the value for PCR" + std::to_string(index) + " is " +
                std::to_string(hex.size()) + " hex digits; a PCR is 96 hex digits (SHA-384)");
  }
  return to_hex(*bytes);
}

}  // namespace eifkit::cli
