// eifkit attest: an in-toto Statement of a build's reference values (its measurements and
// build record), for attestation verifiers and provenance pipelines.
#include <memory>
#include <string>

#include "cli/subcommand.h"
#include "lib/base/atomic_output.h"
#include "lib/policy/build_record.h"
#include "lib/policy/intoto.h"

namespace eifkit::cli {

namespace {
struct AttestOptions {
  std::string record, out;
};
}  // namespace

Subcommand add_attest_command(CLI::App& parent) {
  auto o = std::make_shared<AttestOptions>();
  CLI::App* app = parent.add_subcommand(
      "attest",
      "Write an in-toto Statement whose subject is the EIF and whose predicate holds "
      "its measurements and build record");
  app->add_option("record", o->record, "Build record (JSON) or EIF file")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--out", o->out, "Write the statement here, atomically (default: stdout)");
  return {app, [o] {
            nlohmann::json statement = intoto_statement(load_record(o->record), o->record);
            if (o->out.empty()) {
              print_json(statement);
              return 0;
            }
            write_file_atomically(o->out, statement.dump(2) + "\n");
            return 0;
          }};
}

}  // namespace eifkit::cli
