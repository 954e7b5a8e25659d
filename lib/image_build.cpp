#include "lib/image_build.h"

#include <map>

#include "lib/base/build_time.h"
#include "lib/base/byte_strings.h"
#include "lib/base/error.h"
#include "lib/eif/metadata.h"
#include "lib/image/docker_info.h"
#include "lib/image/image_user.h"
#include "lib/ramdisk/app_ramdisk.h"
#include "lib/ramdisk/bootstrap_ramdisk.h"
#include "lib/ramdisk/bundled_init.h"
#include "lib/ramdisk/docker_init_layer.h"
#include "lib/ramdisk/kernel_config.h"
#include "lib/ramdisk/nitro_cli_command.h"
#include "lib/ramdisk/nitro_cli_ramdisk.h"
#include "lib/signing/pcr8.h"

namespace eifkit {

Arch arch_for_platform(const Platform& platform) {
  if (platform.architecture == "amd64") return Arch::kX86_64;
  if (platform.architecture == "arm64") return Arch::kAarch64;
  throw Error("image platform " + platform.str() +
              " cannot run in an enclave (linux/amd64 or linux/arm64)");
}

Platform platform_for_arch(Arch arch) {
  Platform p;
  p.architecture = arch == Arch::kAarch64 ? "arm64" : "amd64";
  return p;
}

static void prepare_eifkit_layout(ImageSource& image, const AppRamdiskOptions& options,
                                  AppRamdisk& out, Progress* progress) {
  const ImageInfo& info = image.info();
  ContainerConfig config =
      apply_overrides(container_config_from_image(info.config), options.overrides);
  out.fs = flatten_image(image, progress);
  if (options.rootfs_input) refuse_container_image_as_rootfs(*out.fs.root, info.source);
  try {
    out.command = resolve_enclave_command(config, *out.fs.root);
  } catch (const Error& e) {
    std::string what = info.source + ": " + e.what();  // which image lacks the command
    if (!options.listing) throw Error(what);
    out.notes.push_back(what);
    out.command.argv = config.entrypoint;
    out.command.argv.insert(out.command.argv.end(), config.cmd.begin(), config.cmd.end());
    out.command.env = config.env;
  }
  out.command.user = resolve_image_user(config.user, out.fs);
}

static void prepare_nitro_cli_layout(ImageSource& image, const AppRamdiskOptions& options,
                                     AppRamdisk& out, Progress* progress) {
  const ImageInfo& info = image.info();
  // The command first: nitro-cli refuses an image without one before it reads a layer.
  NitroCliCommand command;
  try {
    command = nitro_cli_command(info.config, options.overrides, info.source);
  } catch (const Error& e) {
    if (!options.listing) throw;
    command.notes.push_back(e.what());
    command.env = container_config_from_image(info.config).env;
  }
  out.command.argv = std::move(command.cmd);
  out.command.env = std::move(command.env);
  out.notes = std::move(command.notes);
  FlattenOptions flatten;
  flatten.docker_parents = true;
  flatten.implicit_parent_mtime = parse_rfc3339(options.build_time).value_or(0);
  out.fs = flatten_image(image, progress, flatten);
  apply_docker_init_layer(*out.fs.root, kBootstrapMtime);
  check_nitro_cli_ramdisk(*out.fs.root, info.source);
}

AppRamdisk prepare_app_ramdisk(ImageSource& image, const AppRamdiskOptions& options,
                               Progress* progress) {
  AppRamdisk out;
  out.layout = options.layout;
  if (options.layout == RamdiskLayout::kNitroCli) {
    prepare_nitro_cli_layout(image, options, out, progress);
  } else {
    prepare_eifkit_layout(image, options, out, progress);
  }
  return out;
}

SectionProducer app_ramdisk_producer(AppRamdisk& ramdisk) {
  if (ramdisk.layout == RamdiskLayout::kNitroCli) {
    return nitro_cli_ramdisk_section(ramdisk.fs, lines_file(ramdisk.command.argv),
                                     lines_file(ramdisk.command.env));
  }
  return app_ramdisk_section(ramdisk.fs, ramdisk.command);
}

// The directories of each layer, in layer order.
static std::map<size_t, std::vector<std::string>> by_layer(const AppRamdisk& ramdisk) {
  std::map<size_t, std::vector<std::string>> layers;
  for (const ImplicitParent& p : ramdisk.fs.implicit_parents) layers[p.layer].push_back(p.path);
  return layers;
}

static std::string layer_label(const AppRamdisk& ramdisk, size_t layer) {
  return layer < ramdisk.fs.layer_names.size() ? ramdisk.fs.layer_names[layer]
                                               : "layer " + std::to_string(layer);
}

nlohmann::json load_time_report(const AppRamdisk& ramdisk) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& [layer, dirs] : by_layer(ramdisk)) {
    nlohmann::json names = nlohmann::json::array();
    // printable(): names are bytes, and these are for people to read.
    for (const std::string& d : dirs) names.push_back(printable(d));
    layers.push_back({{"Layer", printable(layer_label(ramdisk, layer))},
                      {"LayerIndex", layer},
                      {"Directories", names}});
  }
  return {{"Layout", layout_name(ramdisk.layout)},
          {"NitroCliReproducible", ramdisk.fs.implicit_parents.empty()},
          {"LoadTimeDependent", layers}};
}

