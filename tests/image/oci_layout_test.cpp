// OCI image layouts (directory) and OCI archives (a layout in a tar), built at test time with
// umoci and skopeo, then edited by hand for the cases no tool writes: nested indexes with
// platforms, attestations, tampered blobs, hostile digests.
#include "lib/image/oci_layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "lib/base/error.h"
#include "lib/image/image_source.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/requirements.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

namespace fs = std::filesystem;
using test::add_blob;
using test::error_of;
using test::hex_of;
using test::read_blob_json;
using test::to_bytes;

const Platform kAmd64 = Platform::parse("linux/amd64");
const Platform kArm64 = Platform::parse("linux/arm64");
const char* kIndexType = "application/vnd.oci.image.index.v1+json";
const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";

const std::string& base_layout() {
  return test::base_oci_layout();
}

nlohmann::json manifest_of(const std::string& layout, const std::string& tag) {
  return read_blob_json(layout, test::tagged(layout, tag)["digest"]);
}

// Replaces the config behind `tag` with an edited copy, writing new config and manifest blobs.
void edit_config(const std::string& layout, const std::string& tag,
                 const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json index = test::read_index(layout);
  for (auto& d : index["manifests"]) {
    if (d["annotations"]["org.opencontainers.image.ref.name"] != tag) continue;
    nlohmann::json manifest = read_blob_json(layout, d["digest"]);
    nlohmann::json config = read_blob_json(layout, manifest["config"]["digest"]);
    edit(config);
    manifest["config"] = add_blob(layout, to_bytes(config.dump()), manifest["config"]["mediaType"]);
    nlohmann::json desc = add_blob(layout, to_bytes(manifest.dump()), kManifestType);
    d["digest"] = desc["digest"];
    d["size"] = desc["size"];
  }
  test::write_index(layout, index);
}

void expect_base_image(ImageSource& image, const std::string& source,
                       const std::vector<std::string>& tags) {
  const ImageInfo& info = image.info();
  EXPECT_EQ(info.source, source);
  EXPECT_EQ(info.repo_tags, tags);
  EXPECT_EQ(info.platform.str(), "linux/amd64");
  EXPECT_EQ(info.config["config"]["Cmd"], nlohmann::json::array({"/bin/hello"}));
  EXPECT_EQ(info.id, manifest_of(base_layout(), "latest")["config"]["digest"]);
  ASSERT_EQ(image.layer_count(), 2u);
  auto layers = test::read_layers(image);
  EXPECT_TRUE(test::contains(layers[0], "bin/hello"));
  EXPECT_TRUE(test::contains(layers[0], "hi\n"));
  EXPECT_TRUE(test::contains(layers[1], "etc/motd"));
  EXPECT_EQ(layers[0].size() % 512, 0u);
}

class OciLayoutTest : public testing::Test {
 protected:
  void SetUp() override { EIFKIT_REQUIRE_TOOL("umoci"); }
  std::string copy_base(const std::string& name = "img") {
    std::string to = dir_ / name;
    fs::copy(base_layout(), to, fs::copy_options::recursive);
    return to;
  }
  test::ScratchDir dir_;
};

TEST_F(OciLayoutTest, OpensLayoutDirectory) {
  auto image = open_image(base_layout(), std::nullopt, kAmd64);
  // umoci tags with a bare ref name; it is passed on as it is.
  expect_base_image(*image, base_layout(), {"latest"});
}

TEST_F(OciLayoutTest, TagPicksAnImage) {
  std::string l = copy_base();
  test::umoci_image(l, "v2", "arm64", {{{"bin/two", "2\n"}}});
  auto v2 = open_image(l + ":v2", std::nullopt, kAmd64);
  EXPECT_EQ(v2->info().platform.str(), "linux/arm64");
  EXPECT_EQ(v2->info().repo_tags, std::vector<std::string>{"v2"});
  EXPECT_EQ(v2->layer_count(), 1u);
  EXPECT_EQ(open_image(l + ":latest", std::nullopt, kArm64)->info().platform.str(), "linux/amd64");
  EXPECT_EQ(error_of([&] { open_image(l + ":nope", std::nullopt, kAmd64); }),
            l + ": no image tagged nope (tags: latest, v2)");
  // Untagged: the platform chooses between the tags.
  EXPECT_EQ(open_image(l, std::nullopt, kArm64)->info().repo_tags, std::vector<std::string>{"v2"});
  EXPECT_EQ(open_image(l, kAmd64, kArm64)->info().repo_tags, std::vector<std::string>{"latest"});
}

