// docker save archives in the layouts writers produce: skopeo's docker-archive, classic docker
// (<id>/layer.tar symlinks, possibly gzip'd as a whole), Docker 25+ (manifest.json beside an
// OCI layout), and hand-made archives for the broken and hostile cases.
#include "lib/image/docker_archive.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "lib/base/error.h"
#include "lib/image/image_source.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/requirements.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

namespace fs = std::filesystem;
using test::digest_of;
using test::error_of;
using test::hex_of;
using test::TarMember;
using test::to_bytes;

const Platform kAmd64 = Platform::parse("linux/amd64");
const Platform kArm64 = Platform::parse("linux/arm64");

std::string base_config_digest() {
  const std::string& l = test::base_oci_layout();
  return test::read_blob_json(l, test::tagged(l, "latest")["digest"])["config"]["digest"];
}

void expect_base_image(ImageSource& image, const std::string& source,
                       const std::vector<std::string>& tags) {
  const ImageInfo& info = image.info();
  EXPECT_EQ(info.source, source);
  EXPECT_EQ(info.repo_tags, tags);
  EXPECT_EQ(info.platform.str(), "linux/amd64");
  EXPECT_EQ(info.config["config"]["Cmd"], nlohmann::json::array({"/bin/hello"}));
  EXPECT_EQ(info.id, base_config_digest());
  ASSERT_EQ(image.layer_count(), 2u);
  auto layers = test::read_layers(image);
  EXPECT_TRUE(test::contains(layers[0], "bin/hello"));
  EXPECT_TRUE(test::contains(layers[1], "etc/motd"));
}

class DockerArchiveTest : public testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"umoci", "skopeo"}) EIFKIT_REQUIRE_TOOL(tool);
  }

  std::string skopeo_archive() {
    std::string tar = dir_ / "app.tar";
    test::run_tool({"skopeo", "--insecure-policy", "copy", "-q",
                    "oci:" + test::base_oci_layout() + ":latest",
                    "docker-archive:" + tar + ":app:1.0"});
    return tar;
  }

  test::ScratchDir dir_;
};

TEST_F(DockerArchiveTest, OpensSkopeoDockerArchive) {
  std::string tar = skopeo_archive();
  expect_base_image(*open_image(tar, std::nullopt, kAmd64), tar, {"docker.io/library/app:1.0"});
  for (const char* tag : {":app:1.0", ":1.0", ":docker.io/library/app:1.0"}) {
    EXPECT_EQ(open_image(tar + tag, std::nullopt, kAmd64)->layer_count(), 2u) << tag;
  }
  EXPECT_EQ(error_of([&] { open_image(tar + ":2.0", std::nullopt, kAmd64); }),
            tar + ": no image tagged 2.0 (tags: docker.io/library/app:1.0)");
}

TEST_F(DockerArchiveTest, ClassicLayoutWithSymlinkedLayersGzipped) {
  std::string x = dir_ / "x";
  fs::create_directories(x);
  test::run_tool({"tar", "-C", x, "-xf", skopeo_archive()});
  // skopeo also writes the classic <id>/layer.tar names, as symlinks: point manifest.json at
  // those, as docker before 25 did.
  nlohmann::json manifest = test::read_json(x + "/manifest.json");
  std::map<std::string, std::string> classic;
  for (const auto& e : fs::directory_iterator(x)) {
    fs::path link = e.path() / "layer.tar";
    if (fs::is_symlink(link)) {
      classic[fs::read_symlink(link).filename()] = e.path().filename().string() + "/layer.tar";
    }
  }
  for (auto& layer : manifest[0]["Layers"]) layer = classic.at(layer.get<std::string>());
  manifest[0]["RepoTags"] = {"app:1.0"};
  test::write_bytes(x + "/manifest.json", to_bytes(manifest.dump()));
  std::string tar = dir_ / "classic.tar.gz";
  test::run_tool({"tar", "-C", x, "-czf", tar, "."});
  expect_base_image(*open_image(tar, std::nullopt, kAmd64), tar, {"app:1.0"});
}

// Docker 25+ writes an OCI layout and a manifest.json pointing into it.
std::string make_docker25(const std::string& dir, const std::string& repo_tag) {
  std::string x = dir + "/d25";
  fs::copy(test::base_oci_layout(), x, fs::copy_options::recursive);
  nlohmann::json index = test::read_index(x);
  index["manifests"][0]["annotations"] = {{"io.containerd.image.name", "docker.io/library/app:1.0"},
                                          {"org.opencontainers.image.ref.name", "1.0"}};
  test::write_index(x, index);
  nlohmann::json m = test::read_blob_json(x, index["manifests"][0]["digest"]);
  nlohmann::json entry = {{"Config", "blobs/sha256/" + hex_of(m["config"]["digest"])},
                          {"RepoTags", {repo_tag}},
                          {"Layers", nlohmann::json::array()}};
  for (const auto& l : m["layers"])
    entry["Layers"].push_back("blobs/sha256/" + hex_of(l["digest"]));
  test::write_bytes(x + "/manifest.json", to_bytes(nlohmann::json::array({entry}).dump()));
  return x;
}

