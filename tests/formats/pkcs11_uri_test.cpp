#include "formats/pkcs11_uri.h"

#include <gtest/gtest.h>

namespace eifkit {
namespace {

std::string problem_of(const std::string& text) {
  std::string problem;
  EXPECT_FALSE(parse_pkcs11_uri(text, problem)) << text;
  return problem;
}

TEST(Pkcs11Uri, PathAndQueryAttributesPercentDecoded) {
  std::string problem;
  auto uri = parse_pkcs11_uri(
      "pkcs11:token=my%20token;object=signer;id=%01%ff?pin-source=file:/run/pin&module-path=/m.so",
      problem);
  ASSERT_TRUE(uri) << problem;
  EXPECT_EQ(uri->path.at("token"), "my token");
  EXPECT_EQ(uri->path.at("object"), "signer");
  EXPECT_EQ(uri->path.at("id"), std::string("\x01\xff", 2));
  EXPECT_EQ(uri->query.at("pin-source"), "file:/run/pin");
  EXPECT_EQ(uri->query.at("module-path"), "/m.so");
}

TEST(Pkcs11Uri, TheSchemeIsCaseInsensitiveAndMayStandAlone) {
  std::string problem;
  auto uri = parse_pkcs11_uri("PKCS11:", problem);
  ASSERT_TRUE(uri) << problem;
  EXPECT_TRUE(uri->path.empty());
  EXPECT_TRUE(is_pkcs11_uri("Pkcs11:object=x"));
  EXPECT_FALSE(is_pkcs11_uri("/keys/pkcs11:x.pem"));
  EXPECT_FALSE(is_pkcs11_uri("key.pem"));
}

TEST(Pkcs11Uri, NamesAreCaseInsensitiveAndValuesKeepTheirCase) {
  std::string problem;
  auto uri = parse_pkcs11_uri("pkcs11:TOKEN=Enclave;Object=Signer?PIN-VALUE=AbC&Module-Path=/M.so",
                              problem);
  ASSERT_TRUE(uri) << problem;
  const std::map<std::string, std::string> path = {{"object", "Signer"}, {"token", "Enclave"}};
  const std::map<std::string, std::string> query = {{"module-path", "/M.so"}, {"pin-value", "AbC"}};
  EXPECT_EQ(uri->path, path);
  EXPECT_EQ(uri->query, query);
}

TEST(Pkcs11Uri, APinValueInThePathIsThePin) {
  std::string problem;
  auto uri = parse_pkcs11_uri("pkcs11:token=t;object=k;pin-value=1234", problem);
  ASSERT_TRUE(uri) << problem;
  const std::map<std::string, std::string> path = {{"object", "k"}, {"token", "t"}};
  const std::map<std::string, std::string> query = {{"pin-value", "1234"}};
  EXPECT_EQ(uri->path, path);
  EXPECT_EQ(uri->query, query);
}

TEST(Pkcs11Uri, APercentEncodedNameIsTheNameItEncodes) {
  std::string problem;
  auto uri = parse_pkcs11_uri("pkcs11:object=k?Pin%2Dvalue=12%2634%3B", problem);
  ASSERT_TRUE(uri) << problem;
  EXPECT_EQ(uri->query.at("pin-value"), "12&34;");
}

TEST(Pkcs11Uri, MalformedUrisSayWhy) {
  EXPECT_EQ(problem_of("file:key.pem"), "not a pkcs11: URI");
  EXPECT_EQ(problem_of("pkcs11:token"), "the path has an attribute without '='");
  EXPECT_EQ(problem_of("pkcs11:=x"), "path attribute with an empty name");
  EXPECT_EQ(problem_of("pkcs11:id=%0"), "bad percent escape in id");
  EXPECT_EQ(problem_of("pkcs11:id=%zz"), "bad percent escape in id");
  EXPECT_EQ(problem_of("pkcs11:ob%zzject=a"), "bad percent escape in a path attribute name");
  EXPECT_EQ(problem_of("pkcs11:ob ject=a"),
            "a path attribute name holds a character other than a letter, digit, '-' or '_'");
  EXPECT_EQ(problem_of("pkcs11:object=a;object=b"), "object is given twice");
  EXPECT_EQ(problem_of("pkcs11:object=a;OBJECT=b"), "object is given twice");
  EXPECT_EQ(problem_of("pkcs11:object=a?pin-value"), "the query has an attribute without '='");
  EXPECT_EQ(problem_of("pkcs11:object=a?x=1&x=2"), "x is given twice");
}

// The problems of URIs holding a PIN, most of them "S3cr&t;9": none quotes any text of it.
TEST(Pkcs11Uri, ProblemsOfAUriHoldingAPinQuoteNoneOfIt) {
  EXPECT_EQ(problem_of("pkcs11:object=k?pin-value=S3cr&t;9"),
            "the query has an attribute without '=' (a PIN holding '&' must write it as %26)");
  EXPECT_EQ(problem_of("pkcs11:object=k?PIN-VALUE=S3cr&t;9&module-path=/m.so"),
            "the query has an attribute without '=' (a PIN holding '&' must write it as %26)");
  EXPECT_EQ(problem_of("pkcs11:object=k;pin-value=S3cr&t;9"),
            "the path has an attribute without '=' (a PIN holding ';' must write it as %3B)");
  EXPECT_EQ(problem_of("pkcs11:object=k;pin-value=S3cr&t%3B9?pin-value=S3cr%26t;9"),
            "pin-value is given twice");
  EXPECT_EQ(problem_of("pkcs11:object=k?pin-value=S3cr%26t;9&Pin-Value=S3cr%26t;9"),
            "pin-value is given twice");
  EXPECT_EQ(problem_of("pkcs11:object=k?pin-value=S3cr%t;9"),
            "bad percent escape in pin-value (a PIN holding '%' must write it as %25)");
  EXPECT_EQ(problem_of("pkcs11:object=k?pin-value=S3cr&t9=%"),
            "bad percent escape in a query attribute");
  EXPECT_EQ(problem_of("pkcs11:object=k?pin-value=S3cr&t9=1&t9=2"),
            "a query attribute is given twice");
  EXPECT_EQ(problem_of("pkcs11:object=k?pin-value=S3cr&=t;9"),
            "query attribute with an empty name");
  EXPECT_EQ(problem_of("pkcs11:object=k?pin-value=S3cr&t%;9=1"),
            "bad percent escape in a query attribute name");
  EXPECT_EQ(problem_of("pkcs11:object=k?pin-value=S3cr&t;9=1"),
            "a query attribute name holds a character other than a letter, digit, '-' or '_'");
  EXPECT_EQ(problem_of("pkcs11:object=a;object=b?pin-value=1"), "a path attribute is given twice");
}

TEST(Pkcs11Uri, RedactionDropsOnlyThePinValue) {
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=a?pin-value=1234"), "pkcs11:object=a");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=a?module-path=/m.so&pin-value=1234&x=y"),
            "pkcs11:object=a?module-path=/m.so&x=y");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=a?pin-source=file:/p"),
            "pkcs11:object=a?pin-source=file:/p");
  EXPECT_EQ(redact_pkcs11_uri("PKCS11:token;object=a?x&y=1"), "PKCS11:token;object=a?x&y=1");
  EXPECT_EQ(redact_pkcs11_uri("key.pem?pin-value=1234"), "key.pem?pin-value=1234");
}

