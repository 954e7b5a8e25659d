// eifkit policy aws|huawei|check: key policies that pin enclave images by their PCRs, built
// from build records (or EIFs), and the CI gate that checks an image against a policy.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/attestation_flags.h"
#include "cli/subcommand.h"
#include "lib/attestation/attestation_policy.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/base/json_read.h"
#include "lib/policy/build_record.h"
#include "lib/policy/policy_aws.h"
#include "lib/policy/policy_check.h"
#include "lib/policy/policy_huawei.h"

namespace eifkit::cli {

namespace {

constexpr uint64_t kMaxPolicyFileSize = 1 << 20;

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

// "0,1,2,8", or "none" for no PCR condition at all.
std::vector<int> parse_pcrs(const std::string& text) {
  std::vector<int> pcrs;
  if (text == "none") return pcrs;
  for (const std::string& part : split_commas(text)) {
    bool digits = !part.empty() && part.size() <= 2 &&
                  part.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(part) > 31) {
      throw Error("--pcrs: '" + part + "' is not a PCR number (0 to 31); expected a list like " +
                  "0,1,2,8 or none");
    }
    pcrs.push_back(std::stoi(part));
  }
  return pcrs;
}

std::vector<PolicyRecord> load_records(const std::vector<std::string>& paths) {
  std::vector<PolicyRecord> records;
  for (const std::string& path : paths) records.push_back({path, load_record(path)});
  return records;
}

struct AwsFlags {
  std::vector<std::string> records, principals, admins;
  std::string pcrs, effect = "allow", actions, sid;
  bool image_sha384 = false, document = false;
};

Subcommand add_aws(CLI::App& parent) {
  auto f = std::make_shared<AwsFlags>();
  CLI::App* app = parent.add_subcommand(
      "aws",
      "Print an AWS KMS key-policy statement (or a whole policy) that admits only the "
      "given builds' enclave images");
  app->add_option("records", f->records, "Build records (JSON) or EIF files; several merge")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--pcrs", f->pcrs,
                  "PCRs to pin, e.g. 0,1,2,8, or none (default 0,1,2, and 8 when every image is "
                  "signed)");
  app->add_flag("--image-sha384", f->image_sha384,
                "Also pin kms:RecipientAttestation:ImageSha384 (= PCR0)");
  app->add_option("--principal", f->principals, "Principal ARN (repeatable, or comma-separated)")
      ->delimiter(',');
  app->add_option("--effect", f->effect,
                  "allow: StringEqualsIgnoreCase; deny: one StringNotEqualsIgnoreCase statement "
                  "per key (default allow)")
      ->check(CLI::IsMember({"allow", "deny"}, CLI::ignore_case));
  app->add_option("--actions", f->actions,
                  "Comma-separated actions (default the five KMS operations that honour "
                  "attestation)");
  app->add_option("--sid", f->sid, "Statement ID");
  app->add_flag("--document", f->document,
                "Print a whole policy: {\"Version\": \"2012-10-17\", \"Statement\": [...]} "
                "(needs --principal)");
  app->add_option("--admin", f->admins,
                  "With --document: key administrator ARN (repeatable, or comma-separated), "
                  "given a statement to manage the key but not use it")
      ->delimiter(',');
  return {app, [f] {
            AwsPolicyOptions o;
            if (!f->pcrs.empty()) o.pcrs = parse_pcrs(f->pcrs);
            o.image_sha384 = f->image_sha384;
            // CLI11 checks the member case-insensitively but keeps what was typed.
            o.effect = CLI::detail::to_lower(f->effect) == "deny" ? PolicyEffect::kDeny
                                                                  : PolicyEffect::kAllow;
            o.principals = f->principals;
            if (!f->actions.empty()) {
              o.actions = split_commas(f->actions);
              for (const std::string& a : o.actions) {
                if (a.empty()) throw Error("--actions: empty action in '" + f->actions + "'");
              }
            }
            o.sid = f->sid;
            o.admins = f->admins;
            if (!o.admins.empty() && !f->document) throw Error("--admin goes with --document");
            if (f->document && o.principals.empty()) {
              throw Error(
                  "--document needs --principal ARN: AWS rejects a key policy statement "
                  "without a principal");
            }
            std::vector<PolicyRecord> records = load_records(f->records);
            print_json(f->document ? aws_policy_document(records, o)
                                   : aws_policy_statements(records, o));
            return 0;
          }};
}

struct HuaweiFlags {
  std::vector<std::string> records;
  std::string pcrs, version = "5.0";
};

Subcommand add_huawei(CLI::App& parent) {
  auto f = std::make_shared<HuaweiFlags>();
  CLI::App* app = parent.add_subcommand(
      "huawei",
      "Print a Huawei Cloud IAM policy that lets only the given builds' QingTian "
      "enclave images use a KMS key");
  app->add_option("records", f->records, "Build records (JSON) or EIF files; several merge")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--pcrs", f->pcrs,
                  "PCRs to pin, e.g. 0,8 (default 0, and 8 when every image is signed)");
  app->add_option("--policy-version", f->version,
                  "5.0: identity policy of the QingTian workflow; 1.1: role policy (default 5.0)")
      ->check(CLI::IsMember({"5.0", "1.1"}));
  return {app, [f] {
            HuaweiPolicyOptions o;
            if (!f->pcrs.empty()) o.pcrs = parse_pcrs(f->pcrs);
            o.version =
                f->version == "1.1" ? HuaweiPolicyVersion::kV1_1 : HuaweiPolicyVersion::kV5_0;
            print_json(huawei_policy(load_records(f->records), o));
            return 0;
          }};
}

