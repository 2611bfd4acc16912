// config/preprocess_read.cc — the file side of the preprocessor (preprocess.cc has the line
// pipeline): reading a file (mapped or read), the file line loop, multi-line definitions,
// `include…` lines and their checks, and include_check.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "config/include_glob.h"
#include "config/lex_line.h"
#include "config/preprocessor.h"

namespace vigil::config::detail {

namespace {

struct IncludeWord {
  std::string_view word;
  std::uint8_t checks;
};
constexpr IncludeWord kIncludeWords[] = {
    {"include", 0},
    {"includer", kIncludeReadable},
    {"includem", kIncludeMatch | kIncludeReadable},
    {"includew", kIncludeWildcard | kIncludeReadable},
    {"includeb", kIncludeBrace | kIncludeReadable},
    {"includea", kIncludeAll},
};

std::string parent_dir(const std::string& path) {
  std::filesystem::path p(path);
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(p, ec);
  if (ec) abs = p;
  std::string dir = abs.parent_path().lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir.empty() ? std::string(".") : dir;
}

// A file's bytes, kept by `files`. A regular file is mapped (read-only, private): its pages come
// from the page cache as the lexer reaches them, with no copy and no heap. Anything else (a
// pipe, /proc, an empty file) is read into a string.
std::optional<std::string_view> read_whole_file(const std::string& path, SourceFiles& files) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto len = static_cast<std::size_t>(st.st_size);
    void* p = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
      ::close(fd);
      return files.keep_mapping(static_cast<const char*>(p), len);
    }
  }
  std::string out;
  std::size_t size = 0;
  bool ok = true;
  while (true) {  // grow-and-read: no size to trust
    out.resize(size + (size < 4096 ? 4096 : size));
    const ssize_t n = ::read(fd, out.data() + size, out.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (!ok) return std::nullopt;
  out.resize(size);
  return files.keep_text(std::move(out));
}

}  // namespace

void Preprocessor::read_file(const std::string& path, SourceLoc from, std::uint8_t checks) {
  if (stack_.size() >= opts_.max_include_depth) {
    diags_.error(from, fmt::format("includes nested deeper than {} levels at '{}': look for a file "
                                   "that includes itself",
                                   opts_.max_include_depth, path));
    return;
  }
  std::error_code ec;
  std::string identity = std::filesystem::weakly_canonical(path, ec).string();
  if (ec) identity = path;
  for (const Frame& f : stack_) {
    if (f.identity == identity) {
      diags_.error(from, fmt::format("include loop: '{}' is already being read; remove the include "
                                     "that leads back to it",
                                     path));
      return;
    }
  }
  std::optional<std::string_view> bytes;
  if (opts_.read_from) {
    if (auto it = opts_.read_from->find(path); it != opts_.read_from->end()) bytes = files_.keep_text(std::string(it->second));
  }
  if (!bytes) bytes = read_whole_file(path, files_);
  if (bytes && opts_.record_into != nullptr) (*opts_.record_into)[path] = std::string(*bytes);
  if (!bytes) {
    const FileName name = files_.intern(path);
    diags_.error(from.file() ? from : SourceLoc{name, 0, 0},
                 fmt::format("cannot read '{}': check the path and its permissions", path));
    return;
  }
  stack_.push_back({parent_dir(path), std::move(identity), checks, *bytes});
  run(*bytes, files_.intern(path));
  stack_.pop_back();
}

void Preprocessor::read_text(std::string_view text, const std::string& name, std::uint8_t checks) {
  const std::string_view bytes = files_.keep_text(std::string(text));
  stack_.push_back(
      {parent_dir(name.empty() ? std::string("./-") : name), std::string(), checks, bytes});
  run(bytes, files_.intern(name.empty() ? std::string_view("<text>") : std::string_view(name)));
  stack_.pop_back();
}

void Preprocessor::run(std::string_view text, FileName name) {
  std::uint32_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size() && !stopped_) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    ++line_no;
    LineView v;
    v.text = text.substr(pos, nl - pos);
    v.file = name;
    v.line = line_no;
    file_line(v);
    pos = nl + 1;
  }
  if (in_multiline_) {  // a file ending inside a multi-line definition: keep what was read
    defs_.set(multiline_name_, std::move(multiline_lines_), true);
    in_multiline_ = false;
  }
}

