// The metadata's BuildTime: --build-time verbatim once it is RFC 3339, else SOURCE_DATE_EPOCH
// in nitro-cli's "+00:00" form, else the clock; and the messages for bad values.
#include "lib/base/build_time.h"

#include <gtest/gtest.h>

#include <ctime>
#include <functional>
#include <optional>
#include <string>

#include "lib/base/error.h"

namespace eifkit {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// ---- is_rfc3339 -------------------------------------------------------------------------

class Rfc3339Accepts : public testing::TestWithParam<std::string> {};

TEST_P(Rfc3339Accepts, Valid) {
  EXPECT_TRUE(is_rfc3339(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(BuildTime, Rfc3339Accepts,
                         testing::Values("2024-01-01T00:00:00Z",                 //
                                         "2024-01-01T00:00:00+00:00",            //
                                         "2024-01-01T00:00:00-00:00",            //
                                         "2024-06-30T12:34:56+05:30",            //
                                         "2024-06-30T12:34:56-08:00",            //
                                         "2024-01-01T00:00:00.5Z",               //
                                         "2024-01-01T00:00:00.123456789+00:00",  //
                                         "2016-12-31T23:59:60Z",                 // leap second
                                         "2024-02-29T00:00:00Z",                 // leap day
                                         "2000-02-29T00:00:00Z",                 // leap day
                                         "2024-04-30T00:00:00Z",                 //
                                         "2024-01-01t00:00:00z",                 // lower case
                                         "9999-12-31T23:59:59+23:59"));

class Rfc3339Rejects : public testing::TestWithParam<std::string> {};

TEST_P(Rfc3339Rejects, Invalid) {
  EXPECT_FALSE(is_rfc3339(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(BuildTime, Rfc3339Rejects,
                         testing::Values("",                           //
                                         "2024-01-01",                 // date only
                                         "2024-01-01T00:00:00",        // missing offset
                                         "2024-01-01T00:00:00.5",      // missing offset
                                         "2024-13-01T00:00:00Z",       // bad month
                                         "2024-00-01T00:00:00Z",       // bad month
                                         "2024-01-00T00:00:00Z",       // bad day
                                         "2024-01-32T00:00:00Z",       // bad day
                                         "2030-02-30T00:00:00Z",       // no such day
                                         "2030-04-31T00:00:00Z",       // no such day
                                         "2023-02-29T00:00:00Z",       // not a leap year
                                         "1900-02-29T00:00:00Z",       // not a leap year
                                         "2024-01-01T24:00:00Z",       // bad hour
                                         "2024-01-01T00:60:00Z",       // bad minute
                                         "2024-01-01T00:00:61Z",       // bad second
                                         "2024-01-01T00:00:00.Z",      // empty fraction
                                         "2024-01-01T00:00:00+0000",   // offset without colon
                                         "2024-01-01T00:00:00+00",     // short offset
                                         "2024-01-01T00:00:00+24:00",  // bad offset hour
                                         "2024-01-01T00:00:00+00:60",  // bad offset minute
                                         "2024-01-01T00:00:00Z ",      // trailing space
                                         " 2024-01-01T00:00:00Z",      // leading space
                                         "2024-01-01X00:00:00Z",       // bad separator
                                         "2024-1-01T00:00:00Z",        // one-digit month
                                         "24-01-01T00:00:00Z",         // two-digit year
                                         "2024/01/01T00:00:00Z",       //
                                         "1704067200",                 // epoch seconds
                                         "yesterday"));

// ---- format_rfc3339_utc -----------------------------------------------------------------

TEST(BuildTime, FormatsUtcWithExplicitZeroOffset) {
  EXPECT_EQ(format_rfc3339_utc(0), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(format_rfc3339_utc(1704067200), "2024-01-01T00:00:00+00:00");
  EXPECT_EQ(format_rfc3339_utc(1709210096), "2024-02-29T12:34:56+00:00");
  EXPECT_EQ(format_rfc3339_utc(253402300799), "9999-12-31T23:59:59+00:00");
  EXPECT_TRUE(is_rfc3339(format_rfc3339_utc(1704067200)));
}

// ---- resolve_build_time -----------------------------------------------------------------

TEST(ResolveBuildTime, FlagIsKeptVerbatim) {
  EXPECT_EQ(resolve_build_time("2024-01-01T00:00:00+00:00", nullptr), "2024-01-01T00:00:00+00:00");
  EXPECT_EQ(resolve_build_time("2024-06-30T12:34:56.789-08:00", nullptr),
            "2024-06-30T12:34:56.789-08:00");
  EXPECT_EQ(resolve_build_time("2024-01-01T00:00:00Z", nullptr), "2024-01-01T00:00:00Z");
}

TEST(ResolveBuildTime, FlagWinsOverSourceDateEpoch) {
  EXPECT_EQ(resolve_build_time("2030-05-05T05:05:05Z", "1704067200"), "2030-05-05T05:05:05Z");
}

TEST(ResolveBuildTime, SourceDateEpochIsFormattedInUtc) {
  EXPECT_EQ(resolve_build_time(std::nullopt, "1704067200"), "2024-01-01T00:00:00+00:00");
  EXPECT_EQ(resolve_build_time(std::nullopt, "0"), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(resolve_build_time(std::nullopt, "253402300799"), "9999-12-31T23:59:59+00:00");
}

TEST(ResolveBuildTime, ClockWhenNeitherIsGiven) {
  for (const char* epoch : {static_cast<const char*>(nullptr), ""}) {
    std::time_t before = std::time(nullptr);
    std::string t = resolve_build_time(std::nullopt, epoch);
    std::time_t after = std::time(nullptr);
    bool matches = false;
    for (std::time_t s = before; s <= after; ++s) matches |= t == format_rfc3339_utc(s);
    EXPECT_TRUE(matches) << t;
  }
}

TEST(ResolveBuildTime, BadFlagMessage) {
  EXPECT_EQ(error_of([] { resolve_build_time("yesterday", nullptr); }),
            "--build-time: 'yesterday' is not an RFC 3339 time (like 2024-01-01T00:00:00+00:00)");
  EXPECT_EQ(error_of([] { resolve_build_time("2024-01-01T00:00:00", nullptr); }),
            "--build-time: '2024-01-01T00:00:00' is not an RFC 3339 time "
            "(like 2024-01-01T00:00:00+00:00)");
}

TEST(ResolveBuildTime, BadFlagIsAnErrorEvenWithSourceDateEpoch) {
  EXPECT_EQ(error_of([] { resolve_build_time("2024-13-01T00:00:00Z", "1704067200"); }),
            "--build-time: '2024-13-01T00:00:00Z' is not an RFC 3339 time "
            "(like 2024-01-01T00:00:00+00:00)");
}

TEST(ResolveBuildTime, BadSourceDateEpochMessages) {
  for (const char* bad : {"abc", "-1", "12.5", "1704067200 ", " 1704067200", "0x10", "1e9",
                          "99999999999999999999999"}) {
    EXPECT_EQ(error_of([&] { resolve_build_time(std::nullopt, bad); }),
              std::string("SOURCE_DATE_EPOCH: '") + bad + "' is not a whole number of seconds");
  }
}

TEST(ResolveBuildTime, SourceDateEpochPastYear9999IsRefused) {
  // Five-digit years are not RFC 3339; nor is what gmtime makes of far larger values.
  for (const char* bad : {"253402300800", "99999999999999999"}) {
    EXPECT_EQ(error_of([&] { resolve_build_time(std::nullopt, bad); }),
              std::string("SOURCE_DATE_EPOCH: '") + bad + "' is after 9999-12-31T23:59:59+00:00");
  }
}

}  // namespace
}  // namespace eifkit
