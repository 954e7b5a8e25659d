#include "lib/image/image_limits.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lib/base/error.h"

namespace eifkit {

static uint64_t env_size(const char* name, uint64_t fallback, bool suffixes) {
  const char* value = std::getenv(name);
  if (!value || !*value) return fallback;
  char* end = nullptr;
  errno = 0;
  unsigned long long n = std::strtoull(value, &end, 10);
  int shift = 0;
  if (suffixes && *end) {
    switch (*end) {
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
      default:
        shift = -1;
    }
    if (shift > 0) ++end;
  }
  if (errno || end == value || *end || shift < 0 || value[0] == '-' ||
      (shift > 0 && n > (~0ull >> shift))) {
    throw Error(std::string(name) + "=" + value + ": not a size (a number of " +
                (suffixes ? "bytes, or with a K, M, G or T suffix)" : "entries)"));
  }
  return static_cast<uint64_t>(n) << shift;
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
