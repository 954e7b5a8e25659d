// nitro-cli's /cmd and /env from an image config: CMD else ENTRYPOINT, never both; ENV as it
// is; WORKDIR and USER ignored; what the overrides change, and that they say so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/base/error.h"
#include "lib/ramdisk/nitro_cli_command.h"
#include "tests/support/image_fixtures.h"

namespace eifkit {
namespace {

using json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Words = std::vector<std::string>;

json config(json runtime) {
  return {{"config", std::move(runtime)}};
}

TEST(NitroCliCommand, CmdWinsOverEntrypointAndEnvIsVerbatim) {
  NitroCliCommand c = nitro_cli_command(config({{"Entrypoint", {"/bin/echo", "ep"}},
                                                {"Cmd", {"a", "b c"}},
                                                {"Env", {"PATH=/bin", "EMPTY=", "NOEQUALS"}},
                                                {"WorkingDir", "/srv"},
                                                {"User", "nobody"}}),
                                        {}, "img.tar");
  EXPECT_EQ(c.cmd, (Words{"a", "b c"}));
  EXPECT_EQ(c.env, (Words{"PATH=/bin", "EMPTY=", "NOEQUALS"}));
  EXPECT_TRUE(c.notes.empty());
}

TEST(NitroCliCommand, EntrypointWhenThereIsNoCmd) {
  for (json cmd : {json(nullptr), json::array()}) {
    NitroCliCommand c =
        nitro_cli_command(config({{"Entrypoint", {"/app", "x"}}, {"Cmd", cmd}}), {}, "img.tar");
    EXPECT_EQ(c.cmd, (Words{"/app", "x"}));
    EXPECT_TRUE(c.env.empty());
  }
}

TEST(NitroCliCommand, NeitherIsRefusedNamingTheImage) {
  EXPECT_EQ(test::error_of([] { nitro_cli_command(config(json::object()), {}, "img.tar"); }),
            "img.tar: the image has neither Cmd nor Entrypoint, which nitro-cli refuses (give "
            "--cmd)");
  EXPECT_EQ(test::error_of([] { nitro_cli_command(json::object(), {}, "img.tar"); }),
            "img.tar: the image has neither Cmd nor Entrypoint, which nitro-cli refuses (give "
            "--cmd)");
}

TEST(NitroCliCommand, OverridesAreWhatDockerRunWouldRunAndAreNoted) {
  json image = config({{"Entrypoint", {"/ep"}}, {"Cmd", {"arg"}}, {"Env", {"A=1", "B=2"}}});
  CommandOverrides o;
  o.cmd = Words{"/other"};
  NitroCliCommand c = nitro_cli_command(image, o, "img.tar");
  EXPECT_EQ(c.cmd, (Words{"/other"}));
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0],
            "/cmd is [\"/other\"] from --cmd, not the image's [\"arg\"]: PCR2 is not the one "
            "nitro-cli gives this image");
  o.entrypoint = Words{"/sbin/init", "-v"};
  c = nitro_cli_command(image, o, "img.tar");
  EXPECT_EQ(c.cmd, (Words{"/sbin/init", "-v", "/other"}));
  EXPECT_THAT(c.notes[0], HasSubstr("from --entrypoint and --cmd"));
  CommandOverrides env;
  env.env = {"B=3", "C=4"};
  c = nitro_cli_command(image, env, "img.tar");
  EXPECT_EQ(c.env, (Words{"A=1", "B=3", "C=4"}));
  EXPECT_THAT(c.notes, ElementsAre("/env has 2 --env entries: PCR2 is not the one nitro-cli "
                                   "gives this image"));
}

TEST(NitroCliCommand, ANewlineIsWrittenAsNitroCliWritesItWithANote) {
  NitroCliCommand c = nitro_cli_command(config({{"Cmd", {"echo", "two\nlines"}}}), {}, "i");
  EXPECT_EQ(c.cmd, (Words{"echo", "two\nlines"}));
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_THAT(c.notes[0], HasSubstr("'two…' holds a newline"));
}

}  // namespace
}  // namespace eifkit
