// The command the enclave runs: Docker's ENTRYPOINT+CMD, overrides, PATH resolution inside the
// flattened image (following its symlinks, never the host's), and refused newlines.
#include "lib/ramdisk/enclave_command.h"

#include <gtest/gtest.h>

#include "lib/base/error.h"

namespace eifkit {
namespace {

FsNode* add(FsNode& dir, const std::string& name, TarEntry::Type type, uint32_t mode = 0755,
            const std::string& target = "") {
  auto node = std::make_unique<FsNode>();
  node->inode = std::make_shared<Inode>();
  node->inode->type = type;
  node->inode->mode = mode;
  node->inode->link_target = target;
  FsNode* raw = node.get();
  dir.children[name] = std::move(node);
  return raw;
}

// / with usr/bin/{busybox, app (0644)}, bin -> usr/bin, usr/local/bin/tool -> ../../bin/busybox
struct Tree {
  FsNode root;
  Tree() {
    root.inode = std::make_shared<Inode>();
    FsNode* usr = add(root, "usr", TarEntry::Type::kDirectory);
    FsNode* bin = add(*usr, "bin", TarEntry::Type::kDirectory);
    add(*bin, "busybox", TarEntry::Type::kFile, 0755);
    add(*bin, "notexec", TarEntry::Type::kFile, 0644);
    add(root, "bin", TarEntry::Type::kSymlink, 0777, "usr/bin");
    FsNode* local = add(*usr, "local", TarEntry::Type::kDirectory);
    FsNode* lbin = add(*local, "bin", TarEntry::Type::kDirectory);
    add(*lbin, "tool", TarEntry::Type::kSymlink, 0777, "../../bin/busybox");
    FsNode* app = add(root, "app", TarEntry::Type::kDirectory);
    add(*app, "run.sh", TarEntry::Type::kFile, 0755);
  }
};

std::string error_of(const ContainerConfig& c, const FsNode& root) {
  try {
    resolve_enclave_command(c, root);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(EnclaveCommand, EntrypointThenCmdFromImageConfig) {
  nlohmann::json image = {{"config",
                           {{"Entrypoint", {"/bin/busybox", "sh"}},
                            {"Cmd", {"-c", "echo hi"}},
                            {"Env", {"PATH=/bin", "A=1"}},
                            {"WorkingDir", "/app"},
                            {"User", "1000:1000"}}}};
  ContainerConfig c = container_config_from_image(image);
  EXPECT_EQ(c.working_dir, "/app");
  EXPECT_EQ(c.user, "1000:1000");
  Tree t;
  EnclaveCommand cmd = resolve_enclave_command(c, t.root);
  EXPECT_EQ(cmd.argv, (std::vector<std::string>{"/bin/busybox", "sh", "-c", "echo hi"}));
  EXPECT_EQ(cmd.env, (std::vector<std::string>{"PATH=/bin", "A=1"}));
  EXPECT_EQ(lines_file(cmd.argv), "/bin/busybox\nsh\n-c\necho hi\n");
}

TEST(EnclaveCommand, RelativeProgramResolvedThroughImagePathAndSymlinks) {
  Tree t;
  ContainerConfig c;
  c.cmd = {"tool", "--x"};
  c.env = {"PATH=/nowhere:/usr/local/bin:/bin"};
  EXPECT_EQ(resolve_enclave_command(c, t.root).argv[0], "/usr/local/bin/tool");
  c.cmd = {"busybox"};
  c.env = {};  // Docker's default PATH; /usr/bin comes before /bin
  EXPECT_EQ(resolve_enclave_command(c, t.root).argv[0], "/usr/bin/busybox");
}

TEST(EnclaveCommand, RelativePathWithSlashIsAgainstWorkingDir) {
  Tree t;
  ContainerConfig c;
  c.cmd = {"./run.sh"};
  c.working_dir = "/app";
  EXPECT_EQ(resolve_enclave_command(c, t.root).argv[0], "/app/run.sh");
}

TEST(EnclaveCommand, OverridesFollowDockerRun) {
  ContainerConfig image;
  image.entrypoint = {"/bin/busybox"};
  image.cmd = {"sh"};
  image.env = {"A=1", "B=2"};
  CommandOverrides o;
  o.entrypoint = std::vector<std::string>{"/bin/busybox", "echo"};
  o.env = {"B=3", "C=4"};
  ContainerConfig c = apply_overrides(image, o);
  EXPECT_EQ(c.entrypoint, (std::vector<std::string>{"/bin/busybox", "echo"}));
  EXPECT_TRUE(c.cmd.empty());
  EXPECT_EQ(c.env, (std::vector<std::string>{"A=1", "B=3", "C=4"}));
  CommandOverrides cmd_only;
  cmd_only.cmd = std::vector<std::string>{"ls"};
  EXPECT_EQ(apply_overrides(image, cmd_only).entrypoint, image.entrypoint);
  EXPECT_EQ(apply_overrides(image, cmd_only).cmd, (std::vector<std::string>{"ls"}));
}

TEST(EnclaveCommand, EmptyCommandIsShResolvedAtBuildTime) {
  Tree t;
  EXPECT_EQ(error_of({}, t.root),
            "the image has no ENTRYPOINT or CMD (and no --cmd was given), so the enclave would "
            "run sh, which is not in the image's PATH "
            "(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin): give --cmd");
  add(*t.root.children["usr"]->children["bin"], "sh", TarEntry::Type::kSymlink, 0777, "busybox");
  EXPECT_EQ(resolve_enclave_command({}, t.root).argv, (std::vector<std::string>{"/usr/bin/sh"}));
}

TEST(EnclaveCommand, Refusals) {
  Tree t;
  ContainerConfig c;
  c.cmd = {"missing"};
  c.env = {"PATH=/bin"};
  EXPECT_EQ(error_of(c, t.root), "command: missing not found in the image's PATH (/bin)");
  c.cmd = {"notexec"};
  EXPECT_EQ(error_of(c, t.root), "command: notexec not found in the image's PATH (/bin)");
  c.cmd = {"/bin/nothere"};
  EXPECT_EQ(error_of(c, t.root), "command: /bin/nothere is not an executable file in the image");
  c.cmd = {"/bin/busybox", "a\nb"};
  EXPECT_EQ(error_of(c, t.root),
            "command argument 2 contains a newline, which the enclave's line-based /cmd and "
            "/env cannot carry: 'a…'");
  c.cmd = {"/bin/busybox"};
  c.env = {"X=1\n2"};
  EXPECT_EQ(error_of(c, t.root),
            "environment variable 1 contains a newline, which the enclave's line-based /cmd "
            "and /env cannot carry: 'X=1…'");
  CommandOverrides bad;
  bad.env = {"NOVALUE"};
  try {
    apply_overrides({}, bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--env: 'NOVALUE' is not KEY=VALUE");
  }
}

}  // namespace
}  // namespace eifkit
