// rule_line.cc — one line of virtual_rules / static_rules, in `ip rule` syntax (reference §3.7):
//   [not] [from P|all|default] [to P|all|default] [table|lookup T] [iif|dev IF] [oif IF]
//   [tos|dsfield N] [fwmark V[/M]] [preference|priority|order N] [realms R] [goto N]
//   [uidrange A-B] [l3mdev] [protocol P] [ipproto P] [sport N[-M]] [dport N[-M]]
//   [suppress_prefixlength N] [suppress_ifgroup N] [tunnel-id N] [type T] [no_track]
//   [track_group G] [inet6]
#include "config/keyword.h"

namespace vigil::config {

namespace {

std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_range(std::string_view s,
                                                                   std::uint32_t max) {
  auto dash = s.find('-');
  auto a = parse_uint(s.substr(0, dash), 0, max);
  if (!a) return std::nullopt;
  if (dash == std::string_view::npos) return std::pair{std::uint32_t(*a), std::uint32_t(*a)};
  auto b = parse_uint(s.substr(dash + 1), *a, max);
  if (!b) return std::nullopt;
  return std::pair{std::uint32_t(*a), std::uint32_t(*b)};
}

}  // namespace

std::optional<RuleLine> parse_rule_line(ParseCtx& ctx, std::span<const Token> words,
                                        bool is_static) {
  RuleLine r;
  r.loc = words[0].loc;
  auto value = [&](std::size_t& i) -> const Token* {
    if (i + 1 >= words.size()) {
      ctx.error(words[i], fmt::format("rule option '{}' needs a value", words[i].text));
      return nullptr;
    }
    return &words[++i];
  };
  auto number = [&](std::size_t& i, std::optional<std::uint32_t>& out, std::uint64_t max) {
    const Token* v = value(i);
    if (!v) return false;
    auto n = parse_uint(v->text, 0, max);
    if (!n) {
      ctx.error(*v, fmt::format("invalid rule {}: {}", words[i - 1].text, n.error()));
      return false;
    }
    out = static_cast<std::uint32_t>(*n);
    return true;
  };
  auto prefix = [&](const Token& t, std::optional<IpAddress>& addr, std::uint8_t& len,
                    bool& all) {
    if (t.text == "all" || t.text == "default" || t.text == "any") {
      all = true;
      return true;
    }
    auto p = parse_ip_prefix(t.text);
    if (!p) {
      ctx.error(t, fmt::format("invalid rule address '{}': {}", t.text, p.error()));
      return false;
    }
    addr = p->addr;
    len = p->prefix;
    return true;
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view w = words[i].text;
    const Token* v = nullptr;
    bool ok = true;
    if (w == "not") {
      r.not_ = true;
    } else if (w == "from") {
      ok = (v = value(i)) && prefix(*v, r.from, r.from_prefix, r.from_all);
    } else if (w == "to") {
      ok = (v = value(i)) && prefix(*v, r.to, r.to_prefix, r.to_all);
    } else if (w == "table" || w == "lookup") {
      if ((ok = (v = value(i)) != nullptr)) {
        r.table = parse_table(v->text);
        if (!r.table) {
          ctx.error(*v, fmt::format("unknown table '{}': use a number or main/local/default",
                                    v->text));
          ok = false;
        }
      }
    } else if (w == "iif" || w == "dev") {
      if ((ok = (v = value(i)) != nullptr)) r.iif = v->text;
    } else if (w == "oif") {
      if ((ok = (v = value(i)) != nullptr)) r.oif = v->text;
    } else if (w == "tos" || w == "dsfield") {
      ok = number(i, r.tos, 255);
    } else if (w == "fwmark") {
      if ((ok = (v = value(i)) != nullptr)) {
        std::string_view f = v->text;
        auto slash = f.find('/');
        auto mark = parse_uint(f.substr(0, slash), 0, 0xFFFFFFFFu);
        ok = mark.has_value();
        if (ok) r.fwmark = static_cast<std::uint32_t>(*mark);
        if (ok && slash != std::string_view::npos) {
          auto mask = parse_uint(f.substr(slash + 1), 0, 0xFFFFFFFFu);
          ok = mask.has_value();
          if (ok) r.fwmask = static_cast<std::uint32_t>(*mask);
        }
        if (!ok) ctx.error(*v, fmt::format("invalid fwmark '{}': write MARK[/MASK]", v->text));
      }
    } else if (w == "preference" || w == "priority" || w == "order" || w == "pref") {
      ok = number(i, r.preference, 0xFFFFFFFFu);
    } else if (w == "realms") {
      if ((ok = (v = value(i)) != nullptr)) {
        std::string_view rs = v->text;
        auto slash = rs.find('/');
        auto a = parse_uint(rs.substr(0, slash), 0, 0xFFFF);
        auto b = slash == std::string_view::npos ? a : parse_uint(rs.substr(slash + 1), 0, 0xFFFF);
        ok = a && b;
        if (ok) r.realms = static_cast<std::uint32_t>((*a << 16) | *b);
        else ctx.error(*v, fmt::format("invalid realms '{}': write FROM/TO numbers", v->text));
      }
    } else if (w == "goto") {
      ok = number(i, r.goto_, 0xFFFFFFFFu);
    } else if (w == "uidrange" || w == "sport" || w == "dport") {
      if ((ok = (v = value(i)) != nullptr)) {
        auto rg = parse_range(v->text, w == "uidrange" ? 0xFFFFFFFFu : 65535u);
        if (!rg) {
          ctx.error(*v, fmt::format("invalid {} '{}': write N or N-M", w, v->text));
          ok = false;
        } else {
          (w == "uidrange" ? r.uidrange : w == "sport" ? r.sport : r.dport) = rg;
        }
      }
    } else if (w == "l3mdev") {
      r.l3mdev = true;
    } else if (w == "protocol") {
      ok = number(i, r.protocol, 255);
    } else if (w == "ipproto") {
      ok = number(i, r.ipproto, 255);
    } else if (w == "suppress_prefixlength") {
      ok = number(i, r.suppress_prefixlength, 128);
    } else if (w == "suppress_ifgroup") {
      ok = number(i, r.suppress_ifgroup, 0xFFFFFFFFu);
    } else if (w == "tunnel-id") {
      if ((ok = (v = value(i)) != nullptr)) {
        auto n = parse_uint(v->text, 0, ~std::uint64_t{0});
        ok = n.has_value();
        if (ok) r.tunnel_id = *n;
        else ctx.error(*v, "invalid tunnel-id: " + n.error());
      }
    } else if (w == "type") {
      if ((ok = (v = value(i)) != nullptr)) r.type = v->text;
    } else if (w == "no_track") {
      r.no_track = true;
    } else if (w == "inet6") {
      r.inet6 = true;
    } else if (w == "track_group" && is_static) {
      if ((ok = (v = value(i)) != nullptr)) r.track_group = v->text;
    } else {
      ctx.error(words[i], fmt::format("unknown rule option '{}': see `ip rule help` for the "
                                      "syntax keepalived accepts", w));
      ok = false;
    }
    if (!ok) return std::nullopt;
  }
  return r;
}

}  // namespace vigil::config
