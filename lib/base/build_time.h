// Where a build's timestamp comes from: --build-time, else SOURCE_DATE_EPOCH, else the clock.
#pragma once

#include <ctime>
#include <optional>
#include <string>

namespace eifkit {

// True for an RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM).
bool is_rfc3339(const std::string& text);

// Seconds since the epoch for an RFC 3339 time (fractions dropped); nullopt when malformed.
std::optional<std::time_t> parse_rfc3339(const std::string& text);

// "YYYY-MM-DDTHH:MM:SS+00:00", the form nitro-cli's builder writes.
std::string format_rfc3339_utc(std::time_t t);

// flag: --build-time as given (kept verbatim once validated, so a vector's time reproduces
// exactly); source_date_epoch: the environment variable's value, if set.
std::string resolve_build_time(const std::optional<std::string>& flag,
                               const char* source_date_epoch);

}  // namespace eifkit
