// eifkit pcr: one measurement, in the shape nitro-cli's `pcr` prints it.
#include <memory>

#include "cli/subcommand.h"
#include "formats/hex.h"
#include "lib/hash/runtime_pcrs.h"
#include "lib/signing/pcr8.h"

namespace eifkit::cli {

namespace {
struct PcrOptions {
  std::string input, certificate, role_arn, instance_id;
};
}  // namespace

Subcommand add_pcr_command(CLI::App& parent) {
  auto opts = std::make_shared<PcrOptions>();
  CLI::App* app = parent.add_subcommand(
      "pcr",
      "Compute one PCR: of a file, a signing certificate (PCR8), an IAM role ARN (PCR3) "
      "or an instance ID (PCR4)");
  auto* input = app->add_option("--input", opts->input, "File to measure: prints {\"PCR\": …}")
                    ->check(CLI::ExistingFile);
  auto* cert = app->add_option("--signing-certificate", opts->certificate,
                               "PEM certificate: prints {\"PCR8\": …}");
  auto* arn = app->add_option("--role-arn", opts->role_arn,
                              "IAM role ARN of the parent instance: prints {\"PCR3\": …}");
  auto* id = app->add_option("--instance-id", opts->instance_id,
                             "ID of the parent instance: prints {\"PCR4\": …}");
  std::vector<CLI::Option*> all = {input, cert, arn, id};
  for (auto* a : all) {
    for (auto* b : all) {
      if (a != b) a->excludes(b);
    }
  }
  app->require_option(1);
  return {app, [opts, input, cert, arn] {
            nlohmann::json out;
            if (*input) {
              out["PCR"] = to_hex(pcr_of_file(opts->input));
            } else if (*cert) {
              out["PCR8"] = to_hex(pcr8_of_certificate_file(opts->certificate));
            } else if (*arn) {
              out["PCR3"] = to_hex(pcr3_of_role_arn(opts->role_arn));
            } else {
              out["PCR4"] = to_hex(pcr4_of_instance_id(opts->instance_id));
            }
            print_json(out);
            return 0;
          }};
}

}  // namespace eifkit::cli
