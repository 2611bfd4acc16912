// Every file of the shared keepalived.conf corpus (../shared/configs/corpus, SOURCES.md) goes
// through the preprocessor without a crash, a fatal diagnostic or an error, and yields the
// number of `{` and `}` tokens listed below (config id "low", as SOURCES.md asks for 020–045).
//
// The counts of files without definitions, ~SEQ or includes were checked against a naive
// count of braces outside comments; the others were worked out by hand:
//   021  includes prio.conf (no braces) in each of its 10 instances and conf.d/**.conf (659 `{`,
//        658 `}`: conf.d/anon22.conf really is one `}` short, SOURCES.md) + 33 in the main file
//        (its 12 `${_PWD}` are not braces).
//   022  5: the `${_PWD}` of `script ${_PWD}/scripts/vs.sh` is not a brace.
//   024  8: the 5 braces on include lines belong to the glob patterns.
//   023  ~SEQ(VS2, 0, 255) + ~SEQ(VS2, 0, 43) virtual servers × (1 + 100 real servers × 2 blocks)
//        = 300 × 201 = 60300.
//   044  all its feature toggles are ${_HASH} (off); see preprocess_test_define.cc for the idioms.
//   091/092  Jinja templates whose {% if %} arms hold unbalanced braces.
// Include companions are laid out as in their source repositories (SOURCES.md) in a temporary
// directory: NNN-x.inc-conf.d-cloud-api.conf → conf.d/cloud/api.conf.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "config/preprocess.h"

namespace vigil::config {
namespace {

namespace fs = std::filesystem;

struct Braces {
  std::size_t open = 0, close = 0;
  bool operator==(const Braces&) const = default;
};

void PrintTo(const Braces& b, std::ostream* os) { *os << b.open << "/" << b.close; }

// name prefix → expected {open, close}
const std::map<std::string, Braces> kExpected = {
    {"001", {12, 12}},  {"002", {27, 27}},  {"003", {11, 11}},  {"004", {5, 5}},
    {"005", {5, 5}},    {"006", {9, 9}},    {"007", {5, 5}},    {"008", {22, 22}},
    {"009", {5, 5}},    {"010", {6, 6}},    {"011", {8, 8}},    {"012", {5, 5}},
    {"013", {5, 5}},    {"014", {15, 15}},  {"015", {21, 21}},  {"016", {10, 10}},
    {"017", {31, 31}},  {"018", {2, 2}},    {"019", {2, 2}},    {"020", {14, 14}},
    {"021", {692, 691}},   {"022", {5, 5}},     {"023", {60300, 60300}}, {"024", {8, 8}},
    {"025", {8, 8}},    {"026", {13, 13}},  {"027", {31, 31}},  {"028", {12, 12}},
    {"029", {7, 7}},    {"030", {4, 4}},    {"031", {7, 7}},    {"032", {7, 7}},
    {"033", {27, 27}},  {"034", {19, 19}},  {"035", {8, 8}},    {"036", {6, 6}},
    {"037", {25, 25}},  {"038", {10, 10}},  {"039", {15, 15}},  {"040", {8, 8}},
    {"041", {19, 19}},  {"042", {4, 4}},    {"043", {18, 18}},  {"044", {266, 266}},
    {"045", {13, 13}},  {"046", {11, 11}},  {"047", {14, 14}},  {"048", {7, 7}},
    {"049", {72, 72}},  {"050", {8, 8}},    {"051", {12, 12}},  {"052", {6, 6}},
    {"053", {8, 8}},    {"054", {6, 6}},    {"055", {8, 8}},    {"056", {11, 11}},
    {"057", {14, 14}},  {"058", {7, 7}},    {"059", {6, 6}},    {"060", {3, 3}},
    {"061", {8, 8}},    {"062", {14, 14}},  {"063", {8, 8}},    {"064", {8, 8}},
    {"065", {10, 10}},  {"066", {9, 9}},    {"067", {8, 8}},    {"068", {38, 38}},
    {"069", {14, 14}},  {"070", {5, 5}},    {"071", {4, 4}},    {"072", {6, 6}},
    {"073", {6, 6}},    {"074", {8, 8}},    {"075", {3, 3}},    {"076", {4, 4}},
    {"077", {5, 5}},    {"078", {6, 6}},    {"079", {4, 4}},    {"080", {6, 6}},
    {"081", {8, 8}},    {"082", {6, 6}},    {"083", {3, 3}},    {"084", {5, 5}},
    {"085", {5, 5}},    {"086", {6, 6}},    {"087", {9, 9}},    {"088", {5, 5}},
    {"089", {23, 23}},  {"090", {92, 92}},  {"091", {48, 46}},  {"092", {78, 77}},
    {"093", {34, 34}},
};

std::string companion_path(std::string rel) {
  for (const char* dir : {"conf.d-cloud-", "conf.d-"}) {
    const std::string d(dir);
    if (rel.starts_with(d)) {
      std::string mapped = d;
      for (char& c : mapped)
        if (c == '-') c = '/';
      return mapped + rel.substr(d.size());
    }
  }
  return rel;
}

class Tree {
 public:
  Tree() {
    std::string tmpl = (fs::temp_directory_path() / "vigil-corpus-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
  }
  ~Tree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;
  fs::path root() const { return root_; }

 private:
  fs::path root_;
};

TEST(PreprocessCorpus, EveryFileHasTheExpectedBraces) {
  const fs::path corpus = VIGIL_CORPUS_DIR;
  if (!fs::exists(corpus)) GTEST_SKIP() << "no corpus at " << corpus;
  std::map<std::string, fs::path> primaries;
  std::multimap<std::string, fs::path> companions;
  for (const auto& e : fs::directory_iterator(corpus)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 4 || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    if (name.find(".inc-") != std::string::npos) {
      companions.emplace(name.substr(0, 3), e.path());
    } else {
      primaries.emplace(name.substr(0, 3), e.path());
    }
  }
  ASSERT_EQ(primaries.size(), kExpected.size());
  for (const auto& [nnn, path] : primaries) {
    SCOPED_TRACE(path.filename().string());
    Tree tree;
    const fs::path main = tree.root() / "keepalived.conf";
    fs::copy_file(path, main);
    auto [b, e] = companions.equal_range(nnn);
    for (auto it = b; it != e; ++it) {
      const std::string name = it->second.filename().string();
      const std::string rel = name.substr(name.find(".inc-") + 5);
      const fs::path dest = tree.root() / companion_path(rel);
      fs::create_directories(dest.parent_path());
      fs::copy_file(it->second, dest);
    }
    SourceFiles files;
    Diagnostics diags;
    PreprocessOptions opts;
    opts.config_id = "low";
    opts.use_process_env = false;
    const std::vector<Line> lines = preprocess_file(main, opts, files, diags);
    Braces got;
    for (const Line& l : lines)
      for (const Token& t : l.tokens) {
        got.open += t.is_open();
        got.close += t.is_close();
      }
    std::string errs;
    for (const auto& d : diags.all())
      if (d.severity != Severity::warning) errs += d.str() + "\n";
    EXPECT_TRUE(errs.empty()) << errs;
    EXPECT_FALSE(lines.empty());
    EXPECT_EQ(got, kExpected.at(nnn));
  }
}

}  // namespace
}  // namespace vigil::config
