// Layers read ahead on worker threads (flatten_image) give what reading them one by one gives:
// the same tree, hence the same ramdisk bytes, and the same first error.
#include "lib/image/layer_readers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/base/error.h"
#include "lib/image/flatten.h"
#include "lib/image/layer_stream.h"
#include "lib/ramdisk/app_ramdisk.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/memory_streams.h"

namespace eifkit {
namespace {

using test::make_tar;
using test::TarMember;
using testing::HasSubstr;

std::string layer_name(size_t i) {
  std::string name = "layer";
  name += std::to_string(i);  // not "layer" + …: GCC 12 warns wrongly (-Wrestrict) there
  return name;
}

// Layers held in memory, each opened as a checked (here: unchecked) layer stream.
class MemoryImage : public ImageSource {
 public:
  explicit MemoryImage(std::vector<std::vector<uint8_t>> layers) : layers_(std::move(layers)) {
    info_.source = "memory";
    names_.resize(layers_.size());
    for (size_t i = 0; i < layers_.size(); ++i) names_[i] = layer_name(i);
  }
  const ImageInfo& info() const override { return info_; }
  size_t layer_count() const override { return layers_.size(); }
  uint64_t layer_stored_size(size_t index) const override { return layers_.at(index).size(); }
  std::unique_ptr<LayerStream> open_layer(size_t index, Progress* progress) override {
    // Small steps, so the readers really interleave.
    return make_layer_stream(std::make_unique<test::SpanSource>(layers_.at(index), 4096),
                             names_[index], {}, progress);
  }

 private:
  ImageInfo info_;
  std::vector<std::vector<uint8_t>> layers_;
  std::vector<std::string> names_;
};

std::vector<uint8_t> ramdisk_of(FlattenedImage& image) {
  test::VectorSink sink;
  EnclaveCommand command;
  command.argv = {"/bin/app"};
  write_app_ramdisk(sink, image, command);
  return sink.bytes;
}

std::vector<uint8_t> serial_ramdisk(const std::vector<std::vector<uint8_t>>& layers) {
  Flattener flattener;
  for (size_t i = 0; i < layers.size(); ++i) {
    test::SpanSource source(layers[i]);
    TarReader reader(source, layer_name(i));
    flattener.apply_layer(reader, layer_name(i));
  }
  FlattenedImage image = flattener.finish();
  return ramdisk_of(image);
}

std::vector<std::vector<uint8_t>> many_layers() {
  std::vector<std::vector<uint8_t>> layers;
  for (int l = 0; l < 6; ++l) {
    std::vector<TarMember> members;
    for (int f = 0; f < 40; ++f) {
      std::string name = "d";
      name += std::to_string(f % 4);
      name += "/f";
      name += std::to_string(f);
      members.emplace_back(name, std::string(static_cast<size_t>(f * 997 % 70000), char('a' + l)));
    }
    if (l > 0) members.emplace_back(std::string("d1/.wh.f") += std::to_string(l), "");
    if (l == 3) members.emplace_back("d2/.wh..wh..opq", "");
    members.push_back(TarMember::hard(std::string("d3/link") += std::to_string(l), "d0/f0"));
    layers.push_back(make_tar(members));
  }
  return layers;
}

TEST(LayerReaders, SameRamdiskAsReadingLayerByLayer) {
  auto layers = many_layers();
  MemoryImage image(layers);
  Progress progress;
  FlattenedImage fs = flatten_image(image, &progress);
  uint64_t estimate = app_ramdisk_size_estimate(fs);
  std::vector<uint8_t> ramdisk = ramdisk_of(fs);
  EXPECT_EQ(ramdisk, serial_ramdisk(layers));
  // Close enough for a progress total: within a few headers.
  EXPECT_NEAR(static_cast<double>(estimate), static_cast<double>(ramdisk.size()), 2048.0);
  uint64_t stored = 0;
  for (const auto& l : layers) stored += l.size();
  Progress::State state = progress.state();
  EXPECT_EQ(state.phase, "reading layers");
  EXPECT_EQ(state.total, stored);
  EXPECT_EQ(state.done, stored);
}

TEST(LayerReaders, TheLowerLayersErrorWinsOverALaterOne) {
  auto layers = many_layers();
  layers[1] = make_tar({TarMember("../escape", "x")});
  layers[2] = std::vector<uint8_t>(5000, 0x42);  // not a tar at all
  MemoryImage image(layers);
  EXPECT_EQ(test::error_of([&] { flatten_image(image); }),
            "layer1: ../escape: path escapes the image root");
}

TEST(LayerReaders, ALaterLayersErrorIsReportedOnceTheLowerOnesApplied) {
  auto layers = many_layers();
  std::vector<uint8_t> truncated = test::gzip_bytes(layers[4]);
  truncated.resize(truncated.size() / 2);
  layers[4] = truncated;
  MemoryImage image(layers);
  EXPECT_EQ(test::error_of([&] { flatten_image(image); }), "layer4: truncated gzip data");
}

TEST(LayerReaders, AnEntrysDataErrorComesAfterTheEntrysOwnChecks) {
  // The second member is cut short inside its data; the first is refused before that.
  std::vector<uint8_t> tar =
      make_tar({TarMember("/a/../../x", "1"), TarMember("big", "0123456789")});
  tar.resize(1024 + 512 + 5);
  MemoryImage image({tar});
  EXPECT_EQ(test::error_of([&] { flatten_image(image); }),
            "layer0: /a/../../x: path escapes the image root");
}

TEST(LayerReaders, StoppingEarlyDoesNotWaitForTheRest) {
  // Layer 0 fails at once while the others are being read: flatten_image returns (the
  // destructor stops the workers) rather than hanging.
  auto layers = many_layers();
  layers[0] = make_tar({TarMember("../x", "y")});
  MemoryImage image(layers);
  EXPECT_THAT(test::error_of([&] { flatten_image(image); }), HasSubstr("escapes"));
}

}  // namespace
}  // namespace eifkit
