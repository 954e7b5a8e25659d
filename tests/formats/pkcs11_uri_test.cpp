#include "formats/pkcs11_uri.h"

#include <gtest/gtest.h>

namespace eifkit {
namespace {

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

TEST(Pkcs11Uri, MalformedUrisSayWhy) {
  auto problem_of = [](const std::string& text) {
    std::string problem;
    EXPECT_FALSE(parse_pkcs11_uri(text, problem)) << text;
    return problem;
  };
  EXPECT_EQ(problem_of("file:key.pem"), "not a pkcs11: URI");
  EXPECT_EQ(problem_of("pkcs11:token"), "path attribute 'token' has no '='");
  EXPECT_EQ(problem_of("pkcs11:=x"), "path attribute with an empty name");
  EXPECT_EQ(problem_of("pkcs11:id=%0"), "bad percent escape in id");
  EXPECT_EQ(problem_of("pkcs11:id=%zz"), "bad percent escape in id");
  EXPECT_EQ(problem_of("pkcs11:object=a;object=b"), "object is given twice");
  EXPECT_EQ(problem_of("pkcs11:object=a?pin-value"), "query attribute 'pin-value' has no '='");
}

TEST(Pkcs11Uri, RedactionDropsOnlyThePinValue) {
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=a?pin-value=1234"), "pkcs11:object=a");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=a?module-path=/m.so&pin-value=1234&x=y"),
            "pkcs11:object=a?module-path=/m.so&x=y");
  EXPECT_EQ(redact_pkcs11_uri("pkcs11:object=a?pin-source=file:/p"),
            "pkcs11:object=a?pin-source=file:/p");
}

}  // namespace
}  // namespace eifkit
