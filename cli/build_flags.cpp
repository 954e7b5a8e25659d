// The flags of `eifkit build`, in the groups --help shows them in.
#include <CLI/CLI.hpp>

#include "cli/build_options.h"
#include "cli/old_spellings.h"
#include "cli/progress_display.h"
#include "cli/signing_flags.h"

namespace eifkit::cli {

namespace {

void add_input_flags(CLI::App* app, BuildOptions* o) {
  auto* image = app->add_option("--image", o->image,
                                "docker save archive, OCI layout directory (DIR or DIR:TAG) or "
                                "OCI archive")
                    ->group("Input");
  app->add_option("--rootfs-tar", o->rootfs_tar,
                  "Flat root filesystem tar (docker export); configure with --cmd, --env")
      ->check(CLI::ExistingFile)
      ->excludes(image)
      ->group("Input");
  app->add_option("--platform", o->platform,
                  "OS/ARCH[/VARIANT] to pick from a multi-platform image (default: the "
                  "kernel's architecture, else the host's)")
      ->group("Input");
  app->add_option("--ramdisk", o->ramdisks,
                  "Low-level form: ramdisk file, repeatable, bootstrap first, then application")
      ->check(CLI::ExistingFile)
      ->group("Input");
}

void add_boot_file_flags(CLI::App* app, BuildOptions* o) {
  app->add_option("--blobs", o->blobs,
                  "nitro-cli blob directory: bzImage or Image (+ .config), cmdline, init, nsm.ko "
                  "(default: /usr/share/nitro_enclaves/blobs when present)")
      ->group("Boot files");
  app->add_option("--kernel", o->kernel, "Kernel image (bzImage or Image)")
      ->check(CLI::ExistingFile)
      ->group("Boot files");
  app->add_option("--kernel-config", o->kernel_config,
                  "Kernel .config, for OperatingSystem and KernelVersion in the metadata "
                  "(default: KERNEL.config when present)")
      ->check(CLI::ExistingFile)
      ->group("Boot files");
  auto* cmdline_file = app->add_option("--cmdline-file", o->cmdline_file,
                                       "File holding the kernel command line (trimmed)")
                           ->check(CLI::ExistingFile)
                           ->group("Boot files");
  app->add_option("--cmdline", o->cmdline,
                  "Kernel command line (default: the blob directory's, else nitro-cli's for "
                  "the architecture)")
      ->excludes(cmdline_file)
      ->group("Boot files");
  app->add_option("--init", o->init,
                  "The enclave's /init for the bootstrap ramdisk (default: the blob "
                  "directory's, else eifkit's own)")
      ->check(CLI::ExistingFile)
      ->group("Boot files");
  app->add_option("--nsm", o->nsm, "nsm.ko driver for the bootstrap ramdisk")
      ->check(CLI::ExistingFile)
      ->group("Boot files");
  app->add_option("--arch", o->arch, "Target architecture (default: the kernel's)")
      ->check(CLI::IsMember({"x86_64", "aarch64"}))
      ->group("Boot files");
}

void add_command_flags(CLI::App* app, BuildOptions* o) {
  app->add_option("--compat", o->compat,
                  "Application ramdisk layout: eifkit (canonical) or nitro-cli (byte-identical "
                  "to nitro-cli build-enclave's, for nitro-cli's PCR0 and PCR2)")
      ->check(CLI::IsMember({"eifkit", "nitro-cli"}))
      ->capture_default_str()
      ->group("Command");
  app->add_option("--cmd", o->cmd,
                  "Command replacing the image's CMD: a JSON list, or words separated by spaces")
      ->group("Command");
  app->add_option("--entrypoint", o->entrypoint,
                  "Replaces the image's ENTRYPOINT (and clears its CMD, as docker run does)")
      ->group("Command");
  app->add_option("--env", o->env, "KEY=VALUE added to or replacing the image's environment")
      ->group("Command");
}

void add_signing_flags(CLI::App* app, BuildOptions* o) {
  app->add_option("--signing-certificate", o->signing_certificate,
                  "Sign the image with this certificate (PEM, EC P-256/P-384/P-521); adds PCR8")
      ->check(CLI::ExistingFile)
      ->group("Signing");
  app->add_option("--private-key", o->private_key,
                  "The signing certificate's private key: a PEM file, or a pkcs11: URI of a key "
                  "in a token")
      ->group("Signing");
  add_pkcs11_module_option(app, o->pkcs11_module)->group("Signing");
}

void add_output_flags(CLI::App* app, BuildOptions* o) {
  app->add_option("--output", o->output, "EIF to write (atomically)")->group("Output");
  app->add_flag("--measure-only", o->measure_only,
                "Print the measurements without writing an EIF (one read of the layers)")
      ->group("Output");
  app->add_option("--name", o->name,
                  "ImageName in the metadata (default: the image's repository, else the "
                  "output file's stem)")
      ->group("Output");
  auto* image_version =
      app->add_option("--image-version", o->version,
                      "ImageVersion in the metadata (default: the image ID, else 1.0)")
          ->group("Output");
  // The old spelling, hidden and noted when used: `eifkit --version` is the program's.
  add_old_spelling(app, "--version", image_version, o->version);
  app->add_option("--metadata", o->metadata, "JSON file stored as CustomMetadata")
      ->check(CLI::ExistingFile)
      ->group("Output");
  app->add_option("--build-time", o->build_time,
                  "RFC 3339 BuildTime (default: SOURCE_DATE_EPOCH, else now)")
      ->group("Output");
  app->add_option("--format", o->format,
                  "Stdout: nitro (build-enclave's {\"Measurements\": …}) or qingtian "
                  "(make-img's {\"digest\", \"PCR0\", \"PCR8\"})")
      ->check(CLI::IsMember({"nitro", "qingtian"}))
      ->capture_default_str()
      ->group("Output");
  add_progress_option(app, o->progress)->group("Output");
  app->add_option("--measurements-out", o->measurements_out,
                  "Also write the build record (all PCRs, EIF digests, image, signer) as JSON, "
                  "for `eifkit policy` and `eifkit provenance`")
      ->group("Output");
}

}  // namespace

void add_build_flags(CLI::App& app, BuildOptions& o) {
  add_input_flags(&app, &o);
  add_boot_file_flags(&app, &o);
  add_command_flags(&app, &o);
  add_signing_flags(&app, &o);
  add_output_flags(&app, &o);
}

}  // namespace eifkit::cli