struct CheckFlags {
  std::string policy, eif, record, action, attestation, principal;
  AttestationFlags attestation_flags;
  bool no_attestation = false, strict = false;
};

// What the verdict rests on besides the image: said on stderr, so that an "allow" read in a
// terminal or a CI log carries its assumptions.
void print_notes(const PolicyVerdict& v, const std::string& policy_source) {
  for (const nlohmann::json& u : v.report["UnknownKeys"]) {
    std::cerr << "eifkit: warning: " << policy_source << ": statement " << u["Index"].get<size_t>()
              << ": " << u["Key"].get<std::string>() << " is not a key the service sets ("
              << u["Note"].get<std::string>() << "): it is evaluated as absent" << std::endl;
  }
  // A Principal is who the statement is for, which the reader knows; a condition on the
  // caller (its network, its account) is easy to overlook.
  std::string assumed = unevaluated_summary(v, /*conditions_only=*/true);
  if (v.allowed && !assumed.empty()) {
    std::cerr << "eifkit: note: " << policy_source
              << ": allowed only if the caller meets what eifkit does not evaluate (--strict "
                 "refuses): "
              << assumed << std::endl;
  }
}

Subcommand add_check(CLI::App& parent) {
  auto f = std::make_shared<CheckFlags>();
  CLI::App* app = parent.add_subcommand(
      "check",
      "Would this image (or the enclave that sent this attestation document) be allowed? "
      "Evaluate a policy's attestation conditions: exit 0 allowed, 1 denied");
  app->add_option("--policy", f->policy, "AWS or Huawei policy (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* eif =
      app->add_option("--eif", f->eif, "The image, as an EIF file")->check(CLI::ExistingFile);
  auto* record =
      app->add_option("record", f->record, "The image, as a build record (or an EIF file)")
          ->check(CLI::ExistingFile)
          ->excludes(eif);
  auto* attestation =
      app->add_option("--attestation", f->attestation,
                      "Evaluate with what this attestation document reports (CBOR, base64 or "
                      "hex), once it verifies")
          ->excludes(eif)
          ->excludes(record);
  app->add_flag("--no-attestation", f->no_attestation,
                "Evaluate a request that carries no attestation document")
      ->excludes(eif)
      ->excludes(record)
      ->excludes(attestation);
  add_attestation_flags(*app, f->attestation_flags);
  app->add_option("--action", f->action,
                  "Action to check (default kms:Decrypt; kms:cmk:decryptData for a Huawei 5.0 "
                  "policy, kms:cmk:decrypt for 1.1)");
  app->add_option("--principal", f->principal,
                  "The caller's IAM ARN: evaluate Principal and NotPrincipal against it instead "
                  "of leaving them unevaluated");
  app->add_flag("--strict", f->strict,
                "Refuse (exit 2) when an applying statement has a condition or principal "
                "eifkit cannot evaluate");
  return {app, [f] {
            bool image = !f->eif.empty() || !f->record.empty();
            const AttestationFlags& af = f->attestation_flags;
            if ((af.root || af.at || af.encoding) && f->attestation.empty()) {
              throw Error("--root, --at and --encoding go with --attestation DOC");
            }
            if (!image && f->attestation.empty() && !f->no_attestation) {
              throw Error(
                  "policy check needs the image (--eif FILE or a build record), an attestation "
                  "document (--attestation DOC) or --no-attestation");
            }
            nlohmann::json policy =
                parse_json_object(read_small_file(f->policy, kMaxPolicyFileSize), f->policy,
                                  "a policy (an AWS key policy or a Huawei IAM policy, JSON)");
            std::string action = f->action.empty() ? default_check_action(policy) : f->action;
            PolicyRequest request{action, std::nullopt};
            if (!f->principal.empty()) request.principal = f->principal;
            PolicyVerdict v;
            if (!f->attestation.empty()) {
              AttestationVerdict doc = verify_attestation(read_attestation_input(f->attestation),
                                                          attestation_options(af));
              if (doc.status == AttestationVerdict::Status::kUnusable) {
                fail(f->attestation, doc.problem);
              }
              for (const std::string& w : doc.warnings) {
                std::cerr << "eifkit: warning: " << f->attestation << ": " << w << std::endl;
              }
              v = check_policy_with_attestation(policy, f->policy, doc, request);
            } else if (f->no_attestation) {
              PolicyMeasurements none;
              none.source = "the request";
              none.no_document = true;
              v = check_policy(policy, f->policy, none, request);
            } else {
              const std::string& source = f->eif.empty() ? f->record : f->eif;
              nlohmann::json record =
                  f->eif.empty() ? load_record(f->record) : build_record_from_eif(f->eif);
              v = check_policy(policy, f->policy, record_measurements(record, source), request);
            }
            std::string unevaluated = unevaluated_summary(v);
            if (f->strict && !unevaluated.empty()) {
              fail(f->policy, "--strict: eifkit cannot evaluate " + unevaluated);
            }
            if (v.report.contains("Statements")) print_notes(v, f->policy);
            print_json(v.report);
            return v.allowed ? 0 : 1;
          }};
}

}  // namespace

Subcommand add_policy_command(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "policy",
      "Emit AWS KMS or Huawei IAM policies pinning enclave images, or check an image "
      "against a policy");
  app->require_subcommand(1);
  std::vector<Subcommand> commands = {add_aws(*app), add_huawei(*app), add_check(*app)};
  return {app, [commands] {
            for (const Subcommand& c : commands) {
              if (c.app->parsed()) return c.run();
            }
            return 2;
          }};
}

}  // namespace eifkit::cli