void Preprocessor::file_line(LineView raw) {
  if (!count_line(raw.loc(0))) return;
  if (!in_multiline_ && lex::tokenize_plain(raw.text, raw.file, raw.line, scratch_tokens_)) {
    if (scratch_tokens_.empty()) return;
    note_include_check(scratch_tokens_);
    sink_(scratch_tokens_);
    return;
  }
  // A trailing `\` continues a multi-line definition even when it is inside a comment
  // (keepalived 2.2.7; corpus 023 and 044 rely on it: `regex_options x  # comment \`).
  std::size_t last = raw.text.size();
  while (last > 0 && lex::is_space(raw.text[last - 1])) --last;
  raw_continues_ = last > 0 && raw.text[last - 1] == '\\';
  if (in_multiline_) {
    LineView trimmed = lex::strip_space(raw);
    const bool more = raw_continues_;
    if (more) trimmed = trimmed.sub(0, trimmed.text.size() - 1);
    const std::string_view part = lex::strip(trimmed).text;
    if (!part.empty()) multiline_lines_.emplace_back(part);
    if (!more) {  // an empty line ends the definition too (keepalived 2.2.7)
      defs_.set(multiline_name_, std::move(multiline_lines_), true);
      multiline_lines_.clear();
      in_multiline_ = false;
    }
    return;
  }
  LineView v = lex::strip(raw.sub(0, last));
  if (v.text.empty()) return;
  if (include_line(v)) return;
  process_line(v, 0);
  raw_continues_ = false;
}

bool Preprocessor::include_line(LineView v) {
  const std::string_view t = v.text;
  if (!t.starts_with("include")) return false;
  std::size_t w = 0;
  while (w < t.size() && !lex::is_space(t[w])) ++w;
  const IncludeWord* kind = nullptr;
  for (const auto& k : kIncludeWords)
    if (t.substr(0, w) == k.word) kind = &k;
  if (!kind) return false;

  // The pattern is substituted (`include ${_PWD}/x.conf` is common) but not otherwise processed:
  // braces belong to the pattern. A "quoted" pattern may contain spaces.
  LineView rest = lex::strip_space(v.sub(w));
  std::vector<OwnedLine> subst;
  const lex::Lookup look = [this](std::string_view n, std::string_view a) { return lookup(n, a); };
  const lex::SubstResult sr = lex::substitute(rest, look, subst);
  if (sr == lex::SubstResult::replaced) rest = lex::strip_space(subst.front().view());
  std::string_view p = rest.text;
  const SourceLoc at = rest.text.empty() ? v.loc(0) : rest.loc(0);
  std::size_t end;
  if (!p.empty() && p[0] == '"') {
    end = p.find('"', 1);
    if (end == std::string_view::npos) {
      diags_.error(at, "unterminated quote: add the closing '\"' on the same line");
      return true;
    }
    p = p.substr(1, end - 1);
    ++end;
  } else {
    end = 0;
    while (end < p.size() && !lex::is_space(p[end])) ++end;
    p = p.substr(0, end);
  }
  if (p.empty()) {
    diags_.error(v.loc(0), fmt::format("'{}' needs a file name or pattern", kind->word));
    return true;
  }
  const std::string_view extra = lex::strip_space(rest.sub(end)).text;
  if (!extra.empty() || subst.size() > 1)
    diags_.warning(at, fmt::format("'{}' takes one pattern; what follows it is ignored (quote a "
                                   "name that contains spaces)",
                                   kind->word));
  const std::uint8_t checks = static_cast<std::uint8_t>(stack_.back().checks | kind->checks);
  if (!opts_.allow_includes) {
    diags_.error(v.loc(0), "include is disabled here");
    return true;
  }
  std::string pattern(p);
  if (pattern.empty() || pattern[0] != '/') pattern = stack_.back().pwd + "/" + pattern;
  lex::IncludeResult r = lex::resolve_include(pattern);
  for (const auto& prob : r.problems) {
    if (checks & prob.check) {
      diags_.error(at, fmt::format("{}: {}; fix the path, or use plain 'include' if the file "
                                            "is optional",
                                            kind->word, prob.message));
    } else if (prob.check == kIncludeMatch || prob.check == kIncludeReadable) {
      diags_.warning(at, fmt::format("{}: {}", kind->word, prob.message));
    }
  }
  for (const auto& f : r.files) {
    if (stopped_) break;
    read_file(f, at, stack_.back().checks);  // the variant's extra checks are for this line only
  }
  return true;
}

// `include_check` in global_defs changes the checks for the rest of the current file
// (keepalived saves the setting per file).
void Preprocessor::note_include_check(std::span<const Token> line) {
  if (line[0].quoted || line[0].text != "include_check") return;
  std::uint8_t& c = stack_.back().checks;
  if (line.size() == 1) {
    c = kIncludeAll;
    return;
  }
  for (std::size_t i = 1; i < line.size(); ++i) {
    std::string_view w = line[i].text;
    bool remove = false;
    if (w.starts_with('+')) {
      w.remove_prefix(1);
    } else if (w.starts_with('-')) {
      remove = true;
      w.remove_prefix(1);
    }
    std::uint8_t bit = w == "readable" ? kIncludeReadable
                     : w == "match" ? kIncludeMatch
                     : w == "wildcard_match" ? kIncludeWildcard
                     : w == "brace_match" ? kIncludeBrace
                     : 0;
    if (!bit) continue;  // the parser reports unknown words
    if (remove) c = static_cast<std::uint8_t>(c & ~bit);
    else c = static_cast<std::uint8_t>(c | bit);
  }
}

}  // namespace vigil::config::detail
