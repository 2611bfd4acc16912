// Tests of config/lex_command.h: script/notify command strings. Expected argv checked against
// keepalived 2.2.7 (`vrrp_script { script "…" }`, dumped with -d) where noted.
#include "config/lex_command.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::config {
namespace {

using Argv = std::vector<std::string>;

TEST(PreprocessCommand, EveryEscape) {
  EXPECT_EQ(unescape(R"(\a\b\E\f\n\r\t\v)"), std::string("\a\b\x1b\f\n\r\t\v"));
  EXPECT_EQ(unescape(R"(\101\0101\7)"), std::string("A\b1\x07"));
  EXPECT_EQ(unescape(R"(\x41\x414\xz)"), std::string("A\x14xz"));
  EXPECT_EQ(unescape(R"(\cA\ca\c)"), std::string("\x01\x01") + "c");
  EXPECT_EQ(unescape(R"(\\ \" \q \e)"), std::string("\\ \" q e"));
  EXPECT_EQ(unescape("end\\"), "end\\");
}

// keepalived 2.2.7: script "/bin/echo a\tb \x41 \101 \cA \\ \q"
//   → '/usr/bin/echo' 'a' 'b' 'A' 'A' '^A' ' q'
TEST(PreprocessCommand, MatchesKeepalived) {
  EXPECT_EQ(split_command(R"(/bin/echo a\tb \x41 \101 \cA \\ \q)"),
            (Argv{"/bin/echo", "a", "b", "A", "A", "\x01", " q"}));
  // script "/bin/echo \x414 \e \E 'a\tb' \"q\" \0101" → '^T' 'e' '^[' 'a^Ib' 'q' '^H1'
  EXPECT_EQ(split_command(R"(/bin/echo \x414 \e \E 'a\tb' \"q\" \0101)"),
            (Argv{"/bin/echo", "\x14", "e", "\x1b", "a\tb", "q", "\b1"}));
  // script "/bin/echo 'a b' c" → 'a b' 'c'
  EXPECT_EQ(split_command("/bin/echo 'a b' c"), (Argv{"/bin/echo", "a b", "c"}));
}

TEST(PreprocessCommand, QuotesJoinAndKeepSpaces) {
  EXPECT_EQ(split_command("abcd\" efg h jkl \"mnop"), (Argv{"abcd efg h jkl mnop"}));
  EXPECT_EQ(split_command("abcd \"efg h jkl\" mnop"), (Argv{"abcd", "efg h jkl", "mnop"}));
  EXPECT_EQ(split_command("a '' b"), (Argv{"a", "", "b"}));
  EXPECT_EQ(split_command("x 'unterminated y"), (Argv{"x", "unterminated y"}));
}

TEST(PreprocessCommand, EmptyAndBlank) {
  EXPECT_TRUE(split_command("").empty());
  EXPECT_TRUE(split_command(" \t ").empty());
}

}  // namespace
}  // namespace vigil::config
