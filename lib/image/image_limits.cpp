#include "lib/image/image_limits.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lib/base/error.h"

namespace eifkit {

// A limit from the environment: digits only, more than 0, within 64 bits; with `suffixes`,
// one K, M, G or T (powers of 1024) may follow. strtoull is not used: it skips spaces and
// accepts a sign, so " -1" would read as 2^64 - 1, the opposite of a limit.
static uint64_t env_size(const char* name, uint64_t fallback, bool suffixes) {
  const char* value = std::getenv(name);
  if (!value || !*value) return fallback;  // set but empty: as if unset
  std::string text = value;
  int shift = 0;
  if (suffixes && !text.empty()) {
    switch (text.back()) {
      case 'K':
      case 'k':
        shift = 10;
        break;
      case 'M':
      case 'm':
        shift = 20;
        break;
      case 'G':
      case 'g':
        shift = 30;
        break;
      case 'T':
      case 't':
        shift = 40;
        break;
    }
  }
  std::string digits = shift ? text.substr(0, text.size() - 1) : text;
  std::string quoted = std::string(name) + "=\"" + text + "\"";
  bool all_digits = !digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos;
  if (!all_digits || digits.find_first_not_of('0') == std::string::npos) {
    throw Error(quoted + (suffixes ? ": not a size (a positive number of bytes, digits only, "
                                     "optionally with a K, M, G or T suffix)"
                                   : ": not a count (a positive number of entries, digits only)"));
  }
  uint64_t n = 0;
  for (char c : digits) {
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) throw Error(quoted + ": too large (more than 2^64 - 1)");
    n = n * 10 + d;
  }
  if (n > (UINT64_MAX >> shift)) throw Error(quoted + ": too large (more than 2^64 - 1 bytes)");
  return n << shift;
}

ImageLimits image_limits() {
  ImageLimits l;
  l.max_file_bytes = env_size("EIFKIT_MAX_IMAGE_SIZE", l.max_file_bytes, true);
  l.max_entries = env_size("EIFKIT_MAX_IMAGE_ENTRIES", l.max_entries, false);
  return l;
}

void refuse_count_over(size_t count, size_t limit, const std::string& where, const char* what) {
  if (count <= limit) return;
  fail(where,
       "lists " + std::to_string(count) + " " + what + "; the limit is " + std::to_string(limit));
}

std::string human_bytes(uint64_t bytes) {
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes);
  int unit = -1;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf,
                v == static_cast<double>(static_cast<uint64_t>(v)) ? "%.0f %s" : "%.1f %s", v,
                kUnits[unit]);
  return buf;
}

}  // namespace eifkit
