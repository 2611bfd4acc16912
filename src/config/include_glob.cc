#include "config/include_glob.h"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "config/preprocess.h"

namespace vigil::config::lex {

namespace {

constexpr std::size_t kMaxAlternatives = 4096;

// The first `{` that has a matching `}` and a top-level comma, as [open, close]; npos if none.
bool find_brace(std::string_view p, std::size_t& open, std::size_t& close) {
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
      continue;
    }
    if (p[i] != '{') continue;
    int depth = 0;
    for (std::size_t j = i; j < p.size(); ++j) {
      if (p[j] == '\\') {
        ++j;
      } else if (p[j] == '{') {
        ++depth;
      } else if (p[j] == '}') {
        if (--depth == 0) {
          open = i;
          close = j;
          return true;
        }
      }
    }
    return false;  // unbalanced: the rest is literal
  }
  return false;
}

void expand_into(std::string_view p, std::size_t limit, std::vector<std::string>& out,
                 bool& truncated) {
  if (out.size() >= limit) {
    truncated = true;
    return;
  }
  std::size_t open = 0, close = 0;
  if (!find_brace(p, open, close)) {
    out.emplace_back(p);
    return;
  }
  const std::string_view prefix = p.substr(0, open);
  const std::string_view suffix = p.substr(close + 1);
  const std::string_view inner = p.substr(open + 1, close - open - 1);
  int depth = 0;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= inner.size(); ++i) {
    const bool end = i == inner.size();
    if (!end && inner[i] == '\\') {
      ++i;
      continue;
    }
    if (!end && inner[i] == '{') ++depth;
    if (!end && inner[i] == '}') --depth;
    if (end || (inner[i] == ',' && depth == 0)) {
      std::string alt;
      alt.reserve(prefix.size() + (i - from) + suffix.size());
      alt.append(prefix).append(inner.substr(from, i - from)).append(suffix);
      expand_into(alt, limit, out, truncated);
      if (truncated) return;
      from = i + 1;
    }
  }
}

bool has_wildcard(std::string_view p) {
  return p.find_first_of("*?[") != std::string_view::npos;
}

}  // namespace

std::vector<std::string> expand_braces(std::string_view pattern, std::size_t limit, bool& truncated) {
  std::vector<std::string> out;
  truncated = false;
  expand_into(pattern, limit, out, truncated);
  return out;
}

IncludeResult resolve_include(const std::string& pattern) {
  IncludeResult r;
  bool truncated = false;
  const std::vector<std::string> alts = expand_braces(pattern, kMaxAlternatives, truncated);
  if (truncated)
    r.problems.push_back({kIncludeBrace, fmt::format("'{}' has more than {} brace alternatives; only "
                                                     "the first ones are read", pattern, kMaxAlternatives)});
  const bool braces = alts.size() > 1 || alts.front() != pattern;
  std::size_t matched = 0;
  for (const std::string& alt : alts) {
    glob_t g{};
    const int rc = ::glob(alt.c_str(), 0, nullptr, &g);
    std::size_t n = rc == 0 ? g.gl_pathc : 0;
    for (std::size_t k = 0; k < n; ++k) {
      const char* path = g.gl_pathv[k];
      struct stat st {};
      if (::stat(path, &st) != 0 || !S_ISREG(st.st_mode) || ::access(path, R_OK) != 0) {
        r.problems.push_back({kIncludeReadable,
                              fmt::format("'{}' is not a readable regular file", path)});
        continue;
      }
      r.files.emplace_back(path);
    }
    ::globfree(&g);
    matched += n;
    if (n == 0 && braces)
      r.problems.push_back({kIncludeBrace, fmt::format("brace alternative '{}' matches no file", alt)});
    if (n == 0 && has_wildcard(alt))
      r.problems.push_back({kIncludeWildcard, fmt::format("wildcard '{}' matches no file", alt)});
  }
  if (matched == 0) r.problems.push_back({kIncludeMatch, fmt::format("'{}' matches no file", pattern)});
  return r;
}

}  // namespace vigil::config::lex
