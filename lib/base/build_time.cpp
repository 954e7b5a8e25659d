#include "lib/base/build_time.h"

#include <cctype>
#include <charconv>

#include "lib/base/error.h"

namespace eifkit {

static constexpr long long kLastRfc3339Second = 253402300799;  // 9999-12-31T23:59:59Z

static bool digits(const std::string& s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

static int number(const std::string& s, size_t pos, size_t n) {
  int v = 0;
  std::from_chars(s.data() + pos, s.data() + pos + n, v);
  return v;
}

// RFC 3339 5.7: a day past the month's end (2030-02-30, 04-31) is not a date; timegm would
// quietly move it into the next month.
static int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool is_rfc3339(const std::string& s) {
  // 2024-01-01T00:00:00
  if (!digits(s, 0, 4) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2) || s[13] != ':' ||
      !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2)) {
    return false;
  }
  int month = number(s, 5, 2), day = number(s, 8, 2);
  int hour = number(s, 11, 2), minute = number(s, 14, 2), second = number(s, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(number(s, 0, 4), month) ||
      hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos == start) return false;
  }
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) return true;
  return pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && digits(s, pos + 1, 2) &&
         s[pos + 3] == ':' && digits(s, pos + 4, 2) && number(s, pos + 1, 2) <= 23 &&
         number(s, pos + 4, 2) <= 59;
}

std::optional<std::time_t> parse_rfc3339(const std::string& s) {
  if (!is_rfc3339(s)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = number(s, 0, 4) - 1900;
  tm.tm_mon = number(s, 5, 2) - 1;
  tm.tm_mday = number(s, 8, 2);
  tm.tm_hour = number(s, 11, 2);
  tm.tm_min = number(s, 14, 2);
  tm.tm_sec = number(s, 17, 2);
  std::time_t t = timegm(&tm);
  char zone = s[s.size() - 6];
  if (zone == '+' || zone == '-') {
    int offset = number(s, s.size() - 5, 2) * 3600 + number(s, s.size() - 2, 2) * 60;
    t += zone == '+' ? -offset : offset;
  }
  return t;
}

std::string format_rfc3339_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buf;
}

std::string resolve_build_time(const std::optional<std::string>& flag,
                               const char* source_date_epoch) {
  if (flag) {
    if (!is_rfc3339(*flag)) {
      throw Error("--build-time: '" + *flag +
                  "' is not an RFC 3339 time (like 2024-01-01T00:00:00+00:00)");
    }
    return *flag;
  }
  if (source_date_epoch && *source_date_epoch) {
    std::string text = source_date_epoch;
    long long seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) {
      throw Error("SOURCE_DATE_EPOCH: '" + text + "' is not a whole number of seconds");
    }
    // RFC 3339 years have four digits.
    if (seconds > kLastRfc3339Second) {
      throw Error("SOURCE_DATE_EPOCH: '" + text + "' is after 9999-12-31T23:59:59+00:00");
    }
    return format_rfc3339_utc(static_cast<std::time_t>(seconds));
  }
  return format_rfc3339_utc(std::time(nullptr));
}

}  // namespace eifkit
