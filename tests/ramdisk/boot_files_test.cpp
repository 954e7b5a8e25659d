// The enclave platform's boot files: a nitro-cli blob directory (bzImage or Image with its
// .config, cmdline, init, nsm.ko) found and read, single flags overriding it, what is reported
// missing and where, and a build from it carrying the kernel's name and version as metadata.
#include "lib/ramdisk/boot_files.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/base/error.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::ScratchDir;
using test::to_bytes;
using test::write_bytes;

const char* kX86Config =
    "#\n"
    "# Automatically generated file; DO NOT EDIT.\n"
    "# Linux/x86_64 4.14.246-198.474.amzn2.x86_64 Kernel Configuration\n"
    "#\n"
    "CONFIG_64BIT=y\n";
const char* kArmConfig =
    "#\n"
    "# Automatically generated file; DO NOT EDIT.\n"
    "# Linux/arm64 4.14.246-198.474.amzn2.aarch64 Kernel Configuration\n";

// A kernel image recognised by its magic, with nothing else in it.
std::vector<uint8_t> fake_kernel(bool arm) {
  std::vector<uint8_t> bytes(4096, 0);
  if (arm) {
    std::copy_n("ARM\x64", 4, bytes.begin() + 56);
  } else {
    std::copy_n("HdrS", 4, bytes.begin() + 0x202);
  }
  return bytes;
}

class BootFilesTest : public testing::Test {
 protected:
  // A fake blob directory as nitro-cli installs it.
  std::string blobs(const std::string& name, bool arm = false, bool init = true, bool nsm = true) {
    std::string b = dir_ / name;
    fs::create_directories(b);
    std::string kernel = b + (arm ? "/Image" : "/bzImage");
    write_bytes(kernel, fake_kernel(arm));
    write_bytes(kernel + ".config", to_bytes(arm ? kArmConfig : kX86Config));
    if (!arm) write_bytes(b + "/cmdline", to_bytes("  reboot=k console=ttyS0 pci=off \n"));
    if (init) write_bytes(b + "/init", to_bytes("init"));
    if (nsm) write_bytes(b + "/nsm.ko", to_bytes("nsm"));
    return b;
  }
  BootFileFlags with_blobs(const std::string& b) {
    BootFileFlags flags;
    flags.blobs_dir = b;
    return flags;
  }
  // A default blob location that does not exist, so the machine's own never leaks in.
  std::string no_default() const { return dir_ / "no-default-blobs"; }
  ScratchDir dir_;
};

TEST_F(BootFilesTest, X86BlobDirectory) {
  std::string b = blobs("x86");
  BootFiles f = resolve_boot_files(with_blobs(b), no_default());
  EXPECT_EQ(f.kernel, b + "/bzImage");
  EXPECT_EQ(f.kernel_config, b + "/bzImage.config");
  EXPECT_EQ(f.cmdline, "reboot=k console=ttyS0 pci=off");  // trimmed
  EXPECT_EQ(f.init, b + "/init");
  EXPECT_EQ(f.nsm, b + "/nsm.ko");
  EXPECT_EQ(f.kernel_arch, Arch::kX86_64);
}

TEST_F(BootFilesTest, Arm64BlobDirectoryWithTheArm64DefaultCmdline) {
  std::string b = blobs("arm", /*arm=*/true);
  BootFiles f = resolve_boot_files(with_blobs(b), no_default());
  EXPECT_EQ(f.kernel, b + "/Image");
  EXPECT_EQ(f.kernel_config, b + "/Image.config");
  EXPECT_EQ(f.kernel_arch, Arch::kAarch64);
  // No cmdline file: nitro-cli's default for the kernel's architecture.
  EXPECT_EQ(f.cmdline, default_cmdline(Arch::kAarch64));
  EXPECT_EQ(f.cmdline,
            "reboot=k panic=30 pci=off nomodules console=ttyS0 random.trust_cpu=on root=/dev/ram0");
}

