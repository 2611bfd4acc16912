// Tests of config/preprocess.h: `include` and its variants, relative paths, globs, csh braces,
// include_check, loops, depth, unreadable files. Each test builds its own file tree in a fresh
// temporary directory (removed afterwards).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/include_glob.h"
#include "config/preprocess.h"
#include "preprocess_test_util.h"

namespace vigil::config {
namespace {

namespace fs = std::filesystem;
using test::Lines;

class TempTree {
 public:
  TempTree() {
    std::string tmpl = (fs::temp_directory_path() / "vigil-pp-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  std::string write(const std::string& rel, const std::string& text) const {
    const fs::path p = fs::path(root_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string path(const std::string& rel) const { return (fs::path(root_) / rel).string(); }

 private:
  std::string root_;
};

struct FileRun {
  SourceFiles files;
  Diagnostics diags;
  std::vector<Line> out;
  FileRun(const std::string& path, PreprocessOptions opts = test::Pre::default_opts()) {
    out = preprocess_file(path, opts, files, diags);
  }
  Lines lines() const {
    Lines l;
    for (const Line& line : out) {
      l.emplace_back();
      for (const Token& t : line.tokens) l.back().emplace_back(t.text);
    }
    return l;
  }
  std::string errors() const {
    std::string s;
    for (const auto& d : diags.all()) s += d.str() + "\n";
    return s;
  }
  std::size_t count(Severity sev) const {
    std::size_t n = 0;
    for (const auto& d : diags.all()) n += d.severity == sev;
    return n;
  }
};

TEST(PreprocessInclude, RelativeToIncludingFileAndLocations) {
  TempTree t;
  const std::string main = t.write("main.conf", "a\ninclude sub/one.conf\nz\n");
  t.write("sub/one.conf", "b {\ninclude two.conf\n}\n");
  t.write("sub/two.conf", "  c ${_PWD}\n");
  FileRun r(main);
  EXPECT_EQ(r.lines(), (Lines{{"a"}, {"b", "{"}, {"c", t.path("sub")}, {"}"}, {"z"}})) << r.errors();
  EXPECT_TRUE(r.diags.all().empty()) << r.errors();
  ASSERT_EQ(r.out.size(), 5u);
  EXPECT_EQ(r.out[2].tokens[0].loc.str(), t.path("sub/two.conf") + ":1:3");
  EXPECT_EQ(r.out[1].tokens[0].loc.str(), t.path("sub/one.conf") + ":1:1");
  EXPECT_EQ(r.out[4].tokens[0].loc.str(), main + ":3:1");
}

TEST(PreprocessInclude, GlobIsSortedAndBracesExpandInOrder) {
  TempTree t;
  const std::string main = t.write("k.conf", "include d/*.conf\ninclude {y,x}.inc\n");
  t.write("d/b.conf", "b\n");
  t.write("d/a.conf", "a\n");
  t.write("d/c.txt", "not me\n");
  t.write("x.inc", "x\n");
  t.write("y.inc", "y\n");
  FileRun r(main);
  EXPECT_EQ(r.lines(), (Lines{{"a"}, {"b"}, {"y"}, {"x"}})) << r.errors();
}

TEST(PreprocessInclude, PwdInPatternIsSubstituted) {
  TempTree t;
  const std::string main = t.write("k.conf", "include ${_PWD}/p.conf\n");
  t.write("p.conf", "p\n");
  EXPECT_EQ(FileRun(main).lines(), (Lines{{"p"}}));
}

TEST(PreprocessInclude, IncludeAfterConditionalIsNotAnInclude) {
  // keepalived.conf(5): include detection comes before conditionals and substitution.
  TempTree t;
  const std::string main = t.write("k.conf", "@low include p.conf\n");
  t.write("p.conf", "p\n");
  EXPECT_EQ(FileRun(main).lines(), (Lines{{"include", "p.conf"}}));
}

TEST(PreprocessInclude, PlainIncludeOfMissingFileIsOnlyAWarning) {
  TempTree t;
  const std::string main = t.write("k.conf", "include nothere.conf\ninclude none/*.conf\nk\n");
  FileRun r(main);
  EXPECT_EQ(r.lines(), (Lines{{"k"}}));
  EXPECT_FALSE(r.diags.has_errors()) << r.errors();
  EXPECT_EQ(r.count(Severity::warning), 2u) << r.errors();
  EXPECT_EQ(r.diags.all()[0].loc.str(), main + ":1:9");
}

TEST(PreprocessInclude, VariantsMakeProblemsErrors) {
  TempTree t;
  t.write("d/a.conf", "a\n");
  struct Case {
    const char* line;
    bool error;
  } cases[] = {
      {"includer d/*.conf", false},
      {"includer d", true},                // a directory is not a readable file
      {"includem nothere.conf", true},
      {"includem d/{a,zz}.conf", false},   // something matched
      {"includeb d/{a,zz}.conf", true},    // each alternative must match
      {"includew d/*.conf", false},
      {"includew {d,e}/*.conf", true},     // e/*.conf matches nothing
      {"includea d/a.conf", false},
      {"includea d/zz.conf", true},
      {"include d/zz.conf", false},
  };
  for (const Case& c : cases) {
    const std::string main = t.write("k.conf", std::string(c.line) + "\n");
    FileRun r(main);
    EXPECT_EQ(r.diags.has_errors(), c.error) << c.line << "\n" << r.errors();
  }
}

TEST(PreprocessInclude, CommandLineCheckAppliesToPlainInclude) {
  TempTree t;
  const std::string main = t.write("k.conf", "include nothere.conf\n");
  PreprocessOptions o = test::Pre::default_opts();
  o.include_check = kIncludeAll;  // -e
  FileRun r(main, o);
  ASSERT_TRUE(r.diags.has_errors());
  EXPECT_NE(r.diags.all()[0].message.find("matches no file"), std::string::npos) << r.errors();
}

TEST(PreprocessInclude, IncludeCheckKeywordLastsForTheFile) {
  TempTree t;
  const std::string main =
      t.write("k.conf", "global_defs {\ninclude_check match\n}\ninclude nothere.conf\n");
  FileRun r(main);
  EXPECT_TRUE(r.diags.has_errors()) << r.errors();
  const std::string off = t.write("k2.conf", "include_check\ninclude_check -match -readable\ninclude nothere.conf\n");
  FileRun r2(off);
  EXPECT_FALSE(r2.diags.has_errors()) << r2.errors();
}

TEST(PreprocessInclude, LoopIsDetected) {
  TempTree t;
  const std::string main = t.write("a.conf", "a\ninclude b.conf\n");
  t.write("b.conf", "b\ninclude a.conf\n");
  FileRun r(main);
  EXPECT_EQ(r.lines(), (Lines{{"a"}, {"b"}}));
  ASSERT_TRUE(r.diags.has_errors());
  EXPECT_NE(r.diags.all()[0].message.find("include loop"), std::string::npos);
  EXPECT_EQ(r.diags.all()[0].loc.str(), t.path("b.conf") + ":2:9");
}

TEST(PreprocessInclude, SelfIncludeIsALoop) {
  TempTree t;
  const std::string main = t.write("a.conf", "include *.conf\nx\n");
  FileRun r(main);
  EXPECT_EQ(r.lines(), (Lines{{"x"}}));
  EXPECT_TRUE(r.diags.has_errors());
}

TEST(PreprocessInclude, DepthLimit) {
  TempTree t;
  // Distinct files f0 → f1 → … → f9: no loop, but deeper than the limit of 4.
  for (int i = 0; i < 10; ++i)
    t.write("f" + std::to_string(i) + ".conf", "l" + std::to_string(i) + "\ninclude f" + std::to_string(i + 1) + ".conf\n");
  PreprocessOptions o = test::Pre::default_opts();
  o.max_include_depth = 4;
  FileRun r(t.path("f0.conf"), o);
  EXPECT_EQ(r.out.size(), 4u);
  ASSERT_TRUE(r.diags.has_errors());
  EXPECT_NE(r.diags.all()[0].message.find("nested deeper"), std::string::npos);
}

TEST(PreprocessInclude, MissingMainFileIsAnError) {
  TempTree t;
  FileRun r(t.path("none.conf"));
  EXPECT_TRUE(r.out.empty());
  ASSERT_EQ(r.diags.all().size(), 1u);
  EXPECT_NE(r.diags.all()[0].message.find("cannot read"), std::string::npos);
}

TEST(PreprocessInclude, DisabledIncludesAreErrors) {
  PreprocessOptions o = test::Pre::default_opts();
  o.allow_includes = false;
  test::Pre p("include /etc/passwd\nx\n", o);
  EXPECT_EQ(p.lines(), (Lines{{"x"}}));
  EXPECT_TRUE(p.diags.has_errors());
}

TEST(PreprocessInclude, IncludeWithoutPatternIsAnError) {
  test::Pre p("include\n");
  EXPECT_TRUE(p.out.empty());
  EXPECT_TRUE(p.diags.has_errors());
}

TEST(PreprocessIncludeGlob, BraceExpansion) {
  bool truncated = false;
  EXPECT_EQ(lex::expand_braces("{foo/{,cat,dog},bar}", 100, truncated),
            (std::vector<std::string>{"foo/", "foo/cat", "foo/dog", "bar"}));
  EXPECT_EQ(lex::expand_braces("a{b,c}d{1,2}", 100, truncated),
            (std::vector<std::string>{"abd1", "abd2", "acd1", "acd2"}));
  EXPECT_EQ(lex::expand_braces("plain{", 100, truncated), (std::vector<std::string>{"plain{"}));
  EXPECT_FALSE(truncated);
  EXPECT_EQ(lex::expand_braces("{a,b}{a,b}{a,b}", 5, truncated).size(), 5u);
  EXPECT_TRUE(truncated);
}

}  // namespace
}  // namespace vigil::config
