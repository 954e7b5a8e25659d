// eifkit extract: an EIF's sections as files, and the file lists of its ramdisks.
#include <iostream>
#include <memory>

#include "cli/old_spellings.h"
#include "cli/progress_display.h"
#include "cli/subcommand.h"
#include "lib/base/error.h"
#include "lib/eif/eif_extract.h"
#include "lib/eif/eif_reader.h"

namespace eifkit::cli {

Subcommand add_extract_command(CLI::App& parent) {
  struct Options {
    std::string eif, out;
    bool list = false, no_verify = false;
    ProgressMode progress = ProgressMode::kAuto;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "extract", "Write each section of an EIF to a file, or list its ramdisks' files");
  app->add_option("eif", o->eif, "EIF to take apart")->required();
  CLI::Option* output = app->add_option(
      "--output", o->out,
      "Directory for kernel, cmdline, metadata.json, ramdisk-N.cpio, signature.cbor");
  add_old_spelling(app, "--out", output, o->out);
  app->add_flag("--list", o->list, "Print the file list of every ramdisk");
  app->add_flag("--no-verify", o->no_verify, "Extract even when the EIF's CRC does not match");
  add_progress_option(app, o->progress);
  return {app, [o] {
            if (o->out.empty() && !o->list) throw Error("extract needs --output DIR or --list");
            EifImage image = open_eif(o->eif);
            ProgressDisplay display(o->progress, "eifkit extract");
            if (!o->no_verify) {
              ScanOptions scan_options;
              scan_options.progress = display.progress();
              EifScan scan = scan_eif(image, scan_options);
              if (!scan.crc_ok) display.finish();
              if (!scan.crc_ok) {
                std::cerr << "eifkit: " << o->eif << ": " << crc_mismatch(image, scan)
                          << ": the image is damaged; nothing extracted (--no-verify extracts "
                             "it anyway)"
                          << std::endl;
                return 1;
              }
            }
            nlohmann::json out = nlohmann::json::object();
            if (!o->out.empty()) out["Files"] = extract_sections(image, o->out, display.progress());
            if (o->list) out["Ramdisks"] = list_ramdisks(image);
            display.finish();
            print_json(out);
            return 0;
          }};
}

}  // namespace eifkit::cli
