// `eifkit extract --list --no-verify EIF`: the EIF reader's structure checks, then the cpio
// file list of every ramdisk section. Without the CRC check, as --no-verify does, so that
// mutated ramdisks reach the cpio reader.
#include <cstddef>
#include <cstdint>

#include "lib/base/error.h"
#include "lib/eif/eif_extract.h"
#include "lib/eif/eif_reader.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static eifkit::fuzz::FuzzInputFile input("eif_ramdisk_list");
  try {
    eifkit::EifImage image = eifkit::open_eif(input.write(data, size));
    (void)eifkit::list_ramdisks(image).dump();
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
