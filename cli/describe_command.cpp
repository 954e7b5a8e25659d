// eifkit describe: recompute every PCR and the CRC of an EIF and report them as nitro-cli's
// describe-eif does. A CRC mismatch is reported and exits 1; unusable input exits 2.
#include <iostream>
#include <memory>

#include "cli/progress_display.h"
#include "cli/subcommand.h"
#include "lib/eif/eif_description.h"
#include "lib/eif/eif_reader.h"

namespace eifkit::cli {

int run_describe(const std::string& path, ProgressMode progress, const std::string& program) {
  EifImage image = open_eif(path);
  ProgressDisplay display(progress, program);
  ScanOptions scan_options;
  scan_options.progress = display.progress();
  EifScan scan = scan_eif(image, scan_options);
  display.finish();
  print_json(describe_eif(image, scan));
  if (!scan.crc_ok) {
    std::cerr << "eifkit: " << path << ": " << crc_mismatch(image, scan) << std::endl;
    return 1;
  }
  return 0;
}

Subcommand add_describe_command(CLI::App& parent) {
  auto path = std::make_shared<std::string>();
  auto progress = std::make_shared<ProgressMode>(ProgressMode::kAuto);
  CLI::App* app = parent.add_subcommand(
      "describe", "Recompute and print an EIF's measurements, CRC, metadata and sections");
  app->add_option("eif", *path, "EIF file")->required();
  add_progress_option(app, *progress);
  return {app, [path, progress] { return run_describe(*path, *progress, "eifkit describe"); }};
}

}  // namespace eifkit::cli
