#include "lib/diff/diff_inputs.h"

#include "lib/diff/eif_diff.h"
#include "lib/diff/eif_side.h"
#include "lib/diff/record_diff.h"
#include "lib/eif/eif_reader.h"
#include "lib/policy/build_record.h"

namespace eifkit {

nlohmann::json diff_inputs(const std::string& a, const std::string& b, const DiffOptions& options) {
  bool a_eif = has_eif_magic(a), b_eif = has_eif_magic(b);
  nlohmann::json report;
  if (a_eif && b_eif) {
    EifSide side_a = read_eif_side(a, options.ramdisk_files);
    EifSide side_b = read_eif_side(b, options.ramdisk_files);
    report = diff_eifs(side_a, side_b, options);
    report["Compared"] = "eif";
  } else {
    report = diff_records(load_record(a), load_record(b), options);
    report["Compared"] = "record";
  }
  report["A"] = {{"Path", a}, {"Kind", a_eif ? "eif" : "record"}};
  report["B"] = {{"Path", b}, {"Kind", b_eif ? "eif" : "record"}};
  return report;
}

}  // namespace eifkit
