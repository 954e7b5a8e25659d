// `eifkit diff --ramdisk-files A B` with the text report: A is the input, B the input with
// one byte flipped in its middle, so that both usually parse and their ramdisks differ,
// which sends mutated ramdisks (plain, gzip, zstd) through the file lists, the sort and the
// merge.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lib/base/error.h"
#include "lib/diff/diff_inputs.h"
#include "lib/diff/diff_text.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static eifkit::fuzz::FuzzInputFile a("eif_diff_a"), b("eif_diff_b");
  std::vector<uint8_t> flipped(data, data + size);
  if (!flipped.empty()) flipped[flipped.size() / 2] ^= 1;
  try {
    eifkit::DiffOptions options;
    options.ramdisk_files = true;
    nlohmann::json report =
        eifkit::diff_inputs(a.write(data, size), b.write(flipped.data(), flipped.size()), options);
    (void)eifkit::diff_text(report);
    (void)report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
