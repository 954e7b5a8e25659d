#include "lib/image_build.h"

#include "lib/base/error.h"
#include "lib/eif/metadata.h"
#include "lib/image/docker_info.h"
#include "lib/image/image_user.h"
#include "lib/ramdisk/app_ramdisk.h"
#include "lib/ramdisk/bootstrap_ramdisk.h"
#include "lib/ramdisk/bundled_init.h"
#include "lib/ramdisk/kernel_config.h"
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
  ContainerConfig config =
      apply_overrides(container_config_from_image(info.config), options.overrides);

  FlattenedImage fs = flatten_image(image, progress);
  if (options.rootfs_input) refuse_container_image_as_rootfs(*fs.root, info.source);
  ImageBuildResult result;
  result.entries_with_xattrs = fs.entries_with_xattrs;
  try {
    result.command = resolve_enclave_command(config, *fs.root);
  } catch (const Error& e) {
    throw Error(info.source + ": " + e.what());  // which image lacks the command
  }
  result.command.user = resolve_image_user(config.user, fs);

  ImageMetadata meta;
  meta.image_name = options.name.value_or(default_image_name(info));
  meta.image_version = options.version.value_or(default_image_version(info));
  meta.build_time = options.build_time;
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
  plan.sections.push_back({SectionType::kRamdisk, app_ramdisk_section(fs, result.command)});
  if (options.signer) {
    plan.sign = [&](const Measurements& m) { return options.signer->section_for(m); };
  }
  // The ramdisk's size is known only once written; its files' bytes are most of it.
  progress_begin(progress, "writing EIF",
                 regular_file_size(options.boot.kernel) + app_ramdisk_size_estimate(fs));
  plan.progress = progress;
  result.eif = write_eif(plan, output);
  if (options.signer)
    result.eif.measurements.pcr8 = pcr8_of_certificate(options.signer->certificate);
  return result;
}

}  // namespace eifkit
