// One parser per kind of flag value, so that each kind takes the same forms in every command:
// a check time (--at) and a PCR value.
#pragma once

#include <ctime>
#include <string>

#include "lib/attestation/attestation_verify.h"

namespace eifkit::cli {

// --at of the attestation commands: now, doc (the document's own timestamp) or an RFC 3339
// time. `now` is the clock's reading.
CheckTime parse_at_flag(const std::string& text, std::time_t now);

// --at of verify: the same forms but doc, which an EIF has no time of its own for.
std::time_t parse_eif_at_flag(const std::string& text, std::time_t now);

// A PCR value given to `flag` for PCR `index`: exactly 96 hex digits (SHA-384), any case;
// returned in lowercase. Error naming the flag, the index and the length otherwise.
std::string parse_pcr_value(const std::string& flag, int index, const std::string& hex);

}  // namespace eifkit::cli
