// The streaming writer reproduces the reference builder's EIFs byte for byte when given the
// same sections and metadata bytes, and never leaves a partial output.
#include "lib/eif/eif_writer.h"

#include <gtest/gtest.h>

#include "formats/hex.h"
#include "lib/base/error.h"
#include "tests/support/independent_hash.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::read_bytes;
using test::vector_path;

const char* kVectorMetadata =
    R"({"ImageName":"vec-img","ImageVersion":"vec-img","BuildMetadata":{"BuildTime":)"
    R"("2024-01-01T00:00:00+00:00","BuildTool":"eif_build","BuildToolVersion":"0.3.1",)"
    R"("OperatingSystem":"OS","KernelVersion":"kernel"},"DockerInfo":null,"CustomMetadata":null})";

EifPlan vector_plan(const std::vector<std::string>& ramdisks, Arch arch = Arch::kX86_64,
                    std::string metadata = kVectorMetadata) {
  EifPlan plan;
  plan.arch = arch;
  plan.sections.push_back(
      {SectionType::kKernel, file_section(vector_path("eif/inputs/kernel.bin"))});
  plan.sections.push_back(
      {SectionType::kCmdline, file_section(vector_path("eif/inputs/cmdline.txt"))});
  plan.sections.push_back({SectionType::kMetadata,
                           bytes_section(std::vector<uint8_t>(metadata.begin(), metadata.end()))});
  for (const auto& r : ramdisks) {
    plan.sections.push_back({SectionType::kRamdisk, file_section(vector_path("eif/inputs/" + r))});
  }
  return plan;
}

struct VectorCase {
  std::string name;
  std::vector<std::string> ramdisks;
  Arch arch;
};

class WriterReproducesVector : public testing::TestWithParam<VectorCase> {};

TEST_P(WriterReproducesVector, ByteForByteWithMeasurements) {
  const VectorCase& c = GetParam();
  test::ScratchDir dir;
  std::string out = dir / "out.eif";
  EifWriteResult result = write_eif_file(vector_plan(c.ramdisks, c.arch), out);
  EXPECT_EQ(read_bytes(out), read_bytes(vector_path("eif/" + c.name + ".eif")));
  auto expected = test::read_json(vector_path("eif/" + c.name + ".build.json"));
  EXPECT_EQ(to_hex(result.measurements.pcr0), expected["PCR0"]);
  EXPECT_EQ(to_hex(result.measurements.pcr1), expected["PCR1"]);
  EXPECT_EQ(to_hex(result.measurements.pcr2), expected["PCR2"]);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.eif"});
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, WriterReproducesVector,
    testing::Values(
        VectorCase{"two-ramdisks", {"ramdisk-bootstrap.bin", "ramdisk-app.bin"}, Arch::kX86_64},
        VectorCase{"three-ramdisks",
                   {"ramdisk-bootstrap.bin", "ramdisk-app.bin", "ramdisk-extra.bin"},
                   Arch::kX86_64},
        VectorCase{"one-ramdisk", {"ramdisk-bootstrap.bin"}, Arch::kX86_64},
        VectorCase{
            "empty-app-ramdisk", {"ramdisk-bootstrap.bin", "ramdisk-empty.bin"}, Arch::kX86_64},
        VectorCase{"aarch64", {"ramdisk-bootstrap.bin", "ramdisk-app.bin"}, Arch::kAarch64}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

TEST(EifWriter, LargeApplicationRamdiskMeasuresLikeOneShotHash) {
  // Several chunks and an odd tail, so the parallel PCR2 path and chunk boundaries are used.
  test::ScratchDir dir;
  std::vector<uint8_t> big(3 * (1 << 20) + 12345);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 31 + (i >> 13));
  test::write_bytes(dir / "big.bin", big);
  EifPlan plan = vector_plan({"ramdisk-bootstrap.bin"});
  plan.sections.push_back({SectionType::kRamdisk, file_section(dir / "big.bin")});
  EifWriteResult result = write_eif_file(plan, dir / "big.eif");
  // The expected PCRs by python3's hashlib.
  EXPECT_EQ(to_hex(result.measurements.pcr2), test::python_pcr_hex({dir / "big.bin"}));
  EXPECT_EQ(to_hex(result.measurements.pcr0),
            test::python_pcr_hex(
                {vector_path("eif/inputs/kernel.bin"), vector_path("eif/inputs/cmdline.txt"),
                 vector_path("eif/inputs/ramdisk-bootstrap.bin"), dir / "big.bin"}));
}

TEST(EifWriter, FailureLeavesTargetUntouchedAndNoTemporaryFile) {
  test::ScratchDir dir;
  std::string out = dir / "app.eif";
  test::write_bytes(out, {'o', 'l', 'd'});
  EifPlan plan = vector_plan({"ramdisk-bootstrap.bin"});
  plan.sections.push_back({SectionType::kRamdisk, file_section(dir / "missing.bin")});
  try {
    write_eif_file(plan, out);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              dir / "missing.bin" + ": cannot open: No such file or directory");
  }
  EXPECT_EQ(read_bytes(out), (std::vector<uint8_t>{'o', 'l', 'd'}));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

}  // namespace
}  // namespace eifkit
