// config/keyword.h — the declarative keyword tables and the walker that applies them.
//
// Like keepalived's parser, each block kind has a table: keyword → handler, and whether the
// keyword takes a block. The walker looks each statement up in the table for its block; an
// unknown keyword is reported with file:line:col ("Unknown keyword"), its block (if any) is
// skipped, and the walk goes on. It is a warning — keepalived 2.2.7 logs it and runs, and so does
// vigild — but one that keepalived's -t counts as a config error (exit 5, checked with the real
// binary), so `vigild -t` gives the same verdict (DiagKind::counted_warning). Handlers parse
// their words into the model and report bad values.
//
// Most rows use the generic handlers below (flag / number / seconds / string / address), so a
// table reads as a list of `{"keyword", handler, shape}` rows; anything with its own syntax has a
// named handler beside the table (keywords_*.cc).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "config/model.h"
#include "config/tree.h"
#include "config/values.h"

namespace vigil::config {

class ParseCtx {
 public:
  ParseCtx(Config& c, Diagnostics& d) : cfg(c), diags(d) {}
  Config& cfg;
  Diagnostics& diags;

  void warning(const Token& at, std::string msg) { diags.warning(at.loc, std::move(msg)); }
  void error(const Token& at, std::string msg) { diags.error(at.loc, std::move(msg)); }
  void fatal(const Token& at, std::string msg) { diags.fatal(at.loc, std::move(msg)); }

  // At least `n` arguments, else an error showing the usage `keyword <usage>`. For most
  // keywords keepalived 2.2.7 stops reading the file at a missing value ("missing a parameter",
  // -t exit 2); `soft` is for those where it only reports a config error and goes on (exit 5):
  // checked one by one against keepalived -t (keepalived_diff_test, RuleSnippetsAgree).
  bool need_args(const Stmt& s, std::size_t n, std::string_view usage, bool soft = false) {
    if (s.nargs() >= n) return true;
    std::string msg = fmt::format("'{}' is missing a value: write '{} {}'", s.keyword().text,
                                  s.keyword().text, usage);
    if (soft) diags.error(s.keyword().loc, std::move(msg));
    else diags.missing_parameter(s.keyword().loc, std::move(msg));
    return false;
  }
  // Reports a value that did not parse; the setting keeps its default.
  void bad_value(const Stmt& s, std::size_t arg, const std::string& why) {
    error(s.arg_token(arg), fmt::format("invalid {} value: {}", s.keyword().text, why));
  }
  // True the first time `what` is seen (for "reported once" warnings).
  bool first_time(std::string_view what) { return once_.emplace(what).second; }

