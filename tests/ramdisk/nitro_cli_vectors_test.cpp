// The nitro-cli layout against nitro-cli 1.5's real output (shared/vectors/nitro-cli): for each
// image, the application ramdisk eifkit writes must be the reference ramdisk byte for byte,
// from the docker save archive and from the same image as an OCI layout and an OCI archive.
// On a mismatch the first header that differs from headers.tsv is printed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats/hex.h"
#include "lib/cpio/cpio_push_parser.h"
#include "lib/hash/sha256.h"
#include "lib/hash/sha384.h"
#include "lib/image_build.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

const Platform kAmd64 = [] {
  Platform p;
  p.architecture = "amd64";
  return p;
}();

// 2024-01-01T00:00:00Z: the build time the load-time-dependent directories get.
constexpr int64_t kBuildTime = 1704067200;

std::string case_dir(const std::string& name) {
  return test::vector_path("nitro-cli/" + name);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": missing (the nitro-cli vectors are in shared/)");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// headers.tsv's columns from ino on (idx, offset and hdrlen follow from them), one row an entry.
std::vector<std::string> reference_rows(const std::string& name) {
  std::vector<std::string> rows;
  std::istringstream in(read_text(case_dir(name) + "/headers.tsv"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t at = 0;
    for (int field = 0; field < 3; ++field) at = line.find('\t', at) + 1;
    rows.push_back(line.substr(at));
  }
  return rows;
}

// What a ramdisk producer writes: its SHA-256 and SHA-384, its size, and its headers in the
// shape of headers.tsv's rows.
class Capture : public ByteSink, CpioEntryHandler {
 public:
  Capture() : parser_(*this, "ramdisk") {}
  void write(std::span<const uint8_t> data) override {
    sha256_.update(data);
    sha384_.update(data);
    size_ += data.size();
    if (!parser_.done()) parser_.write(data);
  }
  void begin(const CpioHeader& h) override {
    header_ = h;
    target_.clear();
  }
  void data(std::span<const uint8_t> bytes) override {
    if ((header_.mode & kCpioTypeMask) == kCpioSymlink) target_.append(bytes.begin(), bytes.end());
  }
  void end() override {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%u\t0%06o\t%u\t%u\t%u\t%u\t%u\t%u\t%u\t%u\t%u\t0\t",
                  header_.ino, header_.mode, header_.uid, header_.gid, header_.nlink, header_.mtime,
                  header_.filesize, header_.dev_major, header_.dev_minor, header_.rdev_major,
                  header_.rdev_minor);
    std::string row = buf + header_.name;
    if ((header_.mode & kCpioTypeMask) == kCpioSymlink) row += " -> " + target_;
    rows.push_back(row);
  }
  std::string sha256_hex() { return to_hex(sha256_.finish()); }
  Digest384 sha384() { return sha384_.finish(); }

  std::vector<std::string> rows;  // the trailer not included
  uint64_t size_ = 0;

 private:
  CpioPushParser parser_;
  CpioHeader header_;
  std::string target_;
  Sha256 sha256_;
  Sha384 sha384_;
};

struct Built {
  std::string sha256;
  std::string pcr2;  // of an EIF whose only application ramdisk this is
  std::vector<std::string> rows;
  AppRamdisk ramdisk;
};

Built build_ramdisk(const std::string& image_path, int64_t build_time = kBuildTime) {
  auto image = open_image(image_path, std::nullopt, kAmd64);
  AppRamdiskOptions options;
  options.layout = RamdiskLayout::kNitroCli;
  std::time_t t = build_time;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  options.build_time = buf;
  Built out;
  out.ramdisk = prepare_app_ramdisk(*image, options);
  Capture capture;
  app_ramdisk_producer(out.ramdisk)(capture);
  out.sha256 = capture.sha256_hex();
  // PCR2 = SHA-384(48 zero bytes || SHA-384(ramdisk)), written out here from the definition.
  Sha384 pcr;
  std::vector<uint8_t> zeros(48, 0);
  pcr.update(zeros);
  Digest384 ramdisk_digest = capture.sha384();
  pcr.update(ramdisk_digest);
  out.pcr2 = to_hex(pcr.finish());
  out.rows = std::move(capture.rows);
  return out;
}

// The first row where the two differ, for the failure message.
std::string first_difference(const std::vector<std::string>& got,
                             const std::vector<std::string>& want) {
  for (size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    std::string g = i < got.size() ? got[i] : "(none)";
    std::string w = i < want.size() ? want[i] : "(none)";
    if (g != w) {
      return "entry " + std::to_string(i) + ":\n  eifkit:    " + g + "\n  nitro-cli: " + w;
    }
  }
  return "every header equal (the data differs)";
}

class NitroCliVectorTest : public ::testing::TestWithParam<std::string> {};

