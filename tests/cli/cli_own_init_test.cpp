// eifkit's own init: which one an image gets, and where its SHA-384 is reported (--version,
// the image's metadata, the build record), since PCR1 depends on its bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "formats/hex.h"
#include "lib/hash/sha384.h"
#include "tests/support/independent_hash.h"
#include "tests/support/requirements.h"
#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

namespace fs = std::filesystem;
using test::run_eifkit;
using test::vector_path;

// The inits beside the binary under test, as bundled_init_path finds them in a build tree.
std::string built_init(const std::string& arch) {
  std::string dir = fs::path(EIFKIT_BINARY).parent_path();
  return dir + (arch == "aarch64" ? "/eifkit-init-aarch64" : "/eifkit-init");
}

// By OpenSSL's command line, not by the library under test.
std::string sha384_of_file(const std::string& path) {
  return test::openssl_sha384_hex(path);
}

TEST(OwnInit, VersionPrintsEachInitsSha384) {
  test::RunResult r = run_eifkit({"--version"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string expected = std::string("eifkit ") + EIFKIT_VERSION + "\n";
  for (std::string arch : {"x86_64", "aarch64"}) {
    std::string path = built_init(arch);
    expected += "init " + arch + ": " +
                (fs::exists(path) ? "sha384 " + sha384_of_file(path) + " " + path : "not found") +
                "\n";
  }
  EXPECT_EQ(r.out, expected);
}

struct Built {
  nlohmann::json record, metadata;
};

// An image of one executable for linux/`arch`, built with the placeholder kernel (which has
// no architecture magic, so the image's platform decides) and eifkit's own init unless
// `extra` gives another.
Built build(const std::string& arch, const std::vector<std::string>& extra) {
  test::ScratchDir dir;
  std::string layer = dir / "layer.tar", image = dir / "image.tar";
  test::write_layer_tar(
      layer, {test::TarSpec::dir("bin"), test::TarSpec::file("bin/hello", "#!/bin/sh\n", 0755)});
  test::write_docker_archive(image, {layer}, {{"Cmd", {"/bin/hello"}}}, arch);
  std::vector<std::string> args = {"build",
                                   "--image",
                                   image,
                                   "--kernel",
                                   vector_path("eif/inputs/kernel.bin"),
                                   "--output",
                                   dir / "app.eif",
                                   "--build-time",
                                   "2024-01-01T00:00:00Z",
                                   "--measurements-out",
                                   dir / "rec.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  test::RunResult r = run_eifkit(args);
  EXPECT_EQ(r.status, 0) << r.err;
  test::RunResult d = run_eifkit({"describe", dir / "app.eif"});
  EXPECT_EQ(d.status, 0) << d.err;
  return {test::read_json(dir / "rec.json"), nlohmann::json::parse(d.out)["Metadata"]};
}

TEST(OwnInit, RecordAndMetadataNameTheInitOfTheImagesArchitecture) {
  for (std::string arch : {"x86_64", "aarch64"}) {
    SCOPED_TRACE(arch);
    std::string why = built_init(arch);
    why += " was not built (its compiler is missing: make deps installs it)";
    EIFKIT_REQUIRE(fs::exists(built_init(arch)), why);
    Built b = build(arch == "aarch64" ? "arm64" : "amd64", {});
    std::string sha = sha384_of_file(built_init(arch));
    EXPECT_EQ(b.record["InitSha384"], sha);
    EXPECT_EQ(b.metadata["EifkitInitSha384"], sha);
    EXPECT_EQ(b.record["Image"]["Platform"], arch == "aarch64" ? "linux/arm64" : "linux/amd64");
  }
}

TEST(OwnInit, AnotherInitIsNotNamed) {
  Built b = build("amd64", {"--init", vector_path("ramdisk/init.bin")});
  EXPECT_EQ(b.record["InitSha384"], nullptr);
  EXPECT_FALSE(b.metadata.contains("EifkitInitSha384")) << b.metadata.dump();
}

}  // namespace
}  // namespace eifkit
