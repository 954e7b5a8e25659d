// eifkit build: an EIF from a container image (--image, --rootfs-tar) and the platform's
// boot files, or the low-level form from a kernel, a cmdline and ramdisk files.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>

#include "cli/build_options.h"
#include "cli/command_words.h"
#include "cli/old_spellings.h"
#include "cli/progress_display.h"
#include "cli/signing_flags.h"
#include "cli/subcommand.h"
#include "formats/bounded_json.h"
#include "lib/base/atomic_output.h"
#include "lib/base/build_time.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/base/output_conflicts.h"
#include "lib/build_inputs.h"
#include "lib/eif/eif_writer.h"
#include "lib/eif/metadata.h"
#include "lib/image_build.h"
#include "lib/policy/build_record.h"
#include "lib/ramdisk/boot_files.h"
#include "lib/ramdisk/kernel_config.h"
#include "lib/ramdisk/ramdisk_layout.h"
#include "lib/signing/eif_signature.h"
#include "lib/signing/pcr8.h"

namespace eifkit::cli {

namespace {

std::string stem(const std::string& path) {
  std::string base = path.substr(path.rfind('/') + 1);
  size_t dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

Arch parse_arch(const std::string& arch) {
  return arch == "aarch64" ? Arch::kAarch64 : Arch::kX86_64;
}

std::optional<Signer> load_signer(const BuildOptions& o) {
  if (!o.signing_certificate && !o.private_key) return std::nullopt;
  if (!o.signing_certificate || !o.private_key) {
    throw Error("a signed build needs both --signing-certificate and --private-key");
  }
  refuse_kms_key_arn(*o.private_key, *o.signing_certificate);
  Signer signer = Signer::load(*o.signing_certificate, *o.private_key, o.pkcs11_module);
  warn_if_certificate_not_valid_now(signer.certificate);
  return signer;
}

// Every file the build reads, by the flag that named it, for refuse_output_conflicts.
std::vector<NamedPath> inputs_of(const BuildOptions& o, const BootFiles* boot) {
  std::vector<NamedPath> in;
  auto add = [&](const char* flag, const std::optional<std::string>& path) {
    if (path) in.push_back({flag, *path});
  };
  if (o.image) in.push_back({"--image", image_file_path(*o.image)});
  add("--rootfs-tar", o.rootfs_tar);
  for (const std::string& r : o.ramdisks) in.push_back({"--ramdisk", r});
  add("--kernel", o.kernel);
  add("--kernel-config", o.kernel_config);
  add("--cmdline-file", o.cmdline_file);
  add("--init", o.init);
  add("--nsm", o.nsm);
  add("--metadata", o.metadata);
  add("--signing-certificate", o.signing_certificate);
  add("--private-key", o.private_key);
  if (boot) {
    in.push_back({"the kernel", boot->kernel});
    add("the kernel config", boot->kernel_config);
    in.push_back({"the init", boot->init});
    add("nsm.ko", boot->nsm);
  }
  return in;
}

// The EIF and, when asked, its build record: created before the work (a bad path fails
// first) and renamed into place only when both are complete, the EIF first. Two renames are
// not one: a crash, a signal or a failed rename between them leaves the new EIF beside the
// previous record (or none), which names another EIF's digests, never a record without its EIF.
// With --measure-only the EIF's bytes go to /dev/null: they are hashed as they stream past,
// and nothing reads them back.
struct BuildOutputs {
  AtomicOutputs set;
  AtomicOutput* eif = nullptr;
  AtomicOutput* record = nullptr;
  std::optional<File> discard;
  File& eif_file() { return discard ? *discard : eif->file(); }
};

std::unique_ptr<BuildOutputs> prepare_outputs(const BuildOptions& o,
                                              const std::vector<NamedPath>& inputs) {
  auto out = std::make_unique<BuildOutputs>();
  if (o.measure_only) {
    if (!o.output.empty()) throw Error("--output: not used with --measure-only");
    if (o.measurements_out) {
      throw Error(
          "--measurements-out records the EIF's digests, so it needs an EIF: build with "
          "--output instead of --measure-only");
    }
    int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail_errno("/dev/null", "cannot open");
    out->discard.emplace(fd, "/dev/null");
    return out;
  }
  if (o.output.empty()) throw Error("build needs --output FILE (or --measure-only)");
  std::vector<NamedPath> outputs = {{"--output", o.output}};
  if (o.measurements_out) outputs.push_back({"--measurements-out", *o.measurements_out});
  refuse_output_conflicts(inputs, outputs);
  out->eif = &out->set.add(o.output);
  if (o.measurements_out) out->record = &out->set.add(*o.measurements_out);
  return out;
}

// Commits the outputs, then prints stdout as nitro-cli's build-enclave (or QingTian's make-img)
// prints it. The record is computed from the finished EIF before either file appears.
// `ramdisk`: the application ramdisk's layout report (load_time_report), null for a
// low-level build; recorded, and printed when nitro-cli's own PCR2 is not reproducible.
// `inputs` gives the record's Inputs (lib/build_inputs.h), called only when there is a record.
void report(const BuildOptions& o, const EifWriteResult& result, BuildOutputs& outputs,
            const std::function<nlohmann::json()>& inputs,
            const nlohmann::json& ramdisk = nullptr) {
  if (outputs.record) {
    nlohmann::json record = build_record_from_eif(outputs.eif->read_path(), o.output);
    if (!ramdisk.is_null()) record["ApplicationRamdisk"] = ramdisk;
    record["Inputs"] = inputs();
    std::string text = record.dump(2) + "\n";
    outputs.record->file().write_all({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  }
  outputs.set.commit();
  nlohmann::json out;
  if (o.format == "qingtian") {
    out = qingtian_output(result.measurements);
  } else {
    out = {{"Measurements", measurements_json(result.measurements)}};
  }
  if (!ramdisk.is_null() && !ramdisk["NitroCliReproducible"].get<bool>()) {
    out["NitroCliReproducible"] = false;
    out["LoadTimeDependent"] = ramdisk["LoadTimeDependent"];
  }
  print_json(out);
}

int run_low_level(const BuildOptions& o) {
  if (!o.kernel || o.ramdisks.empty()) {
    throw Error("build needs --image, --rootfs-tar, or --kernel with --ramdisk");
  }
  // kernel, cmdline and metadata take 3 of an EIF's 32 sections.
  if (o.ramdisks.size() > kMaxSections - 3) {
    throw Error("--ramdisk: " + std::to_string(o.ramdisks.size()) + " ramdisks given, at most " +
                std::to_string(kMaxSections - 3) + " fit in an EIF");
  }
  // The kernel's own architecture decides, as in an image build; a kernel whose format is
  // not recognised (the vectors' placeholder) is built for --arch, else x86_64.
  std::optional<Arch> kernel_arch = check_kernel_file(*o.kernel);
  if (o.arch && kernel_arch && parse_arch(*o.arch) != *kernel_arch) {
    fail(*o.kernel,
         std::string("is an ") + arch_name(*kernel_arch) + " kernel, but --arch is " + *o.arch);
  }
  Arch arch = o.arch ? parse_arch(*o.arch) : kernel_arch.value_or(Arch::kX86_64);
  std::string cmdline = o.cmdline_file ? read_cmdline_file(*o.cmdline_file)
                        : o.cmdline    ? *o.cmdline
                                       : default_cmdline(arch);
  ImageMetadata meta;
  meta.image_name = o.name.value_or(stem(o.output));
  meta.image_version = o.version.value_or("1.0");
  meta.build_time = resolve_build_time(o.build_time, std::getenv("SOURCE_DATE_EPOCH"));
  std::optional<std::string> config =
      o.kernel_config ? o.kernel_config : default_kernel_config(*o.kernel);
  KernelInfo kernel = config ? read_kernel_config(*config) : KernelInfo{};
  meta.operating_system = kernel.operating_system;
  meta.kernel_version = kernel.kernel_version;
  if (o.metadata) meta.custom_metadata = read_custom_metadata(*o.metadata);

  // Open every input before the output exists, so a typo fails before any work.
  for (const std::string& path : o.ramdisks) File::open_read(path);
  std::optional<Signer> signer = load_signer(o);
  std::unique_ptr<BuildOutputs> outputs = prepare_outputs(o, inputs_of(o, nullptr));

  EifPlan plan;
  plan.arch = arch;
  plan.sections.push_back({SectionType::kKernel, file_section(*o.kernel)});
  plan.sections.push_back(
      {SectionType::kCmdline, bytes_section(std::vector<uint8_t>(cmdline.begin(), cmdline.end()))});
  plan.sections.push_back({SectionType::kMetadata, bytes_section(encode_metadata(meta))});
  for (const std::string& path : o.ramdisks) {
    plan.sections.push_back({SectionType::kRamdisk, file_section(path)});
  }
  if (signer) plan.sign = [&](const Measurements& m) { return signer->section_for(m); };
  ProgressDisplay display(o.progress, o.program);
  uint64_t total = regular_file_size(*o.kernel);
  for (const std::string& path : o.ramdisks) total += regular_file_size(path);
  progress_begin(display.progress(), "writing EIF", total);
  plan.progress = display.progress();
  EifWriteResult result = write_eif(plan, outputs->eif_file());
  display.finish();
  if (signer) result.measurements.pcr8 = pcr8_of_certificate(signer->certificate);
  report(o, result, *outputs, [&] {
    nlohmann::json inputs = nlohmann::json::array();
    inputs.push_back(file_input("kernel", *o.kernel));
    if (config) inputs.push_back(file_input("kernel config", *config));
    if (o.cmdline_file) inputs.push_back(file_input("cmdline", *o.cmdline_file));
    for (size_t i = 0; i < o.ramdisks.size(); ++i) {
      inputs.push_back(file_input("ramdisk " + std::to_string(i + 1), o.ramdisks[i]));
    }
    return inputs;
  });
  return 0;
}

int run_image(const BuildOptions& o) {
  if (!o.ramdisks.empty()) throw Error("--ramdisk: not used with --image or --rootfs-tar");
  BootFileFlags flags;
  flags.blobs_dir = o.blobs;
  flags.kernel = o.kernel;
  flags.kernel_config = o.kernel_config;
  flags.cmdline_file = o.cmdline_file;
  flags.cmdline = o.cmdline;
  flags.init = o.init;
  flags.nsm = o.nsm;
  flags.allow_bundled_init = true;
  // The image is what the user cares about: a typo there is reported before missing boot files.
  if (o.image) image_file_path(*o.image);

  ImageBuildOptions options;
  options.boot = resolve_boot_files(flags);
  options.ramdisk.rootfs_input = o.rootfs_tar.has_value();
  options.ramdisk.layout = *parse_layout(o.compat);
  std::optional<Signer> signer = load_signer(o);
  if (signer) options.signer = &*signer;
  options.name = o.name;
  options.version = o.version;
  options.ramdisk.build_time = resolve_build_time(o.build_time, std::getenv("SOURCE_DATE_EPOCH"));
  if (o.metadata) options.custom_metadata = read_custom_metadata(*o.metadata);
  CommandOverrides command;
  if (o.cmd) command.cmd = parse_command("--cmd", *o.cmd);
  if (o.entrypoint) command.entrypoint = parse_command("--entrypoint", *o.entrypoint);
  command.env = o.env;

  // The platform to pick: --platform, else --arch, else the kernel's, else the host's.
  Arch default_arch = o.arch ? parse_arch(*o.arch) : options.boot.kernel_arch.value_or(host_arch());
  std::optional<Platform> wanted;
  if (o.platform) {
    wanted = Platform::parse(*o.platform);
  } else if (o.arch) {
    wanted = platform_for_arch(default_arch);
  }
  std::unique_ptr<ImageSource> image;
  if (o.image) {
    image = open_image(*o.image, wanted, platform_for_arch(default_arch));
    options.ramdisk.overrides = command;
  } else {
    // A flat rootfs has no config: the flags are its config, and DockerInfo shows them.
    Platform platform = wanted.value_or(platform_for_arch(default_arch));
    ContainerConfig flags_config = apply_overrides({}, command);
    nlohmann::json runtime = nlohmann::json::object();
    if (!flags_config.entrypoint.empty()) runtime["Entrypoint"] = flags_config.entrypoint;
    if (!flags_config.cmd.empty()) runtime["Cmd"] = flags_config.cmd;
    if (!flags_config.env.empty()) runtime["Env"] = flags_config.env;
    nlohmann::json config = {
        {"architecture", platform.architecture}, {"os", platform.os}, {"config", runtime}};
    image = open_rootfs_tar(*o.rootfs_tar, config, platform);
    if (!options.name) options.name = stem(o.output.empty() ? *o.rootfs_tar : o.output);
  }

  std::unique_ptr<BuildOutputs> outputs = prepare_outputs(o, inputs_of(o, &options.boot));
  ProgressDisplay display(o.progress, o.program);
  ImageBuildResult result =
      build_eif_from_image(*image, options, outputs->eif_file(), display.progress());
  display.finish();
  for (const std::string& line : options.boot.notes) {
    std::cerr << "eifkit: note: " << line << std::endl;
  }
  for (const std::string& line : result.notes) std::cerr << "eifkit: note: " << line << std::endl;
  for (const std::string& line : result.load_time_warnings) {
    std::cerr << "eifkit: warning: " << line << std::endl;
  }
  if (result.entries_with_xattrs > 0) {
    std::cerr << "eifkit: note: " << result.entries_with_xattrs
              << (result.entries_with_xattrs == 1 ? " file" : " files")
              << " had extended attributes (such as file capabilities), which a cpio ramdisk "
                 "cannot carry; they were dropped"
              << std::endl;
  }
  auto inputs = [&] {
    nlohmann::json all =
        image_inputs(*image, o.image ? image_file_path(*o.image) : *o.rootfs_tar, !o.image);
    for (nlohmann::json& boot : boot_file_inputs(options.boot, header_arch(result.eif.header))) {
      all.push_back(std::move(boot));
    }
    return all;
  };
  report(o, result.eif, *outputs, inputs, result.load_time);
  return 0;
}

}  // namespace

Arch host_arch() {
  utsname u{};
  ::uname(&u);
  return std::string(u.machine) == "aarch64" ? Arch::kAarch64 : Arch::kX86_64;
}

int run_build(const BuildOptions& o) {
  // One meaning in both forms: the default is asked for by leaving the flag out.
  if (o.cmdline && o.cmdline->find_first_not_of(" \t\r\n\v\f") == std::string::npos) {
    throw Error("--cmdline: empty; give a command line or leave --cmdline out for the default");
  }
  if (o.image || o.rootfs_tar) return run_image(o);
  if (o.compat != "eifkit")
    throw Error("--compat: only for an image build (--image, --rootfs-tar)");
  return run_low_level(o);
}

Subcommand add_build_command(CLI::App& parent) {
  auto o = std::make_shared<BuildOptions>();
  CLI::App* app = parent.add_subcommand(
      "build",
      "Build an EIF from a container image, or from a kernel and ramdisks; print its "
      "measurements");
  add_build_flags(*app, *o);
  return {app, [o] { return run_build(*o); }};
}

}  // namespace eifkit::cli