TEST_F(BootFilesTest, SingleFlagsOverrideTheBlobDirectory) {
  std::string b = blobs("x86");
  std::string other = blobs("other", /*arm=*/true);
  write_bytes(dir_ / "cmdline.txt", to_bytes("\tconsole=hvc0\n\n"));
  write_bytes(dir_ / "my.config", to_bytes(kArmConfig));
  BootFileFlags flags = with_blobs(b);
  flags.kernel = other + "/Image";
  flags.init = other + "/init";
  flags.nsm = other + "/nsm.ko";
  flags.cmdline_file = dir_ / "cmdline.txt";
  BootFiles f = resolve_boot_files(flags, no_default());
  EXPECT_EQ(f.kernel, other + "/Image");
  EXPECT_EQ(f.kernel_config, other + "/Image.config");  // follows the kernel given
  EXPECT_EQ(f.kernel_arch, Arch::kAarch64);
  EXPECT_EQ(f.init, other + "/init");
  EXPECT_EQ(f.nsm, other + "/nsm.ko");
  EXPECT_EQ(f.cmdline, "console=hvc0");

  flags.kernel_config = dir_ / "my.config";
  flags.cmdline = "console=ttyS1";  // literal text wins over the file
  f = resolve_boot_files(flags, no_default());
  EXPECT_EQ(f.kernel_config, dir_ / "my.config");
  EXPECT_EQ(f.cmdline, "console=ttyS1");
}

TEST_F(BootFilesTest, DefaultBlobDirectoryIsUsedWhenPresent) {
  std::string b = blobs("default");
  BootFiles f = resolve_boot_files({}, b);
  EXPECT_EQ(f.kernel, b + "/bzImage");
  EXPECT_EQ(f.init, b + "/init");
}

TEST_F(BootFilesTest, MissingInitIsNamedWithWhereItWasLookedFor) {
  std::string b = blobs("no-init", false, /*init=*/false);
  EXPECT_EQ(error_of([&] { resolve_boot_files(with_blobs(b), no_default()); }),
            "missing boot files: init (--init) (not in " + b + ")");
}

// eifkit's own init instead of the blobs' changes PCR1: a note says so, and only then.
TEST_F(BootFilesTest, BlobsWithoutInitFallingBackToTheBundledOneGiveANote) {
  std::string b = blobs("fallback", false, /*init=*/false);
  BootFileFlags flags = with_blobs(b);
  flags.allow_bundled_init = true;
  BootFiles f = resolve_boot_files(flags, no_default());
  EXPECT_TRUE(f.bundled_init);
  EXPECT_EQ(f.notes,
            std::vector<std::string>{b + " has no init: eifkit's own is used, so PCR1 differs from "
                                         "nitro-cli's with these blobs (--init chooses another)"});
  flags.init = b + "/bzImage";  // any file: --init given, no fallback
  EXPECT_EQ(resolve_boot_files(flags, no_default()).notes, std::vector<std::string>{});
  BootFileFlags no_blobs;
  no_blobs.kernel = b + "/bzImage";
  no_blobs.allow_bundled_init = true;
  EXPECT_EQ(resolve_boot_files(no_blobs, no_default()).notes, std::vector<std::string>{});
}

TEST_F(BootFilesTest, NothingAtAllListsEverythingMissing) {
  EXPECT_EQ(error_of([&] { resolve_boot_files({}, no_default()); }),
            "missing boot files: kernel (--kernel, or bzImage/Image), init (--init) (no --blobs "
            "directory)");
}

TEST_F(BootFilesTest, NoNsmKoMeansNone) {
  std::string b = blobs("no-nsm", false, true, /*nsm=*/false);
  EXPECT_EQ(resolve_boot_files(with_blobs(b), no_default()).nsm, std::nullopt);
}

TEST_F(BootFilesTest, BlobsThatIsNotADirectory) {
  write_bytes(dir_ / "file", to_bytes("x"));
  EXPECT_EQ(error_of([&] { resolve_boot_files(with_blobs(dir_ / "file"), no_default()); }),
            dir_ / "file" + ": --blobs: not a directory");
}

