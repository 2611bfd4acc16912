// Tests of config/preprocess.h: line-level lexing (comments, quotes, braces, line endings) and
// token locations. Expected behaviour was checked against keepalived 2.2.7 (`keepalived -d`).
#include "config/preprocess.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "preprocess_test_util.h"

namespace vigil::config {
namespace {

using test::Pre;

TEST(PreprocessLex, SplitsWordsAndSkipsBlankLines) {
  Pre p("global_defs {\n\n   router_id  lb1\t\n}\n");
  EXPECT_EQ(p.lines(), (test::Lines{{"global_defs", "{"}, {"router_id", "lb1"}, {"}"}}));
  EXPECT_TRUE(p.diags.all().empty());
}

TEST(PreprocessLex, HashAndBangCommentsAnywhere) {
  Pre p("# whole line\n! also whole\nrouter_id a # trailing\npriority 100! bang\nx ab#cd\ny ab!cd\n");
  EXPECT_EQ(p.lines(), (test::Lines{{"router_id", "a"}, {"priority", "100"}, {"x", "ab"}, {"y", "ab"}}));
}

TEST(PreprocessLex, CommentCharsInsideDoubleQuotesAreText) {
  Pre p("router_id \"ab!cd\" \"e#f\"\n");
  ASSERT_EQ(p.lines(), (test::Lines{{"router_id", "ab!cd", "e#f"}}));
  EXPECT_TRUE(p.out[0].tokens[1].quoted);
}

TEST(PreprocessLex, BracesAreAlwaysTokens) {
  Pre p("a{b}c\nvirtual_ipaddress { 10.0.0.1 }\nx{\n}y\n{}\n");
  EXPECT_EQ(p.lines(), (test::Lines{{"a", "{", "b", "}", "c"},
                                    {"virtual_ipaddress", "{", "10.0.0.1", "}"},
                                    {"x", "{"},
                                    {"}", "y"},
                                    {"{", "}"}}));
  EXPECT_TRUE(p.out[0].tokens[1].is_open());
  EXPECT_TRUE(p.out[0].tokens[3].is_close());
}

TEST(PreprocessLex, QuotedBracesAreNotBraces) {
  Pre p("script \"{\" \"}\"\n");
  ASSERT_EQ(p.lines(), (test::Lines{{"script", "{", "}"}}));
  EXPECT_FALSE(p.out[0].tokens[1].is_open());
  EXPECT_FALSE(p.out[0].tokens[2].is_close());
}

TEST(PreprocessLex, DoubleQuotesGroupWhiteSpace) {
  Pre p("notify \"/bin/echo a  b\" c\n");
  ASSERT_EQ(p.lines(), (test::Lines{{"notify", "/bin/echo a  b", "c"}}));
  EXPECT_FALSE(p.out[0].tokens[0].quoted);
  EXPECT_TRUE(p.out[0].tokens[1].quoted);
  EXPECT_FALSE(p.out[0].tokens[2].quoted);
}

// keepalived 2.2.7: `router_id x"y z"w` sets router_id to "x".
TEST(PreprocessLex, QuoteInsideWordStartsNewToken) {
  Pre p("k x\"y z\"w\n");
  EXPECT_EQ(p.lines(), (test::Lines{{"k", "x", "y z", "w"}}));
}

// keepalived 2.2.7: single quotes and backslashes are plain characters at line level
// (`router_id 'a b'` sets "'a"; `router_id "a\tb"` sets the 4 characters a\tb).
TEST(PreprocessLex, SingleQuotesAndBackslashesArePlainAtLineLevel) {
  Pre p("k 'a b' \"a\\tb\" c\\d\n");
  EXPECT_EQ(p.lines(), (test::Lines{{"k", "'a", "b'", "a\\tb", "c\\d"}}));
}

TEST(PreprocessLex, EmptyQuotedStringIsAToken) {
  Pre p("auth_pass \"\"\n");
  ASSERT_EQ(p.lines(), (test::Lines{{"auth_pass", ""}}));
  EXPECT_TRUE(p.out[0].tokens[1].quoted);
}

TEST(PreprocessLex, UnterminatedQuoteIsAnErrorAtTheQuote) {
  Pre p("router_id \"abc\nnext line\n");
  EXPECT_EQ(p.lines(), (test::Lines{{"router_id"}, {"next", "line"}}));
  ASSERT_EQ(p.diags.all().size(), 1u);
  EXPECT_EQ(p.diags.all()[0].loc.str(), "t.conf:1:11");
  EXPECT_NE(p.diags.all()[0].message.find("unterminated quote"), std::string::npos);
}

TEST(PreprocessLex, CrLfLineEndings) {
  Pre p("a {\r\n  b c\r\n}\r\n");
  EXPECT_EQ(p.lines(), (test::Lines{{"a", "{"}, {"b", "c"}, {"}"}}));
}

TEST(PreprocessLex, NoTrailingNewline) {
  Pre p("a {\n}");
  EXPECT_EQ(p.lines(), (test::Lines{{"a", "{"}, {"}"}}));
}

// corpus 083: `authentication { auth_type PASS; auth_pass k8s_api_pwd; }` — keepalived 2.2.7
// reports "unknown authentication type 'PASS;'": a semicolon is an ordinary character.
TEST(PreprocessLex, SemicolonIsAnOrdinaryCharacter) {
  Pre p("authentication { auth_type PASS; auth_pass x; }\r\n");
  EXPECT_EQ(p.lines(), (test::Lines{{"authentication", "{", "auth_type", "PASS;", "auth_pass", "x;", "}"}}));
}

TEST(PreprocessLex, TokenLocationsAreOneBased) {
  Pre p("a {\n\tbb  \"c d\"\n}\n");
  ASSERT_EQ(p.out.size(), 3u);
  EXPECT_EQ(p.out[0].tokens[0].loc.str(), "t.conf:1:1");
  EXPECT_EQ(p.out[0].tokens[1].loc.str(), "t.conf:1:3");
  EXPECT_EQ(p.out[1].tokens[0].loc.str(), "t.conf:2:2");
  EXPECT_EQ(p.out[1].tokens[1].loc.str(), "t.conf:2:6");
  EXPECT_EQ(p.out[1].loc().str(), "t.conf:2:2");
  EXPECT_EQ(p.out[2].tokens[0].loc.str(), "t.conf:3:1");
}

TEST(PreprocessLex, EmptyInput) {
  Pre p("");
  EXPECT_TRUE(p.out.empty());
  Pre q("\n\n  # nothing\n\r\n");
  EXPECT_TRUE(q.out.empty());
}

}  // namespace
}  // namespace vigil::config
