// eifkit build: the low-level form, from a kernel, a cmdline and ramdisk files.
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/subcommand.h"
#include "lib/boot_files.h"
#include "lib/build_time.h"
#include "lib/eif_writer.h"
#include "lib/error.h"
#include "lib/file.h"
#include "lib/kernel_config.h"
#include "lib/metadata.h"

namespace eifkit::cli {

namespace {

struct BuildOptions {
  std::string kernel, kernel_config, cmdline_file, cmdline, output, arch = "x86_64";
  std::vector<std::string> ramdisks;
  std::string name, version = "1.0", metadata;
  std::optional<std::string> build_time;
};

std::string stem(const std::string& path) {
  std::string base = path.substr(path.rfind('/') + 1);
  size_t dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

int run_build(const BuildOptions& o) {
  // kernel, cmdline and metadata take 3 of an EIF's 32 sections.
  if (o.ramdisks.size() > kMaxSections - 3) {
    throw Error("--ramdisk: " + std::to_string(o.ramdisks.size()) + " ramdisks given, at most " +
                std::to_string(kMaxSections - 3) + " fit in an EIF");
  }
  Arch arch = o.arch == "aarch64" ? Arch::kAarch64 : Arch::kX86_64;
  std::string cmdline;
  if (!o.cmdline_file.empty()) {
    cmdline = read_cmdline_file(o.cmdline_file);
  } else if (!o.cmdline.empty()) {
    cmdline = o.cmdline;
  } else {
    cmdline = default_cmdline(arch);
  }

  ImageMetadata meta;
  meta.image_name = o.name.empty() ? stem(o.output) : o.name;
  meta.image_version = o.version;
  meta.build_time = resolve_build_time(o.build_time, std::getenv("SOURCE_DATE_EPOCH"));
  std::string config = o.kernel_config;
  if (config.empty() && exists(o.kernel + ".config")) config = o.kernel + ".config";
  KernelInfo kernel = config.empty() ? KernelInfo{} : read_kernel_config(config);
  meta.operating_system = kernel.operating_system;
  meta.kernel_version = kernel.kernel_version;
  if (!o.metadata.empty()) meta.custom_metadata = read_custom_metadata(o.metadata);

  // Open every input before the output exists, so a typo fails before any work.
  for (const std::string& path : o.ramdisks) File::open_read(path);
  File::open_read(o.kernel);

  EifPlan plan;
  plan.arch = arch;
  plan.sections.push_back({SectionType::kKernel, file_section(o.kernel)});
  plan.sections.push_back(
      {SectionType::kCmdline, bytes_section(std::vector<uint8_t>(cmdline.begin(), cmdline.end()))});
  plan.sections.push_back({SectionType::kMetadata, bytes_section(encode_metadata(meta))});
  for (const std::string& path : o.ramdisks) {
    plan.sections.push_back({SectionType::kRamdisk, file_section(path)});
  }
  EifWriteResult result = write_eif_file(plan, o.output);
  print_json({{"Measurements", measurements_json(result.measurements)}});
  return 0;
}

}  // namespace

Subcommand add_build_command(CLI::App& parent) {
  auto o = std::make_shared<BuildOptions>();
  CLI::App* app = parent.add_subcommand(
      "build", "Build an EIF from a kernel, a cmdline and ramdisks; print its measurements");
  app->add_option("--kernel", o->kernel, "Kernel image (bzImage or Image)")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--kernel-config", o->kernel_config,
                  "Kernel .config, for OperatingSystem and KernelVersion in the metadata "
                  "(default: KERNEL.config when present)")
      ->check(CLI::ExistingFile);
  auto* cmdline_file = app->add_option("--cmdline-file", o->cmdline_file,
                                       "File holding the kernel command line (trimmed)")
                           ->check(CLI::ExistingFile);
  app->add_option("--cmdline", o->cmdline,
                  "Kernel command line (default: nitro-cli's for the architecture)")
      ->excludes(cmdline_file);
  app->add_option("--ramdisk", o->ramdisks,
                  "Ramdisk, repeatable, in order: bootstrap first, then application")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--output", o->output, "EIF to write (atomically)")->required();
  app->add_option("--arch", o->arch, "Target architecture")
      ->check(CLI::IsMember({"x86_64", "aarch64"}))
      ->capture_default_str();
  app->add_option("--name", o->name, "ImageName in the metadata (default: output file's stem)");
  app->add_option("--version", o->version, "ImageVersion in the metadata")->capture_default_str();
  app->add_option("--metadata", o->metadata, "JSON file stored as CustomMetadata")
      ->check(CLI::ExistingFile);
  app->add_option("--build-time", o->build_time,
                  "RFC 3339 BuildTime (default: SOURCE_DATE_EPOCH, else now)");
  return {app, [o] { return run_build(*o); }};
}

}  // namespace eifkit::cli
