// `eifkit build --image ARCHIVE --compat nitro-cli`: the archive opened as the build opens it,
// its layers flattened as `docker load` extracts them (implicit parents, whiteouts that make
// directories, hard links confined to their layer), Docker's init layer added, and nitro-cli's
// ramdisk written (hard links as relative symlinks, linuxkit's edits) into a sink that
// discards it.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "lib/base/error.h"
#include "lib/image/image_source.h"
#include "lib/image_build.h"
#include "tests/fuzz/fuzz_input_file.h"

namespace {
class NullSink : public eifkit::ByteSink {
 public:
  void write(std::span<const uint8_t> data) override { bytes += data.size(); }
  uint64_t bytes = 0;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static eifkit::fuzz::FuzzInputFile input("nitro_cli_image");
  try {
    std::unique_ptr<eifkit::ImageSource> image = eifkit::open_image(
        input.write(data, size), std::nullopt, eifkit::platform_for_arch(eifkit::Arch::kX86_64));
    eifkit::AppRamdiskOptions options;
    options.layout = eifkit::RamdiskLayout::kNitroCli;
    options.build_time = "2024-01-01T00:00:00Z";
    options.listing = true;  // no command is a note, so the flattening is reached
    eifkit::AppRamdisk ramdisk = eifkit::prepare_app_ramdisk(*image, options);
    (void)eifkit::load_time_report(ramdisk).dump();
    NullSink sink;
    eifkit::app_ramdisk_producer(ramdisk)(sink);
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
