#include "lib/ramdisk/boot_files.h"

#include <sys/stat.h>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "lib/base/error.h"
#include "lib/base/file.h"

namespace eifkit {

static bool is_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

namespace {

constexpr size_t kArm64MagicOffset = 56;

bool has_arm64_magic(std::span<const uint8_t> head) {
  return head.size() >= kArm64MagicOffset + 4 &&
         std::memcmp(&head[kArm64MagicOffset], "ARM\x64", 4) == 0;
}

// The first bytes of a gzip member, enough for the arm64 Image header.
bool gzip_holds_arm64_image(File& f) {
  std::array<uint8_t, 4096> in{};
  uint64_t size = f.size();
  size_t n = static_cast<size_t>(std::min<uint64_t>(size, in.size()));
  if (n < 18) return false;
  f.pread_exact(std::span(in).first(n), 0);
  if (in[0] != 0x1f || in[1] != 0x8b) return false;
  std::array<uint8_t, 64> out{};
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return false;
  z.next_in = in.data();
  z.avail_in = static_cast<uInt>(n);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  inflate(&z, Z_SYNC_FLUSH);
  size_t produced = out.size() - z.avail_out;
  inflateEnd(&z);
  return has_arm64_magic(std::span(out).first(produced));
}

}  // namespace

std::optional<Arch> kernel_image_arch(const std::string& kernel_path) {
  File f = File::open_read(kernel_path);
  std::array<uint8_t, 0x206> head{};
  if (f.size() >= head.size()) {
    f.pread_exact(head, 0);
    if (std::memcmp(&head[0x202], "HdrS", 4) == 0) return Arch::kX86_64;
    if (has_arm64_magic(head)) return Arch::kAarch64;
  }
  if (gzip_holds_arm64_image(f)) return Arch::kAarch64;
  return std::nullopt;
}

void refuse_non_kernel(const std::string& kernel_path) {
  if (kernel_image_arch(kernel_path)) return;
  File f = File::open_read(kernel_path);
  std::array<uint8_t, 512> head{};
  size_t n = std::min<uint64_t>(f.size(), head.size());
  f.pread_exact(std::span(head).first(n), 0);
  auto at = [&](size_t offset, std::string_view magic) {
    return n >= offset + magic.size() &&
           std::memcmp(&head[offset], magic.data(), magic.size()) == 0;
  };
  const char* what = nullptr;
  if (at(257, "ustar")) {
    what = "a tar archive (a container image or root filesystem goes to --image or --rootfs-tar)";
  } else if (at(0, ".eif")) {
    what = "an EIF";
  } else if (at(0, "070701") || at(0, "070707")) {
    what = "a cpio archive (a ramdisk goes to --ramdisk)";
  } else if (at(0,
                "\x7f"
                "ELF")) {
    what = "an ELF file (vmlinux?), which the enclave loader does not boot";
  } else if (at(0, "\x1f\x8b")) {
    what = "gzip data that is not an arm64 Image";
  } else if (at(0, "\x28\xb5\x2f\xfd") ||
             at(0,
                "\xfd"
                "7zXZ") ||
             at(0, "BZh")) {
    what = "compressed data (zstd, xz or bzip2)";
  } else if (at(0, "PK\x03\x04")) {
    what = "a zip archive";
  } else if (n > 0 && std::all_of(head.begin(), head.begin() + n, [](uint8_t c) {
               return c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f);
             })) {
    what = "text";
  }
  if (what) {
    fail(kernel_path, std::string("is ") + what +
                          ", not a kernel: give an x86_64 bzImage or an arm64 Image (or Image.gz)");
  }
}

std::optional<std::string> default_kernel_config(const std::string& kernel_path) {
  if (is_file(kernel_path + ".config")) return kernel_path + ".config";
  size_t slash = kernel_path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : kernel_path.substr(0, slash + 1);
  std::string name = kernel_path.substr(slash == std::string::npos ? 0 : slash + 1);
  const std::string prefix = "vmlinuz-";
  if (name.rfind(prefix, 0) == 0 && name.size() > prefix.size()) {
    std::string config = dir + "config-" + name.substr(prefix.size());
    if (is_file(config)) return config;
  }
  return std::nullopt;
}

const char* default_cmdline(Arch arch) {
  return arch == Arch::kAarch64
             ? "reboot=k panic=30 pci=off nomodules console=ttyS0 random.trust_cpu=on "
               "root=/dev/ram0"
             : "reboot=k panic=30 pci=off nomodules console=ttyS0 i8042.noaux i8042.nomux "
               "i8042.nopnp i8042.dumbkbd random.trust_cpu=on";
}

std::string read_cmdline_file(const std::string& path) {
  auto bytes = read_small_file(path, 64 << 10);
  std::string s(bytes.begin(), bytes.end());
  const char* space = " \t\r\n\v\f";
  size_t begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

BootFiles resolve_boot_files(const BootFileFlags& flags, const std::string& default_blobs) {
  std::optional<std::string> blobs = flags.blobs_dir;
  if (blobs && !is_dir(*blobs)) fail(*blobs, "--blobs: not a directory");
  if (!blobs && is_dir(default_blobs)) blobs = default_blobs;
  auto in_blobs = [&](const char* name) -> std::optional<std::string> {
    if (blobs && is_file(*blobs + "/" + name)) return *blobs + "/" + name;
    return std::nullopt;
  };
  std::vector<std::string> missing;
  const std::string where = blobs ? " (not in " + *blobs + ")" : " (no --blobs directory)";

  BootFiles out;
  if (flags.kernel) {
    out.kernel = *flags.kernel;
  } else if (auto k = in_blobs("bzImage")) {
    out.kernel = *k;
  } else if (auto k2 = in_blobs("Image")) {
    out.kernel = *k2;
  } else {
    missing.push_back("kernel (--kernel, or bzImage/Image)");
  }
  if (flags.init) {
    out.init = *flags.init;
  } else if (auto i = in_blobs("init")) {
    out.init = *i;
  } else if (flags.allow_bundled_init) {
    out.bundled_init = true;
  } else {
    missing.push_back("init (--init)");
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw Error("missing boot files: " + list + where);
  }
  File::open_read(out.kernel);
  if (!out.bundled_init) File::open_read(out.init);
  refuse_non_kernel(out.kernel);

  out.kernel_config = flags.kernel_config ? flags.kernel_config : default_kernel_config(out.kernel);
  out.nsm = flags.nsm ? flags.nsm : in_blobs("nsm.ko");
  if (out.nsm) File::open_read(*out.nsm);
  out.kernel_arch = kernel_image_arch(out.kernel);
  if (flags.cmdline) {
    out.cmdline = *flags.cmdline;
  } else if (flags.cmdline_file) {
    out.cmdline = read_cmdline_file(*flags.cmdline_file);
  } else if (auto c = in_blobs("cmdline")) {
    out.cmdline = read_cmdline_file(*c);
  } else {
    out.cmdline = default_cmdline(out.kernel_arch.value_or(Arch::kX86_64));
  }
  return out;
}

}  // namespace eifkit
