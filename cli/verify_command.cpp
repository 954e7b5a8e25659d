// eifkit verify: check an EIF's CRC, signature, signed payload and certificate, and optional
// expected values. Exit 0 when every check passes, 1 when one fails, 2 for unusable input.
#include <ctime>
#include <memory>

#include "cli/old_spellings.h"
#include "cli/progress_display.h"
#include "cli/subcommand.h"
#include "cli/value_flags.h"
#include "lib/base/error.h"
#include "lib/eif/eif_verify.h"

namespace eifkit::cli {

namespace {
struct VerifyCliOptions {
  std::string eif;
  std::optional<std::string> certificate, pcr0, pcr8, at;
  ProgressMode progress = ProgressMode::kAuto;
};
}  // namespace

Subcommand add_verify_command(CLI::App& parent) {
  auto o = std::make_shared<VerifyCliOptions>();
  CLI::App* app = parent.add_subcommand(
      "verify", "Verify an EIF's CRC, signature, signed PCR0 and certificate validity");
  app->add_option("eif", o->eif, "EIF to verify")->required();
  CLI::Option* certificate =
      app->add_option("--signing-certificate", o->certificate,
                      "Require this signing certificate (PEM): the image's signer must be it")
          ->check(CLI::ExistingFile);
  add_old_spelling(app, "--certificate", certificate, o->certificate)->check(CLI::ExistingFile);
  app->add_option("--pcr0", o->pcr0, "Require this PCR0 (hex)");
  app->add_option("--pcr8", o->pcr8, "Require this PCR8 (hex)");
  add_progress_option(app, o->progress);
  app->add_option("--at", o->at,
                  "When the certificate must be valid: now (default) or an RFC 3339 time");
  return {app, [o] {
            VerifyOptions options;
            options.certificate = o->certificate;
            if (o->pcr0) options.pcr0 = parse_pcr_value("--pcr0", 0, *o->pcr0);
            if (o->pcr8) options.pcr8 = parse_pcr_value("--pcr8", 8, *o->pcr8);
            options.at = parse_eif_at_flag(o->at.value_or("now"), std::time(nullptr));
            EifImage image = open_eif(o->eif);
            ProgressDisplay display(o->progress, "eifkit verify");
            ScanOptions scan_options;
            scan_options.progress = display.progress();
            EifScan scan = scan_eif(image, scan_options);
            display.finish();
            VerifyReport report = verify_eif(image, scan, options);
            print_json(report.json);
            return report.passed ? 0 : 1;
          }};
}

}  // namespace eifkit::cli
