// What `build` reports besides the EIF: QingTian's make-img output with --format qingtian,
// and the build record with --measurements-out.
#include <gtest/gtest.h>

#include "tests/support/image_fixtures.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

std::vector<std::string> vector_build(const std::string& out, std::vector<std::string> extra) {
  std::vector<std::string> args = {"build",
                                   "--kernel",
                                   test::vector_path("eif/inputs/kernel.bin"),
                                   "--cmdline-file",
                                   test::vector_path("eif/inputs/cmdline.txt"),
                                   "--ramdisk",
                                   test::vector_path("eif/inputs/ramdisk-bootstrap.bin"),
                                   "--ramdisk",
                                   test::vector_path("eif/inputs/ramdisk-app.bin"),
                                   "--build-time",
                                   "2024-01-01T00:00:00+00:00",
                                   "--output",
                                   out};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(CliBuildOutputs, QingTianFormatPrintsDigestPcr0AndZeroPcr8WhenUnsigned) {
  test::ScratchDir dir;
  auto r = test::run_eifkit(vector_build(dir / "app.eif", {"--format", "qingtian"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto expected = test::read_json(test::vector_path("eif/two-ramdisks.build.json"));
  EXPECT_EQ(nlohmann::json::parse(r.out),
            (nlohmann::json{
                {"digest", "SHA384"}, {"PCR0", expected["PCR0"]}, {"PCR8", std::string(96, '0')}}));
}

TEST(CliBuildOutputs, QingTianFormatOfASignedBuildCarriesPcr8) {
  test::ScratchDir dir;
  auto r = test::run_eifkit(vector_build(
      dir / "app.eif", {"--format", "qingtian", "--signing-certificate",
                        test::vector_path("eif/inputs/signing-cert.pem"), "--private-key",
                        test::vector_path("eif/inputs/signing-key.pem")}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto expected = test::read_json(test::vector_path("eif/signed.build.json"));
  EXPECT_EQ(nlohmann::json::parse(r.out)["PCR8"], expected["PCR8"]);
}

TEST(CliBuildOutputs, MeasurementsOutWritesTheBuildRecord) {
  test::ScratchDir dir;
  auto r =
      test::run_eifkit(vector_build(dir / "app.eif", {"--measurements-out", dir / "rec.json"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto record = test::read_json(dir / "rec.json");
  auto expected = test::read_json(test::vector_path("eif/two-ramdisks.build.json"));
  EXPECT_EQ(record["RecordVersion"], 1);
  EXPECT_EQ(record["Measurements"], expected);
  EXPECT_EQ(record["Eif"]["Size"], test::read_bytes(dir / "app.eif").size());
  EXPECT_EQ(record["BuildTool"], "eifkit");
  EXPECT_EQ(record["Signer"], nullptr);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"app.eif", "rec.json"}));
}

TEST(CliBuildOutputs, UnknownFormatIsRefused) {
  test::ScratchDir dir;
  auto r = test::run_eifkit(vector_build(dir / "app.eif", {"--format", "json"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("eifkit: --format: ", 0), 0u) << r.err;
  EXPECT_TRUE(dir.entries().empty());
}

TEST(CliBuildOutputs, MeasurementsOutInAMissingDirectoryLeavesTheEifAsItWas) {
  test::ScratchDir dir;
  test::write_bytes(dir / "app.eif", test::to_bytes("previous"));
  auto r = test::run_eifkit(
      vector_build(dir / "app.eif", {"--measurements-out", dir / "nodir/rec.json"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + (dir / "nodir/rec.json") +
                       ": cannot create a temporary file beside the output: No such file or "
                       "directory\n");
  EXPECT_EQ(test::read_bytes(dir / "app.eif"), test::to_bytes("previous"));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

TEST(CliBuildOutputs, OutputNamingAnInputIsRefusedBeforeAnyWork) {
  test::ScratchDir dir;
  auto ramdisk = test::read_bytes(test::vector_path("eif/inputs/ramdisk-app.bin"));
  test::write_bytes(dir / "ramdisk.bin", ramdisk);
  auto args = vector_build(dir / "./ramdisk.bin", {});
  args[8] = dir / "ramdisk.bin";  // the application ramdisk, then also the output
  auto r = test::run_eifkit(args);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: --output " + (dir / "./ramdisk.bin") +
                       ": is also --ramdisk (the same file); refusing to overwrite it\n");
  EXPECT_EQ(test::read_bytes(dir / "ramdisk.bin"), ramdisk);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"ramdisk.bin"});
}

TEST(CliBuildOutputs, TwoOutputsNamingOneFileAreRefused) {
  test::ScratchDir dir;
  auto r = test::run_eifkit(vector_build(dir / "app.eif", {"--measurements-out", dir / "app.eif"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: --measurements-out " + (dir / "app.eif") +
                       ": is also --output (the same file); refusing to overwrite it\n");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(CliBuildOutputs, KmsKeyArnExplainsTwoStepSigning) {
  test::ScratchDir dir;
  const std::string arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd";
  auto r = test::run_eifkit(vector_build(
      dir / "app.eif", {"--signing-certificate", test::vector_path("eif/inputs/signing-cert.pem"),
                        "--private-key", arn}));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("eifkit: --private-key " + arn +
                            ": eifkit does not call AWS KMS; sign in two steps: ",
                        0),
            0u)
      << r.err;
  EXPECT_NE(r.err.find("aws kms sign --key-id " + arn +
                       " --message-type DIGEST "
                       "--signing-algorithm ECDSA_SHA_384"),
            std::string::npos);
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace eifkit
