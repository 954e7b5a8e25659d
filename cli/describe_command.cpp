// eifkit describe: recompute every PCR and the CRC of an EIF and report them as nitro-cli's
// describe-eif does. A CRC mismatch is reported and exits 1; unusable input exits 2.
#include <iostream>
#include <memory>

#include "cli/subcommand.h"
#include "lib/eif/eif_description.h"
#include "lib/eif/eif_reader.h"

namespace eifkit::cli {

Subcommand add_describe_command(CLI::App& parent) {
  auto path = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand(
      "describe", "Recompute and print an EIF's measurements, CRC, metadata and sections");
  app->add_option("eif", *path, "EIF file")->required();
  return {app, [path] {
            EifImage image = open_eif(*path);
            EifScan scan = scan_eif(image);
            print_json(describe_eif(image, scan));
            if (!scan.crc_ok) {
              std::cerr << "eifkit: " << *path << ": " << crc_mismatch(image, scan) << std::endl;
              return 1;
            }
            return 0;
          }};
}

}  // namespace eifkit::cli