 private:
  std::set<std::string, std::less<>> once_;
};

template <class Obj>
using Handler = void (*)(ParseCtx&, const Stmt&, Obj&);

enum class Shape : std::uint8_t {
  line,   // `keyword args…`
  block,  // `keyword args… { … }` (block required)
  any,    // either (e.g. track_script NAME, or a one-line list)
};

template <class Obj>
struct Keyword {
  std::string_view name;
  Handler<Obj> fn;
  Shape shape = Shape::line;
};

template <class Obj>
const Keyword<Obj>* find_keyword(std::span<const Keyword<Obj>> table, std::string_view name) {
  for (const auto& k : table)
    if (k.name == name) return &k;
  return nullptr;
}

// Applies `table` to each statement of `body`.
template <class Obj>
void walk_block(ParseCtx& ctx, std::span<const Stmt> body, std::span<const Keyword<Obj>> table,
                Obj& obj, std::string_view where) {
  for (const Stmt& s : body) {
    const Token& kw = s.keyword();
    const Keyword<Obj>* k = kw.quoted ? nullptr : find_keyword(table, kw.text);
    if (!k) {
      // keepalived 2.2.7 logs it and carries on (a running daemon too), but its -t counts it
      // as a config error (exit 5): a counted warning.
      ctx.diags.counted_warning(kw.loc, fmt::format("Unknown keyword '{}' in {}{}: ignored",
                                                    kw.text, where,
                                                    s.has_block ? " (its block is skipped)" : ""));
      continue;
    }
    if (k->shape == Shape::block && !s.has_block) {
      ctx.error(kw, fmt::format("'{}' needs a block: write '{} {{ … }}'", kw.text, kw.text));
      continue;
    }
    if (k->shape == Shape::line && s.has_block) {
      ctx.error(kw, fmt::format("'{}' does not take a block: remove the '{{ … }}' after it",
                                kw.text));
      // keepalived sees the keyword alone on its line (the braces are tokens of their own):
      // let the handler report a missing value as keepalived does.
      if (s.nargs() == 0) k->fn(ctx, Stmt{s.words, false, {}}, obj);
      continue;
    }
    k->fn(ctx, s, obj);
  }
}

// ------------------------------------------------------------------ generic handlers

template <class>
struct member_of;
template <class C, class T>
struct member_of<Field<T> C::*> {
  using object = C;
  using value = T;
};
template <auto M>
using object_of = typename member_of<decltype(M)>::object;

// `keyword [BOOL]` — omitted means true.
template <auto M>
void kw_flag(ParseCtx& ctx, const Stmt& s, object_of<M>& o) {
  bool v = true;
  if (s.nargs() >= 1) {
    auto b = parse_bool(s.arg(0));
    if (!b) return ctx.bad_value(s, 0, b.error());
    v = *b;
  }
  (o.*M).set(v, s.loc());
}

// `keyword` — sets the flag to a fixed value (e.g. `preempt` clears nopreempt).
template <auto M, bool V>
void kw_const(ParseCtx&, const Stmt& s, object_of<M>& o) {
  (o.*M).set(V, s.loc());
}

template <auto M, std::int64_t Lo, std::int64_t Hi>
void kw_int(ParseCtx& ctx, const Stmt& s, object_of<M>& o) {
  if (!ctx.need_args(s, 1, "NUMBER")) return;
  auto v = parse_int(s.arg(0), Lo, Hi);
  if (!v) return ctx.bad_value(s, 0, v.error());
  using T = typename member_of<decltype(M)>::value;
  (o.*M).set(static_cast<T>(*v), s.loc());
}

// Seconds with microsecond resolution, in [LoUs, HiUs] microseconds.
template <auto M, std::int64_t LoUs, std::int64_t HiUs>
void kw_secs(ParseCtx& ctx, const Stmt& s, object_of<M>& o) {
  if (!ctx.need_args(s, 1, "SECONDS")) return;
  auto v = parse_seconds(s.arg(0), Duration{LoUs}, Duration{HiUs});
  if (!v) return ctx.bad_value(s, 0, v.error());
  (o.*M).set(*v, s.loc());
}

template <auto M>
void kw_string(ParseCtx& ctx, const Stmt& s, object_of<M>& o) {
  if (!ctx.need_args(s, 1, "VALUE", /*soft=*/true)) return;  // router_id & co: keepalived goes on
  (o.*M).set(std::string(s.arg(0)), s.loc());
}

template <auto M>
void kw_ip(ParseCtx& ctx, const Stmt& s, object_of<M>& o) {
  if (!ctx.need_args(s, 1, "ADDRESS")) return;
  auto v = parse_ip(s.arg(0));
  if (!v) return ctx.bad_value(s, 0, v.error());
  (o.*M).set(*v, s.loc());
}

// All words after the keyword.
template <auto M>
void kw_words(ParseCtx&, const Stmt& s, object_of<M>& o) {
  std::vector<std::string> w;
  for (std::size_t i = 0; i < s.nargs(); ++i) w.emplace_back(s.arg(i));
  (o.*M).set(std::move(w), s.loc());
}

inline RawStatement raw(const Stmt& s) {
  RawStatement r;
  for (const auto& w : s.words) r.words.emplace_back(w.text);
  r.block = s.has_block;
  r.loc = s.loc();
  return r;
}

// Accepted and kept, but vigil does not act on it: warn once per keyword.
template <class Obj>
void kw_not_implemented(ParseCtx& ctx, const Stmt& s, Obj& o) {
  if (ctx.first_time(s.keyword().text))
    ctx.warning(s.keyword(), fmt::format("'{}' is not implemented by vigil: ignored",
                                         s.keyword().text));
  o.ignored.push_back(raw(s));
}

// Accepted and kept without comment (no effect on VRRP: e-mail, LVS tuning, process names…).
template <class Obj>
void kw_accept(ParseCtx&, const Stmt& s, Obj& o) {
  o.ignored.push_back(raw(s));
}

// Deprecated keyword with no effect: a config error (as keepalived), parsing goes on.
template <class Obj>
void kw_deprecated(ParseCtx& ctx, const Stmt& s, Obj& o) {
  ctx.error(s.keyword(), fmt::format("'{}' is deprecated and has no effect: remove it",
                                       s.keyword().text));
  o.ignored.push_back(raw(s));
}

// `CMD|"CMD args" [user [:][group]]`
std::optional<Command> parse_command(ParseCtx& ctx, const Stmt& s, std::size_t first_arg = 0);

// Parsers for the list blocks shared by instances and sync groups.
void parse_track_list(ParseCtx& ctx, const Stmt& s, std::vector<TrackRef>& out, int wmin, int wmax,
                      bool allow_noreverse);

// Line parsers (address_line.cc, route_line.cc, rule_line.cc). `words` starts at the first
// word of the line. On error they report and return nullopt.
std::optional<AddressLine> parse_address_line(ParseCtx& ctx, std::span<const Token> words,
                                              bool is_static);
std::optional<RouteLine> parse_route_line(ParseCtx& ctx, std::span<const Token> words,
                                          bool is_static);
std::optional<RuleLine> parse_rule_line(ParseCtx& ctx, std::span<const Token> words,
                                        bool is_static);

// `scope` names shared by address and route lines (route_line.cc).
std::optional<Scope> parse_scope(std::string_view w);
// Route table number or main/local/default/unspec (route_line.cc).
std::optional<std::uint32_t> parse_table(std::string_view w);

// Tables (one per block kind) and the top-level entry used by the parser.
void parse_global_defs(ParseCtx& ctx, const Stmt& s, Config& cfg);
void parse_vrrp_instance(ParseCtx& ctx, const Stmt& s, Config& cfg);
void parse_vrrp_script(ParseCtx& ctx, const Stmt& s, Config& cfg);
void parse_track_file(ParseCtx& ctx, const Stmt& s, Config& cfg);
void parse_track_process(ParseCtx& ctx, const Stmt& s, Config& cfg);
void parse_sync_group(ParseCtx& ctx, const Stmt& s, Config& cfg);
void parse_garp_group(ParseCtx& ctx, const Stmt& s, Config& cfg);
// One top-level statement (parser.cc); global_defs forwards the top-level keywords it accepts.
void parse_top_statement(ParseCtx& ctx, const Stmt& s);

}  // namespace vigil::config
