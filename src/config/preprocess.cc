// config/preprocess.cc — the line pipeline, in keepalived's order (reference §3.1):
//
//   file line ──► multi-line definition in progress? ──► append, done
//      │ strip comment / white space; empty → done
//      │ `include…` (only on lines read from a file: detection comes before conditionals and
//      │            substitution, keepalived.conf(5)) → substitute the pattern, read the files
//      ▼
//   process_line(text, depth):
//      `@ID` / `@^ID`  → drop the line, or drop the prefix and go on
//      `$NAME=value`   → define (trailing `\` starts a multi-line definition), done
//      `~SEQ`/`~LST`   → process_line(rest, depth+1) once per value, done
//      substitution    → if anything was replaced, process_line(each result line, depth+1), done
//      otherwise       → tokens → output
//
// Substituted text goes round again, so a value may hold `@ID` or a definition; a `#` made by
// substitution (${_HASH}) comments out the rest of the line; the lines of a multi-line definition
// go round one by one (define_table.h). Runaway input is cut off: depth > kMaxDepth, a
// definition that uses itself, a line longer than kMaxLineBytes, or more than opts.max_lines
// processed lines (a fatal diagnostic; what was read so far is returned).
#include "config/preprocess.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <iterator>
#include <random>
#include <utility>

#include <fmt/format.h>

#include "config/define_predefined.h"
#include "config/define_table.h"
#include "config/include_glob.h"
#include "config/lex_line.h"
#include "config/seq_expand.h"

namespace vigil::config {

namespace {

using lex::LineView;
using lex::OwnedLine;

constexpr unsigned kMaxDepth = 64;
using lex::kMaxLineBytes;

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

class Preprocessor {
 public:
  Preprocessor(const PreprocessOptions& opts, SourceFiles& files, Diagnostics& diags,
               const LineSink& sink)
      : opts_(opts), files_(files), diags_(diags), sink_(sink),
        rng_(opts.random_seed ? opts.random_seed : 1) {
    config_id_ = opts.config_id.empty() ? default_config_id() : opts.config_id;
    instance_ = opts.instance_name.empty() ? config_id_ : opts.instance_name;
  }

  // Reads a file; `from` is the include line (or no location for the main file).
  void read_file(const std::string& path, SourceLoc from, std::uint8_t checks);
  void read_text(std::string_view text, const std::string& name, std::uint8_t checks);

 private:
  struct Frame {
    std::string pwd;        // ${_PWD}: absolute directory of the file
    std::string identity;   // for loop detection
    std::uint8_t checks;    // include_check in force while reading this file
    std::string_view bytes; // the file's text (owned by files_): tokens may point into it
  };

  void run(std::string_view text, FileName name);
  void file_line(LineView v);
  void process_line(LineView v, unsigned depth);
  void substitute_line(LineView v, unsigned depth);  // `$NAME` substitution, then process_line
  void emit(LineView v);                             // tokens → sink
  bool include_line(LineView v);
  // `continues`: the file line ends with `\` (a multi-line definition starts).
  void define(LineView v, std::size_t name_len, std::string_view value, bool continues);
  void repeat(LineView v, unsigned depth);
  bool count_line(SourceLoc loc);
  const lex::Definition* lookup(std::string_view name, std::string_view args);
  void note_include_check(std::span<const Token> line);

