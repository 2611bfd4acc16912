// Splitting script lines into words and PATH search, as keepalived does (no /bin/sh).
#include "track/command.h"

#include <gtest/gtest.h>

#include "helpers.h"

namespace vigil::track {
namespace {

using Words = std::vector<std::string>;

// The config's splitter (config/lex_command.h), keepalived 2.2.7's two passes: escapes first,
// then words.
TEST(TrackCommand, SplitsOnBlanksAndHonoursQuotes) {
  EXPECT_EQ(*split_command("/usr/bin/chk --port  80"), (Words{"/usr/bin/chk", "--port", "80"}));
  EXPECT_EQ(*split_command("chk 'two words' \"a b\" a'b'c"), (Words{"chk", "two words", "a b", "abc"}));
  EXPECT_EQ(*split_command("chk ''"), (Words{"chk", ""}));
  EXPECT_EQ(*split_command("chk '$HOME;|&'"), (Words{"chk", "$HOME;|&"}));
  // Pass 1 makes \t a tab, which then separates; \\ + space keeps the space in the word.
  EXPECT_EQ(*split_command("/bin/echo a\\tb"), (Words{"/bin/echo", "a", "b"}));
  EXPECT_EQ(*split_command("a\\\\ b"), (Words{"a b"}));
}

TEST(TrackCommand, UnterminatedQuoteRunsToTheEndAndEmptyIsRefused) {
  EXPECT_EQ(*split_command("chk 'open x"), (Words{"chk", "open x"}));
  EXPECT_FALSE(split_command("   ").has_value());
  EXPECT_FALSE(split_command("").has_value());
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