TEST_F(BootFilesTest, KernelWithoutMagicHasNoArchitecture) {
  EXPECT_EQ(kernel_image_arch(test::vector_path("eif/inputs/kernel.bin")), std::nullopt);
  write_bytes(dir_ / "tiny", to_bytes("HdrS"));
  EXPECT_EQ(kernel_image_arch(dir_ / "tiny"), std::nullopt);
}

TEST_F(BootFilesTest, BuildWithBlobsRecordsTheKernelInTheMetadata) {
  std::string b = blobs("x86");
  test::write_layer_tar(dir_ / "rootfs.tar", {test::TarSpec::file("usr/bin/app", "app\n", 0755)});
  ScratchDir out;
  test::RunResult r = test::run_eifkit({"build", "--rootfs-tar", dir_ / "rootfs.tar", "--cmd",
                                        "/usr/bin/app", "--blobs", b, "--output", out / "app.eif",
                                        "--build-time", "2024-01-01T00:00:00+00:00"});
  ASSERT_EQ(r.status, 0) << r.err;
  test::RunResult d = test::run_eifkit({"describe", out / "app.eif"});
  ASSERT_EQ(d.status, 0) << d.err;
  nlohmann::json described = nlohmann::json::parse(d.out);
  EXPECT_EQ(described["Arch"], "x86_64");
  EXPECT_EQ(described["Metadata"]["OperatingSystem"], "Linux");
  EXPECT_EQ(described["Metadata"]["KernelVersion"], "4.14.246");
  EXPECT_EQ(described["Metadata"]["DockerInfo"]["Architecture"], "amd64");

  // The same build from single flags measures the same.
  test::RunResult flags = test::run_eifkit(
      {"build", "--rootfs-tar", dir_ / "rootfs.tar", "--cmd", "/usr/bin/app", "--kernel",
       b + "/bzImage", "--init", b + "/init", "--nsm", b + "/nsm.ko", "--cmdline",
       "reboot=k console=ttyS0 pci=off", "--output", out / "flags.eif", "--name", "app",
       "--build-time", "2024-01-01T00:00:00+00:00"});
  ASSERT_EQ(flags.status, 0) << flags.err;
  EXPECT_EQ(nlohmann::json::parse(flags.out), nlohmann::json::parse(r.out));
}

TEST_F(BootFilesTest, KernelConfigBesideTheKernelOrDebianStyleInBoot) {
  write_bytes(dir_ / "vmlinuz-6.1.0-9-cloud-amd64", fake_kernel(false));
  EXPECT_EQ(default_kernel_config(dir_ / "vmlinuz-6.1.0-9-cloud-amd64"), std::nullopt);
  write_bytes(dir_ / "config-6.1.0-9-cloud-amd64", to_bytes("#\n#\n# Linux/x86 6.1.0 Kernel\n"));
  EXPECT_EQ(default_kernel_config(dir_ / "vmlinuz-6.1.0-9-cloud-amd64"),
            dir_ / "config-6.1.0-9-cloud-amd64");
  write_bytes(dir_ / "vmlinuz-6.1.0-9-cloud-amd64.config", to_bytes("#\n#\n# Linux/x86 6.1.0\n"));
  EXPECT_EQ(default_kernel_config(dir_ / "vmlinuz-6.1.0-9-cloud-amd64"),
            dir_ / "vmlinuz-6.1.0-9-cloud-amd64.config");
}

TEST_F(BootFilesTest, GzipCompressedArm64ImageIsRecognised) {
  std::vector<uint8_t> image = fake_kernel(true);
  std::string plain = dir_ / "Image";
  write_bytes(plain, image);
  ASSERT_EQ(std::system(("gzip -kn " + plain).c_str()), 0);
  EXPECT_EQ(kernel_image_arch(plain + ".gz"), Arch::kAarch64);
}

}  // namespace
}  // namespace eifkit
