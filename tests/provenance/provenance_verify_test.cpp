// What `provenance verify` makes of envelopes a trusted key signed but whose payload is not a
// statement eifkit writes, and of statements whose contents disagree with the EIF: signed
// here with a fresh key, so that only the payload differs from case to case.
#include "lib/provenance/provenance_verify.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "lib/base/error.h"
#include "lib/policy/build_record.h"
#include "lib/provenance/dsse_signing.h"
#include "lib/provenance/intoto_statement.h"
#include "lib/provenance/slsa_provenance.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;

class ProvenanceVerify : public testing::Test {
 protected:
  ProvenanceVerify()
      : signer_{[] {
          PrivateKey key = PrivateKey::generate(Curve::kP384);
          return Signer{
              Certificate::from_pem(key.self_signed_certificate("/CN=t", 1, std::time(nullptr)),
                                    "signer.pem"),
              std::move(key)};
        }()} {}

  // The envelope of `payload` signed by signer_, written to a file.
  std::string envelope_of(const std::string& payload) {
    std::string path = dir_ / ("envelope" + std::to_string(count_++) + ".json");
    std::string text = signed_envelope(
        {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()}, signer_);
    test::write_bytes(path, std::vector<uint8_t>(text.begin(), text.end()));
    return path;
  }

  std::string error_of(const std::string& payload, const ProvenanceExpectations& e = {}) {
    std::string path = envelope_of(payload);
    try {
      verify_provenance(path, signer_.certificate, e);
    } catch (const Error& error) {
      std::string what = error.what();
      return what.substr(path.size() + 2);  // without "PATH: "
    }
    return "no error";
  }

  json statement() {
    json record = build_record_from_eif(test::vector_path("eif/signed.eif"));
    return intoto_statement(record, "signed.eif");
  }

  test::ScratchDir dir_;
  Signer signer_;
  int count_ = 0;
};

TEST_F(ProvenanceVerify, ASignedPayloadThatIsNoStatementOfEifkitsIsUnusable) {
  EXPECT_EQ(error_of("not json").rfind("payload: is not an in-toto statement: ", 0), 0u)
      << error_of("not json");
  EXPECT_EQ(error_of("[]"), "payload: is not an in-toto statement: not a JSON object");
  json s = statement();
  s["_type"] = "https://in-toto.io/Statement/v0.1";
  EXPECT_EQ(error_of(s.dump()), "payload: _type is not https://in-toto.io/Statement/v1");
  s = statement();
  s["predicateType"] = "https://example.com/other/v1";
  EXPECT_EQ(error_of(s.dump()),
            "payload: predicateType https://example.com/other/v1 is not one eifkit writes "
            "(https://eifkit.dev/enclave-measurements/v1, https://slsa.dev/provenance/v1)");
  s = statement();
  s["subject"].push_back(s["subject"][0]);
  EXPECT_EQ(error_of(s.dump()), "payload: names 2 subjects; eifkit's statements name one EIF");
  s = statement();
  s["subject"][0]["digest"].erase("sha384");
  EXPECT_EQ(error_of(s.dump()), "payload: subject[0]: has no SHA-384 digest of 96 hex digits");
  s = statement();
  s["predicateType"] = kSlsaProvenancePredicateType;
  s["predicate"] = {{"runDetails", {{"byproducts", json::array({{{"name", "PCR0"}}})}}}};
  EXPECT_EQ(error_of(s.dump()).rfind("payload: byproducts: ", 0), 0u) << error_of(s.dump());
  s["predicate"]["runDetails"]["byproducts"] = json::array();
  EXPECT_EQ(error_of(s.dump()), "payload: vouches for no PCR (runDetails.byproducts names none)");
}

// A signer that vouches for PCRs the EIF does not have is caught when the EIF is given.
TEST_F(ProvenanceVerify, PcrsThatAreNotTheEifsFail) {
  json s = statement();
  s["predicate"]["measurements"]["PCR2"] = std::string(96, 'a');
  ProvenanceVerdict v = verify_provenance(envelope_of(s.dump()), signer_.certificate,
                                          {test::vector_path("eif/signed.eif"), std::nullopt});
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.report["Checks"],
            json({{"Signature", true}, {"Subject", true}, {"Measurements", false}}));
  std::string path = test::vector_path("eif/signed.eif");
  EXPECT_EQ(
      v.report["Failed"],
      json::array(
          {"PCR2 of " + path + " is " +
           s["predicate"]["buildRecord"]["Measurements"]["PCR2"].get<std::string>().substr(0, 16) +
           "…, but the statement vouches for aaaaaaaaaaaaaaaa…"}));
  // Leaving a PCR out is no better.
  s = statement();
  s["predicate"]["measurements"].erase("PCR8");
  v = verify_provenance(envelope_of(s.dump()), signer_.certificate, {path, std::nullopt});
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.report["Failed"],
            json::array({path + " has PCR8, which the statement does not vouch for"}));
}

}  // namespace
}  // namespace eifkit
