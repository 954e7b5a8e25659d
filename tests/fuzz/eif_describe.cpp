// `eifkit describe EIF`: the EIF reader (header, section table, one streaming pass over every
// section: PCRs, CRC, metadata, signature section) and the description built from it.
#include <cstddef>
#include <cstdint>

#include "lib/base/error.h"
#include "lib/eif/eif_description.h"
#include "lib/eif/eif_reader.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static eifkit::fuzz::FuzzInputFile input("eif_describe");
  try {
    eifkit::EifImage image = eifkit::open_eif(input.write(data, size));
    eifkit::EifScan scan = eifkit::scan_eif(image);
    (void)eifkit::describe_eif(image, scan).dump();
    if (!scan.crc_ok) (void)eifkit::crc_mismatch(image, scan);
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