TEST_F(OciLayoutTest, TwoTagsForOnePlatformNeedATag) {
  std::string l = copy_base();
  test::umoci_image(l, "other", "amd64", {{{"bin/two", "2\n"}}});
  EXPECT_EQ(
      error_of([&] { open_image(l, std::nullopt, kAmd64); }),
      l + ": holds several images for linux/amd64 (latest, other); pick one as " + l + ":TAG");
}

TEST_F(OciLayoutTest, LoneImageIsUsedWithFallbackButMustMatchWantedPlatform) {
  auto image = open_image(base_layout(), std::nullopt, kArm64);
  EXPECT_EQ(image->info().platform.str(), "linux/amd64");
  EXPECT_EQ(error_of([&] { open_image(base_layout(), kArm64, kAmd64); }),
            base_layout() + ": no image for linux/arm64 (present: linux/amd64)");
}

// A buildx-style multi-platform index: per-platform manifests with platform fields, and an
// attestation manifest for unknown/unknown that must never be chosen or listed.
std::string make_multi_platform(const std::string& l, bool platform_fields) {
  test::umoci_image(l, "arm", "arm64", {{{"bin/arm", "arm\n"}}});
  nlohmann::json amd = test::tagged(l, "latest"), arm = test::tagged(l, "arm");
  amd.erase("annotations");
  arm.erase("annotations");
  nlohmann::json attestation = amd;
  attestation["platform"] = {{"architecture", "unknown"}, {"os", "unknown"}};
  attestation["annotations"] = {{"vnd.docker.reference.type", "attestation-manifest"}};
  if (platform_fields) {
    amd["platform"] = {{"architecture", "amd64"}, {"os", "linux"}};
    arm["platform"] = {{"architecture", "arm64"}, {"os", "linux"}, {"variant", "v8"}};
  }
  nlohmann::json nested = {
      {"schemaVersion", 2}, {"mediaType", kIndexType}, {"manifests", {amd, arm, attestation}}};
  nlohmann::json desc = add_blob(l, to_bytes(nested.dump()), kIndexType);
  desc["annotations"] = {{"org.opencontainers.image.ref.name", "multi"}};
  test::write_index(l, {{"schemaVersion", 2}, {"manifests", {desc}}});
  return l;
}

TEST_F(OciLayoutTest, MultiPlatformIndexIsResolvedByPlatform) {
  std::string l = make_multi_platform(copy_base(), true);
  auto arm = open_image(l, Platform::parse("linux/arm64"), kAmd64);
  EXPECT_EQ(arm->info().platform.str(), "linux/arm64");
  EXPECT_EQ(arm->info().repo_tags, std::vector<std::string>{"multi"});
  EXPECT_TRUE(test::contains(test::read_layers(*arm)[0], "bin/arm"));
  EXPECT_EQ(open_image(l, Platform::parse("linux/arm64/v8"), kAmd64)->info().platform.str(),
            "linux/arm64");
  EXPECT_EQ(open_image(l + ":multi", std::nullopt, kAmd64)->info().platform.str(), "linux/amd64");
  EXPECT_EQ(open_image(l, std::nullopt, kArm64)->info().platform.str(), "linux/arm64");
  EXPECT_EQ(error_of([&] { open_image(l, Platform::parse("linux/s390x"), kAmd64); }),
            l + ": no image for linux/s390x (present: linux/amd64, linux/arm64/v8)");
  EXPECT_EQ(error_of([&] { open_image(l, std::nullopt, Platform::parse("linux/s390x")); }),
            l + ": no image for linux/s390x (present: linux/amd64, linux/arm64/v8)");
}

TEST_F(OciLayoutTest, WithoutPlatformFieldsTheConfigsTell) {
  std::string l = make_multi_platform(copy_base(), false);
  EXPECT_EQ(open_image(l, kArm64, kAmd64)->info().platform.str(), "linux/arm64");
  EXPECT_EQ(open_image(l, std::nullopt, kAmd64)->info().platform.str(), "linux/amd64");
  EXPECT_EQ(error_of([&] { open_image(l, Platform::parse("linux/s390x"), kAmd64); }),
            l + ": no image for linux/s390x (present: linux/amd64, linux/arm64)");
}