  const PreprocessOptions& opts_;
  SourceFiles& files_;
  Diagnostics& diags_;
  const LineSink& sink_;
  std::string config_id_;
  std::string instance_;
  std::mt19937 rng_;
  lex::DefineTable defs_;
  std::vector<Frame> stack_;
  std::size_t processed_ = 0;
  bool stopped_ = false;
  // multi-line definition being read
  bool in_multiline_ = false;
  bool raw_continues_ = false;  // the file line being processed ends with `\`
  std::string multiline_name_;
  std::vector<std::string> multiline_lines_;
  lex::Definition scratch_value_;  // storage for computed ${_RANDOM} etc.
  std::vector<Token> scratch_tokens_;
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

bool Preprocessor::count_line(SourceLoc loc) {
  if (stopped_) return false;
  if (++processed_ > opts_.max_lines) {
    stopped_ = true;
    diags_.fatal(loc, fmt::format("more than {} configuration lines after expansion; check ~SEQ "
                                  "ranges and definitions that use themselves",
                                  opts_.max_lines));
    return false;
  }
  return true;
}

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

void Preprocessor::process_line(LineView v, unsigned depth) {
  if (stopped_) return;
  if (depth > kMaxDepth) {
    diags_.error(v.loc(0), fmt::format("substitution nested deeper than {} levels: a definition "
                                       "probably uses itself",
                                       kMaxDepth));
    return;
  }
  if (v.text.size() > kMaxLineBytes) {
    diags_.error(v.loc(0), fmt::format("line longer than {} bytes after substitution: a definition "
                                       "probably uses itself",
                                       kMaxLineBytes));
    return;
  }
  const std::string_view t = v.text;
  if (t[0] == '@') {
    const bool negate = t.size() > 1 && t[1] == '^';
    const std::size_t id_at = negate ? 2 : 1;
    std::size_t e = id_at;
    while (e < t.size() && !lex::is_space(t[e])) ++e;
    const bool match = t.substr(id_at, e - id_at) == config_id_;
    if (match == negate) return;
    while (e < t.size() && lex::is_space(t[e])) ++e;
    if (e == t.size()) return;
    v = v.sub(e);
  }
  std::string_view value;
  if (const std::size_t n = lex::parse_definition(v.text, value)) {
    define(v, n, value, depth == 0 && raw_continues_);
    return;
  }
  OwnedLine joined;
  if (depth == 0 && v.text.back() == '\\') {
    // keepalived 2.2.7: `router_id abc \` (not a definition) sets "abc\": the white space
    // before a final backslash goes, and the next line is not joined.
    std::size_t end = v.text.size() - 1;
    while (end > 0 && lex::is_space(v.text[end - 1])) --end;
    if (end != v.text.size() - 1) {
      joined.file = v.file;
      joined.line = v.line;
      joined.append(v.sub(0, end));
      joined.append(v.sub(v.text.size() - 1));
      v = joined.view();
    }
  }
  if (lex::starts_repeat(v.text)) {
    repeat(v, depth);
    return;
  }
  if (v.text.find('$') != std::string_view::npos) substitute_line(v, depth);
  else emit(v);
}

void Preprocessor::substitute_line(LineView v, unsigned depth) {
  std::vector<OwnedLine> subst;
  const lex::Lookup look = [this](std::string_view n, std::string_view a) { return lookup(n, a); };
  const lex::SubstResult sr = lex::substitute(v, look, subst);
  if (sr == lex::SubstResult::runaway) {
    diags_.error(v.loc(0), "substitution does not end (a definition probably uses itself): check "
                           "the definitions used on this line");
    return;
  }
  if (sr == lex::SubstResult::replaced) {
    for (const OwnedLine& l : subst) {
      if (!count_line(v.loc(0))) return;
      // Comments are stripped again: `$X=${_HASH}` then `$X keyword` comments the line out, and
      // keepalived 2.2.7 turns `${EMPTY} $Y=${_HASH}` into the empty definition `$Y=`.
      LineView s = lex::strip(l.view());
      if (!s.text.empty()) process_line(s, depth + 1);
    }
    return;
  }
  emit(v);
}

void Preprocessor::emit(LineView v) {
  // Text read straight from the file is kept by files_ already: tokens are views into it. Text
  // made here (substitution, a joined line) is copied into files_ with the tokens.
  const std::string_view bytes = stack_.back().bytes;
  const auto at = reinterpret_cast<std::uintptr_t>(v.text.data());
  const auto lo = reinterpret_cast<std::uintptr_t>(bytes.data());
  const bool in_file = at >= lo && at + v.text.size() <= lo + bytes.size();
  scratch_tokens_.clear();
  lex::tokenize(v, scratch_tokens_, diags_, in_file ? nullptr : &files_);
  if (scratch_tokens_.empty()) return;
  note_include_check(scratch_tokens_);
  sink_(scratch_tokens_);
}

void Preprocessor::define(LineView v, std::size_t name_len, std::string_view value,
                          bool continues) {
  const std::string_view name = v.text.substr(1, name_len);
  if (continues) {
    std::string_view first = value;
    if (!first.empty() && first.back() == '\\') first.remove_suffix(1);
    while (!first.empty() && lex::is_space(first.back())) first.remove_suffix(1);
    in_multiline_ = true;
    multiline_name_ = std::string(name);
    multiline_lines_.clear();
    if (!first.empty()) multiline_lines_.emplace_back(first);
    return;
  }
  defs_.set(name, {std::string(value)});
}

void Preprocessor::repeat(LineView v, unsigned depth) {
  lex::Repeat rep;
  lex::RepeatError err;
  if (!lex::parse_repeat(v.text, rep, err)) {
    diags_.error(v.loc(err.pos), err.message);
    return;
  }
  const LineView body = v.sub(rep.body);
  if (body.text.empty()) {
    diags_.warning(v.loc(0), "nothing to repeat after ~SEQ/~LST(...): put the line to repeat after it");
    return;
  }
  std::vector<std::string> values;
  const std::uint64_t n = rep.count();
  for (std::uint64_t i = 0; i < n && !stopped_; ++i) {
    if (!count_line(v.loc(0))) return;
    rep.values(i, values);
    for (std::size_t k = 0; k < rep.vars.size(); ++k) defs_.set(rep.vars[k], {values[k]});
    process_line(body, depth + 1);
  }
}

const lex::Definition* Preprocessor::lookup(std::string_view name, std::string_view args) {
  if (name.starts_with('_')) {
    const lex::PredefinedContext ctx{stack_.back().pwd, instance_, &rng_, &opts_};
    scratch_value_.lines.resize(1);
    if (lex::expand_predefined(name, args, ctx, scratch_value_.lines[0])) return &scratch_value_;
  }
  if (!args.empty()) return nullptr;
  return defs_.find(name);
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

}  // namespace

std::string default_config_id() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return std::string();
  std::string id(buf);
  if (auto dot = id.find('.'); dot != std::string::npos) id.resize(dot);
  return id;
}

void preprocess_file(const std::filesystem::path& path, const PreprocessOptions& opts,
                     SourceFiles& files, Diagnostics& diags, const LineSink& sink) {
  Preprocessor p(opts, files, diags, sink);
  p.read_file(path.string(), SourceLoc{}, opts.include_check);
}

void preprocess_text(std::string_view text, std::string_view name, const PreprocessOptions& opts,
                     SourceFiles& files, Diagnostics& diags, const LineSink& sink) {
  Preprocessor p(opts, files, diags, sink);
  p.read_text(text, std::string(name), opts.include_check);
}

namespace {

LineSink collect_into(std::vector<Line>& out) {
  return [&out](std::span<const Token> tokens) {
    out.push_back(Line{std::vector<Token>(tokens.begin(), tokens.end())});
  };
}

}  // namespace

std::vector<Line> preprocess_file(const std::filesystem::path& path, const PreprocessOptions& opts,
                                  SourceFiles& files, Diagnostics& diags) {
  std::vector<Line> out;
  preprocess_file(path, opts, files, diags, collect_into(out));
  return out;
}

std::vector<Line> preprocess_text(std::string_view text, std::string_view name,
                                  const PreprocessOptions& opts, SourceFiles& files,
                                  Diagnostics& diags) {
  std::vector<Line> out;
  preprocess_text(text, name, opts, files, diags, collect_into(out));
  return out;
}

}  // namespace vigil::config