std::vector<std::string> load_time_warnings(const AppRamdisk& ramdisk) {
  std::vector<std::string> lines;
  for (const auto& [layer, dirs] : by_layer(ramdisk)) {
    // A line for people: the first few names; the JSON output and the record list them all.
    constexpr size_t kNamed = 8;
    std::string list;
    for (size_t i = 0; i < dirs.size() && i < kNamed; ++i) {
      list += (list.empty() ? "" : ", ") + printable(dirs[i]);
    }
    if (dirs.size() > kNamed) list += " and " + std::to_string(dirs.size() - kNamed) + " more";
    lines.push_back(printable(layer_label(ramdisk, layer)) + " leaves out " +
                    std::to_string(dirs.size()) + " parent director" +
                    (dirs.size() == 1 ? "y" : "ies") + " (" + list +
                    "): Docker dates them when it loads the image, so nitro-cli's own PCR2 "
                    "for it changes from one load to the next; eifkit gives them 0755 "
                    "root:root and the build time");
  }
  return lines;
}

ImageBuildResult build_eif_from_image(ImageSource& image, const ImageBuildOptions& options,
                                      File& output, Progress* progress) {
  const ImageInfo& info = image.info();
  Arch arch = arch_for_platform(info.platform);
  if (options.boot.kernel_arch && *options.boot.kernel_arch != arch) {
    throw Error(info.source + ": image is " + info.platform.str() + " but the kernel " +
                options.boot.kernel + " is " + arch_name(*options.boot.kernel_arch));
  }
  std::string init = options.boot.init;
  if (options.boot.bundled_init) {
    auto bundled = bundled_init_path(arch);
    if (!bundled) {
      throw Error("missing boot files: init (--init): this eifkit was built without an init for " +
                  std::string(arch_name(arch)) + " images (" + info.source + " is " +
                  info.platform.str() + ")");
    }
    init = *bundled;
  }

  AppRamdisk ramdisk = prepare_app_ramdisk(image, options.ramdisk, progress);
  ImageBuildResult result;
  result.entries_with_xattrs = ramdisk.fs.entries_with_xattrs;
  result.command = ramdisk.command;
  result.notes = ramdisk.notes;
  if (ramdisk.layout == RamdiskLayout::kNitroCli) {
    result.load_time = load_time_report(ramdisk);
    result.load_time_warnings = load_time_warnings(ramdisk);
  }

  ImageMetadata meta;
  meta.image_name = options.name.value_or(default_image_name(info));
  meta.image_version = options.version.value_or(default_image_version(info));
  meta.build_time = options.ramdisk.build_time;
  KernelInfo kernel =
      options.boot.kernel_config ? read_kernel_config(*options.boot.kernel_config) : KernelInfo{};
  meta.operating_system = kernel.operating_system;
  meta.kernel_version = kernel.kernel_version;
  if (options.boot.bundled_init) meta.init_sha384 = init_sha384(init);
  meta.docker_info = docker_info(info);
  meta.custom_metadata = options.custom_metadata;

  const std::string& cmdline = options.boot.cmdline;
  EifPlan plan;
  plan.arch = arch;
  plan.sections.push_back({SectionType::kKernel, file_section(options.boot.kernel)});
  plan.sections.push_back(
      {SectionType::kCmdline, bytes_section(std::vector<uint8_t>(cmdline.begin(), cmdline.end()))});
  plan.sections.push_back({SectionType::kMetadata, bytes_section(encode_metadata(meta))});
  plan.sections.push_back(
      {SectionType::kRamdisk, bootstrap_ramdisk_section(init, options.boot.nsm)});
  plan.sections.push_back({SectionType::kRamdisk, app_ramdisk_producer(ramdisk)});
  if (options.signer) {
    plan.sign = [&](const Measurements& m) { return options.signer->section_for(m); };
  }
  // The ramdisk's size is known only once written; its files' bytes are most of it.
  progress_begin(progress, "writing EIF",
                 regular_file_size(options.boot.kernel) + app_ramdisk_size_estimate(ramdisk.fs));
  plan.progress = progress;
  result.eif = write_eif(plan, output);
  if (options.signer)
    result.eif.measurements.pcr8 = pcr8_of_certificate(options.signer->certificate);
  return result;
}

}  // namespace eifkit