void expect_reference(const Built& built, const std::string& name) {
  std::vector<std::string> want = reference_rows(name);
  want.pop_back();  // the trailer, which the parser does not hand over
  EXPECT_EQ(built.sha256, trimmed(read_text(case_dir(name) + "/sha256")))
      << first_difference(built.rows, want);
  EXPECT_EQ(built.pcr2, trimmed(read_text(case_dir(name) + "/pcr2")));
  EXPECT_EQ(built.rows, want);
}

TEST_P(NitroCliVectorTest, DockerSaveArchiveGivesNitroClisRamdisk) {
  Built built = build_ramdisk(case_dir(GetParam()) + "/image.tar");
  expect_reference(built, GetParam());
  EXPECT_TRUE(built.ramdisk.fs.implicit_parents.empty());
}

TEST_P(NitroCliVectorTest, OciLayoutAndOciArchiveGiveTheSameRamdisk) {
  test::ScratchDir dir;
  const std::string archive = case_dir(GetParam()) + "/image.tar";
  test::run_tool({"skopeo", "--insecure-policy", "copy", "-q", "docker-archive:" + archive,
                  "oci:" + (dir / "layout") + ":latest"});
  test::run_tool({"skopeo", "--insecure-policy", "copy", "-q", "docker-archive:" + archive,
                  "oci-archive:" + (dir / "oci.tar") + ":latest"});
  expect_reference(build_ramdisk(dir / "layout"), GetParam());
  expect_reference(build_ramdisk(dir / "oci.tar"), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Vectors, NitroCliVectorTest,
                         ::testing::Values("a-cmd-only", "b-entrypoint-only", "c-entrypoint-cmd",
                                           "e-hardlinks", "f-whiteout-opaque", "g-special-files"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// The directories implicit-parents.txt names, as headers.tsv spells them.
const std::vector<std::string> kImplicit = {"rootfs/p/", "rootfs/p/q/", "rootfs/x/", "rootfs/x/y/"};

// Replaces the mtime column of the rows naming those directories.
std::vector<std::string> with_mtime(std::vector<std::string> rows, int64_t mtime) {
  for (std::string& row : rows) {
    std::vector<std::string> cols;
    std::istringstream in(row);
    for (std::string c; std::getline(in, c, '\t');) cols.push_back(c);
    if (std::find(kImplicit.begin(), kImplicit.end(), cols.back()) == kImplicit.end()) continue;
    cols[5] = std::to_string(mtime);
    row.clear();
    for (size_t i = 0; i < cols.size(); ++i) row += (i ? "\t" : "") + cols[i];
  }
  return rows;
}

TEST(NitroCliImplicitParents, MatchesExceptTheLoadTimeOfTheDirectoriesNamed) {
  const std::string name = "k-implicit-parents";
  ASSERT_THAT(read_text(case_dir(name) + "/implicit-parents.txt"),
              ::testing::HasSubstr("4 implicit parent dir(s): p p/q x x/y"));
  std::vector<std::string> want = reference_rows(name);
  want.pop_back();
  for (const std::string& image :
       {case_dir(name) + "/image.tar", std::string()}) {  // the archive, then an OCI layout
    std::string path = image;
    test::ScratchDir dir;
    if (path.empty()) {
      test::run_tool({"skopeo", "--insecure-policy", "copy", "-q",
                      "docker-archive:" + case_dir(name) + "/image.tar",
                      "oci:" + (dir / "layout") + ":latest"});
      path = dir / "layout";
    }
    Built built = build_ramdisk(path);
    // Every header equal but those directories' mtimes, which are the build time.
    EXPECT_EQ(built.rows, with_mtime(want, kBuildTime)) << first_difference(built.rows, want);
    ASSERT_EQ(built.ramdisk.fs.implicit_parents.size(), 4u);
    std::vector<std::string> paths;
    for (const ImplicitParent& p : built.ramdisk.fs.implicit_parents) {
      EXPECT_EQ(p.layer, 1u);
      paths.push_back(p.path);
    }
    EXPECT_EQ(paths, (std::vector<std::string>{"p", "p/q", "x", "x/y"}));
    nlohmann::json report = load_time_report(built.ramdisk);
    EXPECT_EQ(report["NitroCliReproducible"], false);
    EXPECT_EQ(report["LoadTimeDependent"][0]["LayerIndex"], 1);
    EXPECT_EQ(report["LoadTimeDependent"][0]["Directories"],
              nlohmann::json({"p", "p/q", "x", "x/y"}));
  }
  // The reference's own load time (its directories' mtime in headers.tsv) gives its bytes.
  Built at_load_time = build_ramdisk(case_dir(name) + "/image.tar", 1796650665);
  EXPECT_EQ(at_load_time.sha256, trimmed(read_text(case_dir(name) + "/sha256")))
      << first_difference(at_load_time.rows, want);
  EXPECT_EQ(at_load_time.pcr2, trimmed(read_text(case_dir(name) + "/pcr2")));
}

}  // namespace
}  // namespace eifkit