TEST_F(DockerArchiveTest, Docker25LayoutUsesManifestJson) {
  std::string x = make_docker25(dir_.path(), "app:from-manifest-json");
  std::string tar = dir_ / "d25.tar";
  test::run_tool(
      {"tar", "-C", x, "-cf", tar, "oci-layout", "index.json", "manifest.json", "blobs"});
  expect_base_image(*open_image(tar, std::nullopt, kAmd64), tar, {"app:from-manifest-json"});
  // Without manifest.json the OCI side is read, its name shortened as docker shows it.
  fs::remove(x + "/manifest.json");
  std::string oci = dir_ / "oci.tar";
  test::run_tool({"tar", "-C", x, "-cf", oci, "."});
  expect_base_image(*open_image(oci, std::nullopt, kAmd64), oci, {"app:1.0"});
}

TEST_F(DockerArchiveTest, Docker25TamperedLayerBlob) {
  std::string x = make_docker25(dir_.path(), "app:1.0");
  nlohmann::json manifest = test::read_json(x + "/manifest.json");
  std::string layer = manifest[0]["Layers"][1];
  auto bytes = test::read_bytes(x + "/" + layer);
  bytes[bytes.size() / 2] ^= 1;
  test::write_bytes(x + "/" + layer, bytes);
  std::string tar = dir_ / "d25.tar";
  test::run_tool({"tar", "-C", x, "-cf", tar, "."});
  auto image = open_image(tar, std::nullopt, kAmd64);
  EXPECT_EQ(error_of([&] { test::read_layers(*image); }),
            tar + ": " + layer + ": content " + digest_of(bytes) +
                " does not match digest sha256:" + layer.substr(13));
}

// Hand-made archives: one layer per tar given, config named by its digest as docker does.
struct Hand {
  nlohmann::json config = {{"architecture", "amd64"},
                           {"os", "linux"},
                           {"config", {{"Cmd", {"/bin/sh"}}}},
                           {"rootfs", {{"type", "layers"}, {"diff_ids", nlohmann::json::array()}}}};
  std::vector<TarMember> members;
  nlohmann::json entry = {{"RepoTags", {"hand:1"}}, {"Layers", nlohmann::json::array()}};

  // Adds a layer stored as `blob` whose uncompressed content is `tar`.
  void layer(const std::string& name, const std::vector<uint8_t>& tar,
             const std::vector<uint8_t>& blob) {
    config["rootfs"]["diff_ids"].push_back(digest_of(tar));
    entry["Layers"].push_back(name);
    members.emplace_back(name, std::string(blob.begin(), blob.end()));
  }
  std::string config_name() const { return hex_of(digest_of(to_bytes(config.dump()))) + ".json"; }
  void write(const std::string& path, nlohmann::json manifest = nullptr) {
    std::vector<TarMember> all = members;
    all.emplace_back(config_name(), config.dump());
    if (manifest.is_null()) {
      entry["Config"] = config_name();
      manifest = nlohmann::json::array({entry});
    }
    all.emplace_back("manifest.json", manifest.dump());
    test::write_tar(path, all);
  }
};

// Needs no tools: the archives are written with libarchive.
class DockerArchiveHandMadeTest : public testing::Test {
 protected:
  test::ScratchDir dir_;
};

const std::vector<uint8_t> kLayerTar = test::make_tar({{"bin/sh", "#!"}, {"etc/motd", "hand"}});

TEST_F(DockerArchiveHandMadeTest, ZstdAndGzipLayersByMagic) {
  Hand h;
  h.layer("a/layer.tar", kLayerTar, test::zstd_bytes(kLayerTar));
  h.layer("b/layer.tar", kLayerTar, test::gzip_bytes(kLayerTar));
  h.layer("c/layer.tar", kLayerTar, kLayerTar);
  std::string tar = dir_ / "hand.tar";
  h.write(tar);
  auto image = open_image(tar, std::nullopt, kAmd64);
  EXPECT_EQ(image->info().id, "sha256:" + h.config_name().substr(0, 64));
  EXPECT_EQ(image->info().repo_tags, std::vector<std::string>{"hand:1"});
  auto layers = test::read_layers(*image);
  ASSERT_EQ(layers.size(), 3u);
  for (const auto& l : layers) EXPECT_EQ(l, kLayerTar);
  EXPECT_EQ(image->open_layer(0)->name(), tar + ": a/layer.tar");
}

TEST_F(DockerArchiveHandMadeTest, TruncatedGzipLayer) {
  Hand h;
  auto gz = test::gzip_bytes(kLayerTar);
  gz.resize(gz.size() - 10);
  h.layer("l/layer.tar", kLayerTar, gz);
  std::string tar = dir_ / "hand.tar";
  h.write(tar);
  auto image = open_image(tar, std::nullopt, kAmd64);
  EXPECT_EQ(error_of([&] { test::read_layers(*image); }),
            tar + ": l/layer.tar: truncated gzip data");
}