TEST_F(OciLayoutTest, TamperedLayerBlobIsReportedByDigest) {
  std::string l = copy_base();
  std::string digest = manifest_of(l, "latest")["layers"][0]["digest"];
  std::string path = test::blob_path(l, digest);
  auto bytes = test::read_bytes(path);
  bytes[bytes.size() / 2] ^= 0x55;
  test::write_bytes(path, bytes);
  auto image = open_image(l, std::nullopt, kAmd64);
  EXPECT_EQ(error_of([&] { test::read_layers(*image); }),
            l + ": blobs/sha256/" + hex_of(digest) + ": content " + test::digest_of(bytes) +
                " does not match digest " + digest);
}

TEST_F(OciLayoutTest, TamperedConfigBlobIsReportedAtOpen) {
  std::string l = copy_base();
  std::string digest = manifest_of(l, "latest")["config"]["digest"];
  std::string path = test::blob_path(l, digest);
  auto bytes = test::read_bytes(path);
  bytes[bytes.size() - 3] = ' ';
  test::write_bytes(path, bytes);
  EXPECT_EQ(error_of([&] { open_image(l, std::nullopt, kAmd64); }),
            l + ": blobs/sha256/" + hex_of(digest) + ": content " + test::digest_of(bytes) +
                " does not match digest " + digest);
}

TEST_F(OciLayoutTest, DiffIdMismatchIsReportedWithTheBlob) {
  std::string l = copy_base();
  std::string fake = test::digest_of(to_bytes("not this layer"));
  std::string real;
  edit_config(l, "latest", [&](nlohmann::json& config) {
    real = config["rootfs"]["diff_ids"][0];
    config["rootfs"]["diff_ids"][0] = fake;
  });
  std::string layer = manifest_of(l, "latest")["layers"][0]["digest"];
  auto image = open_image(l, std::nullopt, kAmd64);
  EXPECT_EQ(error_of([&] { test::read_layers(*image); }),
            l + ": blobs/sha256/" + hex_of(layer) + ": uncompressed content " + real +
                " does not match diff_id " + fake + " in the config");
}

TEST_F(OciLayoutTest, DiffIdCountMustMatchLayerCount) {
  std::string l = copy_base();
  edit_config(l, "latest", [&](nlohmann::json& config) {
    config["rootfs"]["diff_ids"].push_back(config["rootfs"]["diff_ids"][0]);
  });
  std::string config = manifest_of(l, "latest")["config"]["digest"];
  EXPECT_EQ(error_of([&] { open_image(l, std::nullopt, kAmd64); }),
            l + ": blobs/sha256/" + hex_of(config) +
                ": config lists 3 diff_ids but the manifest lists 2 layers");
}

TEST_F(OciLayoutTest, HostileDigestStringsNeverBecomePaths) {
  std::string l = copy_base();
  // Were the digest used as a path, this file would be read (and fail differently).
  test::write_bytes(dir_ / "secret", to_bytes("{}"));
  nlohmann::json index = test::read_index(l);
  index["manifests"][0]["digest"] = "sha256:../../secret";
  test::write_index(l, index);
  EXPECT_EQ(error_of([&] { open_image(l, std::nullopt, kAmd64); }),
            l + ": index.json: invalid digest \"sha256:../../secret\"");
  index["manifests"][0]["digest"] = "sha512:" + std::string(128, 'a');
  test::write_index(l, index);
  EXPECT_EQ(error_of([&] { open_image(l, std::nullopt, kAmd64); }),
            l + ": index.json: unsupported digest \"sha512:" + std::string(128, 'a') +
                "\" (only sha256 is supported)");
  index["manifests"][0]["digest"] = "sha256:" + std::string(64, 'A');
  test::write_index(l, index);
  EXPECT_EQ(error_of([&] { open_image(l, std::nullopt, kAmd64); }),
            l + ": index.json: invalid digest \"sha256:" + std::string(64, 'A') + "\"");
}

TEST_F(OciLayoutTest, HostileLayerDigestInManifest) {
  std::string l = copy_base();
  nlohmann::json index = test::read_index(l);
  nlohmann::json manifest = read_blob_json(l, index["manifests"][0]["digest"]);
  manifest["layers"][1]["digest"] = "sha256:../../../../../../etc/passwd";
  nlohmann::json desc = add_blob(l, to_bytes(manifest.dump()), kManifestType);
  index["manifests"][0]["digest"] = desc["digest"];
  index["manifests"][0]["size"] = desc["size"];
  test::write_index(l, index);
  EXPECT_EQ(error_of([&] { open_image(l, std::nullopt, kAmd64); }),
            l + ": blobs/sha256/" + hex_of(desc["digest"]) +
                ": invalid digest \"sha256:../../../../../../etc/passwd\"");
}

