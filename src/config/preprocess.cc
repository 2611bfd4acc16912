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
//
// Reading files and `include…` lines: preprocess_read.cc; the shared state: preprocessor.h.
#include "config/preprocess.h"

#include <unistd.h>

#include <cstdio>
#include <iterator>
#include <random>
#include <utility>

#include <fmt/format.h>

#include "config/define_predefined.h"
#include "config/define_table.h"
#include "config/lex_line.h"
#include "config/preprocessor.h"
#include "config/seq_expand.h"

namespace vigil::config {

namespace detail {

constexpr unsigned kMaxDepth = 64;
using lex::kMaxLineBytes;

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

}  // namespace detail

using detail::Preprocessor;

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
