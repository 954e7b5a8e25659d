// eifkit diff: why two EIFs (or build records) measure differently. Exit 0 when every PCR is
// equal, 1 when one differs, 2 when an input is unusable.
#include <iostream>
#include <memory>

#include "cli/subcommand.h"
#include "lib/diff/diff_inputs.h"
#include "lib/diff/diff_text.h"

namespace eifkit::cli {

namespace {
struct DiffCliOptions {
  std::string a, b;
  std::string format = "json";
  DiffOptions diff;
};
}  // namespace

Subcommand add_diff_command(CLI::App& parent) {
  auto o = std::make_shared<DiffCliOptions>();
  CLI::App* app = parent.add_subcommand(
      "diff", "Explain why two EIFs' PCRs differ (either side may be a build record)");
  app->add_option("a", o->a, "EIF or build record (--measurements-out)")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("b", o->b, "EIF or build record to compare it with")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--format", o->format, "json (for CI, the default) or text (for people)")
      ->check(CLI::IsMember({"json", "text"}));
  app->add_flag("--ramdisk-files,!--no-ramdisk-files", o->diff.ramdisk_files,
                "Compare differing ramdisks file by file (path, content, mode, owner, mtime...): "
                "the default; --no-ramdisk-files compares their bytes only (huge images)");
  app->add_option("--max-changes", o->diff.max_changes,
                  "List at most N changes of each kind (default 20; counts are always whole)")
      ->check(CLI::NonNegativeNumber);
  return {app, [o] {
            nlohmann::json report = diff_inputs(o->a, o->b, o->diff);
            if (o->format == "text") {
              std::cout << diff_text(report) << std::flush;
            } else {
              print_json(report);
            }
            return report["PcrsEqual"] ? 0 : 1;
          }};
}

}  // namespace eifkit::cli
