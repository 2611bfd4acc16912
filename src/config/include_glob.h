// config/include_glob.h — resolving the pattern of an `include` line to files.
//
// keepalived passes the pattern to glob(3) with csh brace expansion ("{foo/{,cat,dog},bar}"),
// relative to the including file's directory, and sorts the matches. The include variants make
// some outcomes errors (keepalived.conf(5), include_check):
//   readable (R)       every matched path must be a readable regular file
//   match (M)          the pattern as a whole must match something
//   wildcard_match (W) each brace alternative containing * ? [ must match something
//   brace_match (B)    each brace alternative must match something
// resolve_include() reports each failed check; the caller decides which are errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::config::lex {

// csh brace expansion: "a{b,c{d,e}}f" → abf, acdf, acef. At most `limit` results (a
// pattern that would expand to more is cut short and `truncated` set).
std::vector<std::string> expand_braces(std::string_view pattern, std::size_t limit, bool& truncated);

struct IncludeProblem {
  std::uint8_t check = 0;  // the IncludeCheck bit this problem fails
  std::string message;
};

struct IncludeResult {
  std::vector<std::string> files;  // readable regular files, in glob order
  std::vector<IncludeProblem> problems;
};

// `pattern` is already joined to the including file's directory when relative.
IncludeResult resolve_include(const std::string& pattern);

}  // namespace vigil::config::lex
