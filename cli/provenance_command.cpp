// eifkit provenance: an in-toto Statement of a build's reference values (its measurements and
// build record), for attestation verifiers and provenance pipelines. `attest` is its old
// name, kept as a hidden alias.
#include <memory>
#include <string>

#include "cli/old_spellings.h"
#include "cli/subcommand.h"
#include "lib/base/atomic_output.h"
#include "lib/base/output_conflicts.h"
#include "lib/policy/build_record.h"
#include "lib/policy/intoto.h"

namespace eifkit::cli {

namespace {

struct ProvenanceOptions {
  std::string record, output, eif;
};

constexpr const char* kDescription =
    "Write an in-toto Statement whose subject is the EIF and whose predicate holds its "
    "measurements and build record";

void add_flags(CLI::App* app, ProvenanceOptions& o) {
  app->add_option("record", o.record, "Build record (JSON) or EIF file")->required();
  CLI::Option* output = app->add_option("--output", o.output,
                                        "Write the statement here, atomically (default: stdout)");
  add_old_spelling(app, "--out", output, o.output);
  app->add_option("--eif", o.eif,
                  "The EIF the record describes (default: the record's Eif.Path, when there); "
                  "a record that does not match it is refused");
}

int run_provenance(const ProvenanceOptions& o) {
  if (!o.output.empty()) {
    std::vector<NamedPath> inputs = {{"the record", o.record}};
    if (!o.eif.empty()) inputs.push_back({"--eif", o.eif});
    refuse_output_conflicts(inputs, {{"--output", o.output}});
  }
  nlohmann::json record = load_record(o.record);
  refuse_stale_record(record, o.record, o.eif);
  nlohmann::json statement = intoto_statement(record, o.record);
  if (o.output.empty()) {
    print_json(statement);
    return 0;
  }
  write_file_atomically(o.output, statement.dump(2) + "\n");
  return 0;
}

}  // namespace

std::vector<Subcommand> add_provenance_command(CLI::App& parent) {
  std::vector<Subcommand> commands;
  auto o = std::make_shared<ProvenanceOptions>();
  CLI::App* app = parent.add_subcommand("provenance", kDescription);
  add_flags(app, *o);
  commands.push_back({app, [o] { return run_provenance(*o); }});
  auto old = std::make_shared<ProvenanceOptions>();
  CLI::App* old_app = add_old_command(&parent, "attest", "provenance", kDescription);
  add_flags(old_app, *old);
  commands.push_back({old_app, [old] { return run_provenance(*old); }});
  return commands;
}

}  // namespace eifkit::cli