TEST(Pkcs11Uri, RedactionDropsThePinInEverySpelling) {
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:token=t;object=k;pin-value=1234"), "pkcs11:token=t;object=k");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:pin-value=1234;token=t?module-path=/m.so"),
            "pkcs11:token=t?module-path=/m.so");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:pin-value=1234"), "pkcs11:");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=k?PIN-VALUE=1234"), "pkcs11:object=k");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=k?Pin%2dValue=1234"), "pkcs11:object=k");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=k?pin-value=12%zz&y=1"), "pkcs11:object=k?y=1");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=k;pin-value=1?pin-value=2"), "pkcs11:object=k");
}

// The rest of a PIN holding an unencoded separator goes with it, up to the next well-formed
// attribute.
TEST(Pkcs11Uri, RedactionDropsTheFragmentsOfAPinHoldingASeparator) {
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=k?pin-value=12&34&module-path=/m.so"),
            "pkcs11:object=k?module-path=/m.so");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=k?pin-value=12&&3%4&=5&6 7=8&"), "pkcs11:object=k");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=k;pin-value=12;34?module-path=/m.so"),
            "pkcs11:object=k?module-path=/m.so");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=k;pin-value=12?34&module-path=/m"),
            "pkcs11:object=k?module-path=/m");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=k?pin-value=12&x=%zz&y=1"), "pkcs11:object=k?y=1");
  // A malformed piece before the PIN is not part of it.
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:token?x&pin-value=12&34"), "pkcs11:token?x");
}

}  // namespace
}  // namespace eifkit
