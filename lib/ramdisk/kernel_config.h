// OperatingSystem and KernelVersion for the metadata section, read from a kernel's .config
// the way nitro-cli reads bzImage.config: its third line, "# Linux/x86_64 4.14.246-... Kernel
// Configuration", split on ' ', '/' and '-', gives "Linux" and "4.14.246".
#pragma once

#include <string>

namespace eifkit {

struct KernelInfo {
  std::string operating_system = "Unknown";
  std::string kernel_version = "Unknown";
};

KernelInfo parse_kernel_config_line(const std::string& third_line);
// Reads only the first lines of the file.
KernelInfo read_kernel_config(const std::string& path);

}  // namespace eifkit
