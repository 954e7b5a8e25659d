// Ramdisk #0 is byte-identical to nitro-cli's for the same init and nsm.ko: PCR1 depends on it.
#include "lib/ramdisk/bootstrap_ramdisk.h"

#include <gtest/gtest.h>

#include "lib/base/error.h"
#include "lib/cpio/cpio_reader.h"
#include "tests/support/memory_streams.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::SpanSource;
using test::VectorSink;

using test::read_bytes;
using test::vector_path;

const std::string kInit = vector_path("ramdisk/init.bin");
const std::string kNsm = vector_path("ramdisk/nsm.ko.bin");

TEST(BootstrapRamdisk, ReproducesNitroCliArchiveByteForByte) {
  VectorSink sink;
  write_bootstrap_ramdisk(sink, kInit, kNsm);
  EXPECT_EQ(sink.bytes, read_bytes(vector_path("ramdisk/bootstrap-linuxkit.cpio")));
}

TEST(BootstrapRamdisk, SectionProducerWritesTheSameBytes) {
  VectorSink sink;
  SectionProducer produce = bootstrap_ramdisk_section(kInit, kNsm);
  produce(sink);
  EXPECT_EQ(sink.bytes, read_bytes(vector_path("ramdisk/bootstrap-linuxkit.cpio")));
}

TEST(BootstrapRamdisk, WithoutNsmHoldsOnlyDevAndInit) {
  VectorSink sink;
  write_bootstrap_ramdisk(sink, kInit, std::nullopt);
  EXPECT_EQ(sink.bytes.size() % 512, 0u);

  SpanSource source(sink.bytes);
  CpioReader reader(source, "bootstrap");
  CpioHeader h;
  std::vector<std::string> names;
  std::vector<uint32_t> inos;
  std::vector<uint8_t> init_data;
  while (reader.next(h)) {
    names.push_back(h.name);
    inos.push_back(h.ino);
    EXPECT_EQ(h.mtime, kBootstrapMtime);
    EXPECT_EQ(h.uid, 0u);
    EXPECT_EQ(h.gid, 0u);
    if (h.name == "init") {
      EXPECT_EQ(h.mode, 0100755u);
      std::vector<uint8_t> buf(1000);
      for (size_t n; (n = reader.read_data(buf)) > 0;) {
        init_data.insert(init_data.end(), buf.begin(), buf.begin() + static_cast<ptrdiff_t>(n));
      }
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"dev", "init"}));
  EXPECT_EQ(inos, (std::vector<uint32_t>{721, 722}));
  EXPECT_EQ(init_data, read_bytes(kInit));
}

TEST(BootstrapRamdisk, MissingFileIsErrorNamingIt) {
  test::ScratchDir dir;
  VectorSink sink;
  try {
    write_bootstrap_ramdisk(sink, kInit, dir / "nope.ko");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(dir / "nope.ko: cannot open", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace eifkit
