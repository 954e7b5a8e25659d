// nitro-cli's own spellings, so that a script changes only the program's name:
//   eifkit build-enclave --docker-uri REF --output-file X.eif [--signing-certificate C
//                        --private-key K] [--image-name N] [--image-version V] [--metadata M]
//   eifkit describe-eif --eif-path X.eif
//   eifkit sign-eif --eif-path X.eif --signing-certificate C --private-key K [--output-file Y]
// build-enclave is `eifkit build --compat nitro-cli` with nitro-cli's blob directory
// (NITRO_CLI_BLOBS, else /usr/share/nitro_enclaves/blobs), so its PCRs are nitro-cli's.

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/build_options.h"
#include "cli/sign_options.h"
#include "cli/signing_flags.h"
#include "cli/subcommand.h"
#include "lib/base/error.h"
#include "lib/image/docker_daemon.h"
#include "lib/image/image_source.h"

namespace eifkit::cli {

namespace {

constexpr const char* kDefaultBlobs = "/usr/share/nitro_enclaves/blobs";

struct BuildEnclaveFlags {
  BuildOptions build;
  std::optional<std::string> docker_uri, docker_dir;
};

// An image file or OCI layout when one by that name exists (nitro-cli would ask Docker);
// otherwise the Docker daemon's image of that name, saved into a temporary file.
std::optional<SavedImage> resolve_docker_uri(const std::string& uri, BuildOptions& o) {
  if (image_file_exists(uri)) {
    o.image = uri;
    return std::nullopt;
  }
  std::cerr << "eifkit: " << uri
            << " is not a file here: reading it from the Docker daemon (docker save)" << std::endl;
  SavedImage saved = docker_save(uri);
  o.image = saved.path;
  return saved;
}

int run_build_enclave(BuildEnclaveFlags& f) {
  if (f.docker_dir) {
    throw Error(
        "--docker-dir: eifkit builds from an image, not a Dockerfile: build the image first "
        "(docker build, buildah, kaniko...) and give it to --docker-uri (a docker save "
        "archive, an OCI layout or an image in the Docker daemon)");
  }
  if (!f.docker_uri) throw Error("build-enclave needs --docker-uri (or --docker-dir)");
  BuildOptions& o = f.build;
  if (!o.blobs && !o.kernel) {
    const char* env = std::getenv("NITRO_CLI_BLOBS");
    o.blobs = env && *env ? env : kDefaultBlobs;
  }
  o.compat = "nitro-cli";
  o.program = "eifkit build-enclave";
  std::optional<SavedImage> saved = resolve_docker_uri(*f.docker_uri, o);
  return run_build(o);
}

Subcommand add_build_enclave(CLI::App& parent) {
  auto f = std::make_shared<BuildEnclaveFlags>();
  CLI::App* app = parent.add_subcommand(
      "build-enclave",
      "nitro-cli's build-enclave: build --compat nitro-cli with nitro-cli's flags and blobs");
  app->add_option("--docker-uri", f->docker_uri,
                  "docker save archive, OCI layout (DIR or DIR:TAG), OCI archive, or an image "
                  "in the local Docker daemon");
  app->add_option("--docker-dir", f->docker_dir, "Refused: build the image first");
  app->add_option("--output-file", f->build.output, "EIF to write")->required();
  app->add_option("--signing-certificate", f->build.signing_certificate,
                  "Sign with this certificate (PEM, EC)")
      ->check(CLI::ExistingFile);
  app->add_option("--private-key", f->build.private_key,
                  "The certificate's key: a PEM file or a pkcs11: URI");
  add_pkcs11_module_option(app, f->build.pkcs11_module);
  app->add_option("--image-name", f->build.name, "ImageName in the metadata");
  app->add_option("--image-version", f->build.version, "ImageVersion in the metadata");
  app->add_option("--metadata", f->build.metadata, "JSON file stored as CustomMetadata")
      ->check(CLI::ExistingFile);
  app->add_option(
      "--blobs", f->build.blobs,
      "Blob directory (default: NITRO_CLI_BLOBS, else " + std::string(kDefaultBlobs) + ")");
  app->add_option("--build-time", f->build.build_time,
                  "RFC 3339 BuildTime (default: SOURCE_DATE_EPOCH, else now)");
  add_progress_option(app, f->build.progress);
  app->add_option("--measurements-out", f->build.measurements_out,
                  "Also write the build record (JSON)");
  return {app, [f] { return run_build_enclave(*f); }};
}

Subcommand add_describe_eif(CLI::App& parent) {
  auto path = std::make_shared<std::string>();
  auto progress = std::make_shared<ProgressMode>(ProgressMode::kAuto);
  CLI::App* app =
      parent.add_subcommand("describe-eif", "nitro-cli's describe-eif: eifkit describe");
  app->add_option("--eif-path", *path, "EIF file")->required();
  add_progress_option(app, *progress);
  return {app, [path, progress] { return run_describe(*path, *progress, "eifkit describe-eif"); }};
}

Subcommand add_sign_eif(CLI::App& parent) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* app = parent.add_subcommand("sign-eif", "nitro-cli's spelling of eifkit sign");
  app->add_option("--eif-path", o->eif, "EIF to sign")->required()->check(CLI::ExistingFile);
  app->add_option("--signing-certificate", o->certificate, "Signing certificate (PEM, EC)")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--private-key", o->key, "The certificate's key: a PEM file or a pkcs11: URI")
      ->required();
  add_pkcs11_module_option(app, o->pkcs11_module);
  app->add_option("--output-file", o->output, "Write the signed EIF here instead of in place");
  add_progress_option(app, o->progress);
  return {app, [o] { return run_sign(*o); }};
}

}  // namespace

std::vector<Subcommand> add_nitro_cli_commands(CLI::App& parent) {
  return {add_build_enclave(parent), add_describe_eif(parent), add_sign_eif(parent)};
}

}  // namespace eifkit::cli
