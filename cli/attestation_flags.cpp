#include "cli/attestation_flags.h"

#include <ctime>

#include "cli/old_spellings.h"
#include "cli/value_flags.h"

namespace eifkit::cli {

void add_attestation_flags(CLI::App& app, AttestationFlags& f) {
  app.add_option("--root", f.root,
                 "The root the chain must end at (PEM; default the bundled AWS Nitro Enclaves "
                 "root G1). A root whose subject names QingTian selects QingTian's signature "
                 "encoding")
      ->check(CLI::ExistingFile);
  app.add_option("--at", f.at,
                 "When every certificate must be valid: now (default), doc (the document's own "
                 "timestamp) or an RFC 3339 time");
  CLI::Option* encoding =
      app.add_option("--encoding", f.encoding,
                     "nitro or qingtian: whose signature encoding to expect (default: from the "
                     "root)")
          ->check(CLI::IsMember({"nitro", "qingtian"}));
  add_old_spelling(&app, "--platform", encoding, f.encoding)
      ->check(CLI::IsMember({"nitro", "qingtian"}));
}

AttestationVerifyOptions attestation_options(const AttestationFlags& f) {
  AttestationVerifyOptions o;
  o.root_path = f.root;
  o.at = parse_at_flag(f.at.value_or("now"), std::time(nullptr));
  if (f.encoding) {
    o.platform =
        *f.encoding == "qingtian" ? AttestationPlatform::kQingTian : AttestationPlatform::kNitro;
  }
  return o;
}

}  // namespace eifkit::cli
