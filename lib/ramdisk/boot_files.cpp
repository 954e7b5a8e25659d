#include "lib/ramdisk/boot_files.h"

#include <sys/stat.h>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "formats/file_kind.h"
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
bool gzip_holds_arm64_image(std::span<const uint8_t> in) {
  if (in.size() < 18 || in[0] != 0x1f || in[1] != 0x8b) return false;
  std::array<uint8_t, 64> out{};
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return false;
  z.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const; it only reads
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  inflate(&z, Z_SYNC_FLUSH);
  size_t produced = out.size() - z.avail_out;
  inflateEnd(&z);
  return has_arm64_magic(std::span(out).first(produced));
}

// Enough of a kernel file for every check: its magic, a gzip member's first block, and what
// else it might be.
std::vector<uint8_t> kernel_head(const std::string& kernel_path) {
  File f = File::open_read(kernel_path);
  std::vector<uint8_t> head(static_cast<size_t>(std::min<uint64_t>(f.size(), 4096)));
  f.pread_exact(head, 0);
  return head;
}

std::optional<Arch> arch_of_head(std::span<const uint8_t> head) {
  if (head.size() >= 0x206 && std::memcmp(&head[0x202], "HdrS", 4) == 0) return Arch::kX86_64;
  if (has_arm64_magic(head)) return Arch::kAarch64;
  if (gzip_holds_arm64_image(head)) return Arch::kAarch64;
  return std::nullopt;
}

}  // namespace

std::optional<Arch> kernel_image_arch(const std::string& kernel_path) {
  return arch_of_head(kernel_head(kernel_path));
}

std::optional<Arch> check_kernel_file(const std::string& kernel_path) {
  std::vector<uint8_t> head = kernel_head(kernel_path);
  if (auto arch = arch_of_head(head)) return arch;
  const char* what = nullptr;
  switch (sniff_file_kind(head)) {
    case FileKind::kTar:
      what = "a tar archive (a container image or root filesystem goes to --image or --rootfs-tar)";
      break;
    case FileKind::kEif:
      what = "an EIF";
      break;
    case FileKind::kCpio:
      what = "a cpio archive (a ramdisk goes to --ramdisk)";
      break;
    case FileKind::kElf:
      what = "an ELF file (vmlinux?), which the enclave loader does not boot";
      break;
    case FileKind::kGzip:
      what = "gzip data that is not an arm64 Image";
      break;
    case FileKind::kZstd:
    case FileKind::kXz:
    case FileKind::kBzip2:
      what = "compressed data (zstd, xz or bzip2)";
      break;
    case FileKind::kZip:
      what = "a zip archive";
      break;
    default: {
      std::span<const uint8_t> first =
          std::span(head).first(std::min(head.size(), kFileKindHeadSize));
      if (!first.empty() && std::all_of(first.begin(), first.end(), [](uint8_t c) {
            return c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f);
          })) {
        what = "text";
      }
    }
  }
  if (what) {
    fail(kernel_path, std::string("is ") + what +
                          ", not a kernel: give an x86_64 bzImage or an arm64 Image (or Image.gz)");
  }
  return std::nullopt;
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
    if (blobs) {
      out.notes.push_back(*blobs +
                          " has no init: eifkit's own is used, so PCR1 differs from nitro-cli's "
                          "with these blobs (--init chooses another)");
    }
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
  out.kernel_arch = check_kernel_file(out.kernel);

  out.kernel_config = flags.kernel_config ? flags.kernel_config : default_kernel_config(out.kernel);
  out.nsm = flags.nsm ? flags.nsm : in_blobs("nsm.ko");
  if (out.nsm) File::open_read(*out.nsm);
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
