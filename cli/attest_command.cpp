// eifkit attest: an in-toto Statement of a build's reference values (its measurements and
// build record), for attestation verifiers and provenance pipelines.
#include <memory>
#include <string>

#include "cli/subcommand.h"
#include "lib/base/atomic_output.h"
#include "lib/base/output_conflicts.h"
#include "lib/policy/build_record.h"
#include "lib/policy/intoto.h"

namespace eifkit::cli {

namespace {
struct AttestOptions {
  std::string record, out, eif;
};
}  // namespace

Subcommand add_attest_command(CLI::App& parent) {
  auto o = std::make_shared<AttestOptions>();
  CLI::App* app = parent.add_subcommand(
      "attest",
      "Write an in-toto Statement whose subject is the EIF and whose predicate holds "
      "its measurements and build record");
  app->add_option("record", o->record, "Build record (JSON) or EIF file")->required();
  app->add_option("--out", o->out, "Write the statement here, atomically (default: stdout)");
  app->add_option("--eif", o->eif,
                  "The EIF the record describes (default: the record's Eif.Path, when there); "
                  "a record that does not match it is refused");
  return {app, [o] {
            if (!o->out.empty()) {
              std::vector<NamedPath> inputs = {{"the record", o->record}};
              if (!o->eif.empty()) inputs.push_back({"--eif", o->eif});
              refuse_output_conflicts(inputs, {{"--out", o->out}});
            }
            nlohmann::json record = load_record(o->record);
            refuse_stale_record(record, o->record, o->eif);
            nlohmann::json statement = intoto_statement(record, o->record);
            if (o->out.empty()) {
              print_json(statement);
              return 0;
            }
            write_file_atomically(o->out, statement.dump(2) + "\n");
            return 0;
          }};
}

}  // namespace eifkit::cli