TEST_F(DockerArchiveHandMadeTest, DiffIdMismatch) {
  Hand h;
  auto other = test::make_tar({{"etc/motd", "other"}});
  h.layer("l/layer.tar", kLayerTar, other);
  std::string tar = dir_ / "hand.tar";
  h.write(tar);
  auto image = open_image(tar, std::nullopt, kAmd64);
  EXPECT_EQ(error_of([&] { test::read_layers(*image); }),
            tar + ": l/layer.tar: uncompressed content " + digest_of(other) +
                " does not match diff_id " + digest_of(kLayerTar) + " in the config");
}

TEST_F(DockerArchiveHandMadeTest, ConfigMustMatchTheDigestInItsName) {
  Hand h;
  h.layer("l/layer.tar", kLayerTar, kLayerTar);
  std::string name = h.config_name();
  h.members.emplace_back(name, "{}");  // a later member of the same name replaces it
  std::string tar = dir_ / "hand.tar";
  h.entry["Config"] = name;
  h.members.emplace_back("manifest.json", nlohmann::json::array({h.entry}).dump());
  test::write_tar(tar, h.members);
  EXPECT_EQ(error_of([&] { open_image(tar, std::nullopt, kAmd64); }),
            tar + ": " + name + ": content " + digest_of(to_bytes("{}")) +
                " does not match digest sha256:" + name.substr(0, 64));
}

TEST_F(DockerArchiveHandMadeTest, PathsLeavingTheArchiveAreRefused) {
  for (const char* bad : {"../x", "/etc/passwd", "a/../../x"}) {
    Hand h;
    h.layer("l/layer.tar", kLayerTar, kLayerTar);
    h.entry["Layers"][0] = bad;
    std::string tar = dir_ / "hand.tar";
    h.write(tar);
    EXPECT_EQ(error_of([&] { open_image(tar, std::nullopt, kAmd64); }),
              tar + ": manifest.json names a layer outside the archive: " + bad);
  }
  Hand h;
  h.write(dir_ / "config.tar", nlohmann::json::array({{{"Config", "../c.json"}, {"Layers", {}}}}));
  EXPECT_EQ(error_of([&] { open_image(dir_ / "config.tar", std::nullopt, kAmd64); }),
            dir_ / "config.tar" + ": manifest.json names a config outside the archive: ../c.json");
}

TEST_F(DockerArchiveHandMadeTest, MissingLayerAndCountMismatch) {
  Hand h;
  h.layer("l/layer.tar", kLayerTar, kLayerTar);
  h.entry["Layers"].push_back("gone/layer.tar");
  std::string tar = dir_ / "hand.tar";
  h.write(tar);
  EXPECT_EQ(error_of([&] { open_image(tar, std::nullopt, kAmd64); }),
            tar + ": " + h.config_name() +
                ": config lists 1 diff_ids but manifest.json "
                "lists 2 layers");
  h.config["rootfs"]["diff_ids"].push_back(digest_of(kLayerTar));
  h.write(tar);
  EXPECT_EQ(error_of([&] { open_image(tar, std::nullopt, kAmd64); }),
            tar + ": layer gone/layer.tar is missing from the archive");
}

TEST_F(DockerArchiveHandMadeTest, PlatformPicksAmongEntries) {
  Hand amd, arm;
  arm.config["architecture"] = "arm64";
  arm.config["variant"] = "v8";
  arm.entry["RepoTags"] = {"hand:arm"};
  amd.layer("amd/layer.tar", kLayerTar, kLayerTar);
  arm.layer("arm/layer.tar", kLayerTar, kLayerTar);
  amd.entry["Config"] = amd.config_name();
  arm.entry["Config"] = arm.config_name();
  std::vector<TarMember> all = amd.members;
  all.insert(all.end(), arm.members.begin(), arm.members.end());
  all.emplace_back(amd.config_name(), amd.config.dump());
  all.emplace_back(arm.config_name(), arm.config.dump());
  all.emplace_back("manifest.json", nlohmann::json::array({amd.entry, arm.entry}).dump());
  std::string tar = dir_ / "two.tar";
  test::write_tar(tar, all);
  EXPECT_EQ(open_image(tar, kArm64, kAmd64)->info().repo_tags,
            std::vector<std::string>{"hand:arm"});
  EXPECT_EQ(open_image(tar, std::nullopt, kAmd64)->info().repo_tags,
            std::vector<std::string>{"hand:1"});
  EXPECT_EQ(open_image(tar + ":arm", std::nullopt, kAmd64)->info().platform.str(),
            "linux/arm64/v8");
  EXPECT_EQ(error_of([&] { open_image(tar, Platform::parse("linux/s390x"), kAmd64); }),
            tar + ": no image for linux/s390x (present: linux/amd64, linux/arm64/v8)");
}

}  // namespace
}  // namespace eifkit
