// Splitting script lines into words and PATH search, as keepalived does (no /bin/sh).
#include "track/command.h"

#include <gtest/gtest.h>

#include "helpers.h"

namespace vigil::track {
namespace {

using Words = std::vector<std::string>;

TEST(TrackCommand, SplitsOnBlanksAndHonoursQuotes) {
  EXPECT_EQ(*split_command("/usr/bin/chk --port  80"), (Words{"/usr/bin/chk", "--port", "80"}));
  EXPECT_EQ(*split_command("chk 'two words' \"x\\\"y\" a'b'c"),
            (Words{"chk", "two words", "x\"y", "abc"}));
  EXPECT_EQ(*split_command("chk ''"), (Words{"chk", ""}));
  EXPECT_EQ(*split_command("a\\ b\tc"), (Words{"a b", "c"}));
  EXPECT_EQ(*split_command("chk '$HOME;|&'"), (Words{"chk", "$HOME;|&"}));
}

TEST(TrackCommand, RefusesBadLines) {
  EXPECT_FALSE(split_command("chk 'open").has_value());
  EXPECT_FALSE(split_command("chk \"open").has_value());
  EXPECT_FALSE(split_command("   ").has_value());
}

TEST(TrackCommand, PathSearch) {
  testing::TempDir dir;
  testing::write_script(dir.file("mychk"), "exit 0");
  testing::write_script(dir.file("noexec"), "exit 0", 0644);
  const std::string path = "/nonexistent:" + dir.path();
  EXPECT_EQ(find_executable("mychk", path.c_str()), dir.file("mychk"));
  EXPECT_EQ(find_executable("noexec", path.c_str()), std::nullopt);
  EXPECT_EQ(find_executable("/abs/whatever", path.c_str()), "/abs/whatever");
  EXPECT_EQ(find_executable("true", nullptr).has_value(), true);
  EXPECT_EQ(path_search_warning("true", "/usr/bin/true"),
            "WARNING - script `true` resolved by path search to `/usr/bin/true`. Please specify "
            "full path.");
}

}  // namespace
}  // namespace vigil::track
