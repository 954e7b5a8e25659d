#include "lib/build_inputs.h"

#include "lib/base/error.h"
#include "lib/policy/build_record.h"
#include "lib/ramdisk/bundled_init.h"

namespace eifkit {

namespace {

// "sha256:HEX" -> {"sha256": HEX}; open_image has checked the form.
nlohmann::json digest_of(const std::string& oci_digest) {
  std::string::size_type colon = oci_digest.find(':');
  return {{oci_digest.substr(0, colon), oci_digest.substr(colon + 1)}};
}

}  // namespace

nlohmann::json image_inputs(const ImageSource& image, const std::string& image_arg,
                            bool rootfs_tar) {
  nlohmann::json inputs = nlohmann::json::array();
  if (rootfs_tar) {
    inputs.push_back(file_input("rootfs", image_arg));
    return inputs;
  }
  const ImageInfo& info = image.info();
  inputs.push_back({{"Name", "image"}, {"Path", image_arg}, {"Digest", digest_of(info.id)}});
  const nlohmann::json& config = info.config;
  if (config.contains("rootfs") && config["rootfs"].contains("diff_ids")) {
    const nlohmann::json& diff_ids = config["rootfs"]["diff_ids"];
    for (size_t i = 0; i < diff_ids.size(); ++i) {
      inputs.push_back({{"Name", "layer " + std::to_string(i + 1)},
                        {"Digest", digest_of(diff_ids[i].get<std::string>())}});
    }
  }
  return inputs;
}

nlohmann::json boot_file_inputs(const BootFiles& boot, Arch arch) {
  nlohmann::json inputs = nlohmann::json::array();
  inputs.push_back(file_input("kernel", boot.kernel));
  if (boot.kernel_config) inputs.push_back(file_input("kernel config", *boot.kernel_config));
  if (boot.bundled_init) {
    std::optional<std::string> init = bundled_init_path(arch);
    if (!init) throw Error("eifkit's own init is no longer where the build found it");
    inputs.push_back(file_input("init", *init));
  } else {
    inputs.push_back(file_input("init", boot.init));
  }
  if (boot.nsm) inputs.push_back(file_input("nsm.ko", *boot.nsm));
  return inputs;
}

}  // namespace eifkit