TEST_F(OciLayoutTest, MissingBlobs) {
  std::string l = copy_base();
  std::string layer = manifest_of(l, "latest")["layers"][1]["digest"];
  fs::remove(test::blob_path(l, layer));
  EXPECT_EQ(error_of([&] { open_image(l, std::nullopt, kAmd64); }),
            l + ": layer blobs/sha256/" + hex_of(layer) + " is missing from the directory");
  std::string manifest = test::tagged(l, "latest")["digest"];
  fs::remove(test::blob_path(l, manifest));
  EXPECT_EQ(error_of([&] { open_image(l, std::nullopt, kAmd64); }),
            l + ": blob blobs/sha256/" + hex_of(manifest) + " is missing from the directory");
}

TEST(OciLayoutErrors, NotALayout) {
  test::ScratchDir dir_;
  fs::create_directories(dir_ / "empty");
  EXPECT_EQ(error_of([&] { open_image(dir_ / "empty", std::nullopt, kAmd64); }),
            dir_ / "empty" + ": not an OCI image layout: no index.json");
  EXPECT_EQ(error_of([&] { open_image(dir_ / "none", std::nullopt, kAmd64); }),
            dir_ / "none" + ": cannot open: No such file or directory");
  fs::create_directories(dir_ / "bad");
  test::write_bytes(dir_ / "bad/index.json", to_bytes("{\"manifests\": ["));
  std::string err = error_of([&] { open_image(dir_ / "bad", std::nullopt, kAmd64); });
  EXPECT_EQ(err.rfind(dir_ / "bad" + ": index.json: invalid JSON: parse error", 0), 0u) << err;
}

class OciArchiveTest : public OciLayoutTest {
 protected:
  void SetUp() override {
    OciLayoutTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    EIFKIT_REQUIRE_TOOL("skopeo");
  }
};

void skopeo_copy(const std::vector<std::string>& args) {
  std::vector<std::string> cmd = {"skopeo", "--insecure-policy", "copy", "-q"};
  cmd.insert(cmd.end(), args.begin(), args.end());
  test::run_tool(cmd);
}

TEST_F(OciArchiveTest, OpensSkopeoOciArchive) {
  std::string tar = dir_ / "app.tar";
  skopeo_copy({"oci:" + base_layout() + ":latest", "oci-archive:" + tar + ":app:1.0"});
  auto image = open_image(tar, std::nullopt, kAmd64);
  expect_base_image(*image, tar, {"app:1.0"});
  EXPECT_EQ(open_image(tar + ":app:1.0", kAmd64, kAmd64)->info().repo_tags,
            std::vector<std::string>{"app:1.0"});
  EXPECT_EQ(error_of([&] { open_image(tar + ":2.0", std::nullopt, kAmd64); }),
            tar + ": no image tagged 2.0 (tags: app:1.0)");
}

TEST_F(OciArchiveTest, TarOfALayoutWithDotSlashNames) {
  std::string tar = dir_ / "layout.tar.gz";
  test::run_tool({"tar", "-C", base_layout(), "-czf", tar, "."});
  expect_base_image(*open_image(tar, std::nullopt, kAmd64), tar, {"latest"});
}

TEST_F(OciArchiveTest, ZstdLayers) {
  std::string l = dir_ / "zstd";
  skopeo_copy({"--dest-compress-format", "zstd", "--dest-compress",
               "oci:" + base_layout() + ":latest", "oci:" + l + ":z"});
  nlohmann::json manifest = manifest_of(l, "z");
  for (const auto& layer : manifest["layers"]) {
    auto head = test::read_bytes(test::blob_path(l, layer["digest"]));
    ASSERT_GE(head.size(), 4u);
    EXPECT_EQ(head[0], 0x28);  // zstd magic: the layers really are zstd
  }
  expect_base_image(*open_image(l, std::nullopt, kAmd64), l, {"z"});
  std::string tar = dir_ / "zstd.tar";
  skopeo_copy({"oci:" + l + ":z", "oci-archive:" + tar});
  EXPECT_EQ(test::read_layers(*open_image(tar, std::nullopt, kAmd64)).size(), 2u);
}

TEST(OciLayoutErrors, NeitherDockerNorOciArchive) {
  test::ScratchDir dir_;
  std::string tar = dir_ / "other.tar";
  test::write_tar(tar, {{"etc/motd", "hi"}});
  EXPECT_EQ(error_of([&] { open_image(tar, std::nullopt, kAmd64); }),
            tar + ": not a docker save archive or OCI archive: no manifest.json or index.json");
}

}  // namespace
}  // namespace eifkit
