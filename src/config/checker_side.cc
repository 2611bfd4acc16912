#include "config/checker_side.h"

namespace vigil::config {

namespace {

// `keyword N` with N in [lo, hi], as keepalived reads it (its messages: "number '0' outside
// range [1, 2678400]" / "invalid number 'x'", then "<keyword> invalid").
void check_range(ParseCtx& ctx, const Stmt& s, std::uint64_t lo, std::uint64_t hi,
                 std::string_view advice) {
  if (s.nargs() == 0) return;  // keepalived ignores the bare keyword
  auto n = parse_uint(s.arg(0), lo, hi);
  if (!n)
    ctx.error(s.arg_token(0), fmt::format("{} {}: must be a number in [{}, {}]{} (keepalived "
                                          "counts this as a configuration error)",
                                          s.keyword().text, s.arg(0), lo, hi, advice));
}

void check_lb_kind(ParseCtx& ctx, const Stmt& s) {
  if (s.nargs() == 0) return;
  const std::string_view m = s.arg(0);
  if (m == "NAT" || m == "DR" || m == "TUN") return;
  ctx.error(s.arg_token(0), fmt::format("unknown routing method '{}' for {}: write NAT, DR or TUN "
                                        "(upper case)", m, s.keyword().text));
}

std::string joined_args(const Stmt& s) {
  std::string out;
  for (std::size_t i = 0; i < s.nargs(); ++i) {
    if (i) out += ' ';
    out += s.arg(i);
  }
  return out;
}

// Walks one checker-side body. `user` is the MISC_CHECK's `user` (it applies to its misc_path).
void walk(ParseCtx& ctx, std::span<const Stmt> body, Config& c) {
  for (const Stmt& s : body) {
    const Token& kw = s.keyword();
    if (kw.quoted) continue;
    const std::string_view k = kw.text;
    if (k == "persistence_timeout") {
      check_range(ctx, s, 1, 2678400, "; leave it out for no persistence");
    } else if (k == "quorum") {
      check_range(ctx, s, 1, 4294967295u, "");
    } else if (k == "lb_kind" || k == "lvs_method") {
      check_lb_kind(ctx, s);
    } else if (k == "quorum_up" || k == "quorum_down" || k == "notify_up" ||
               k == "notify_down") {
      if (s.nargs() > 0) c.checker_scripts.push_back({joined_args(s), {}, {}, s.loc()});
    } else if (k == "MISC_CHECK" && s.has_block) {
      std::string user;
      for (const Stmt& m : s.block)
        if (!m.keyword().quoted && m.keyword().text == "user" && m.nargs() > 0)
          user = std::string(m.arg(0));
      for (const Stmt& m : s.block)
        if (!m.keyword().quoted && m.keyword().text == "misc_path" && m.nargs() > 0)
          c.checker_scripts.push_back({joined_args(m), user, {}, m.loc()});
      continue;
    }
    if (s.has_block) walk(ctx, s.block, c);
  }
}

}  // namespace

void report_checker_side_once(ParseCtx& ctx, const Stmt& s) {
  if (!ctx.first_time("checker side")) return;
  ctx.warning(s.keyword(),
              fmt::format("'{}' belongs to keepalived's checker/LVS/BFD side, which vigil does not "
                          "run: it and every other checker-side block or setting in this "
                          "configuration are ignored (reported once, here at the first)",
                          s.keyword().text));
}

namespace {

bool has_keyword(const Stmt& s, std::initializer_list<std::string_view> names) {
  for (const Stmt& k : s.block)
    for (std::string_view n : names)
      if (!k.keyword().quoted && k.keyword().text == n) return true;
  return false;
}

// What keepalived's checker reports (as config errors) about a virtual_server as a whole. A
// virtual_server without real servers is dropped, with its scripts: returns false then.
bool check_virtual_server(ParseCtx& ctx, const Stmt& s) {
  const std::string where = fmt::format("virtual_server {}", s.nargs() ? s.arg(0) : "");
  if (!has_keyword(s, {"real_server"})) {
    ctx.error(s.keyword(), fmt::format("{} has no real servers - ignoring (keepalived counts this "
                                       "as a configuration error): add 'real_server IP PORT {{ … "
                                       "}}'", where));
    return false;
  }
  if (s.arg(0) != "fwmark" && !has_keyword(s, {"protocol"}))  // a fwmark service has none
    ctx.error(s.keyword(), fmt::format("{}: no protocol set - keepalived defaults to UDP and "
                                       "counts a configuration error: add 'protocol TCP|UDP'",
                                       where));
  if (!has_keyword(s, {"lb_algo", "lvs_sched"}))
    ctx.error(s.keyword(), fmt::format("{}: no scheduler set - keepalived uses 'wlc' and counts a "
                                       "configuration error: add 'lvs_sched rr|wlc|…'", where));
  if (!has_keyword(s, {"lb_kind", "lvs_method"}))
    ctx.error(s.keyword(), fmt::format("{}: no forwarding method set - keepalived uses NAT and "
                                       "counts a configuration error: add 'lvs_method "
                                       "NAT|DR|TUN'", where));
  return true;
}

}  // namespace

void parse_checker_block(ParseCtx& ctx, const Stmt& s, Config& c) {
  report_checker_side_once(ctx, s);
  // `virtual_server IP PORT`, `virtual_server fwmark N`, `virtual_server group NAME`,
  // `real_server IP PORT`, `bfd_instance NAME`…: keepalived stops at a missing first value.
  const std::string_view k = s.keyword().text;
  if (s.nargs() == 0 && k != "SSL")
    ctx.need_args(s, 1, k == "virtual_server" ? "IP PORT { … }" : "NAME { … }");
  c.unsupported_blocks.push_back(raw(s));
  if (!s.has_block) return;
  if (k == "virtual_server" && s.nargs() > 0 && !check_virtual_server(ctx, s)) {
    Config ignored;  // its values are still checked; its scripts never run
    walk(ctx, s.block, ignored);
    return;
  }
  walk(ctx, s.block, c);
}

}  // namespace vigil::config
