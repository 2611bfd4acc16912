// route_line.cc — one line of virtual_routes / static_routes, in `ip route` syntax (reference §3.7):
//   [TYPE] [src IP] [to] DEST[/P]|default|default6|any|all [via|gw [inet6] IP [or IP]] [dev IF]
//   [scope S] [table T] [metric|priority|preference N] [protocol P] [tos|dsfield N]
//   [nexthop via IP dev IF weight N onlink]… [onlink] [no_track] [track_group G] [inet6]
//   plus the route attributes (mtu [lock] N, advmss, rtt, cwnd, features ecn, pref…), kept as
//   written.
#include <array>

#include "config/keyword.h"

namespace vigil::config {

std::optional<Scope> parse_scope(std::string_view w) {
  if (w == "global" || w == "universe" || w == "0") return Scope::global;
  if (w == "site" || w == "200") return Scope::site;
  if (w == "link" || w == "253") return Scope::link;
  if (w == "host" || w == "254") return Scope::host;
  if (w == "nowhere" || w == "255") return Scope::nowhere;
  return std::nullopt;
}

namespace {

constexpr auto kRouteTypes = std::to_array<std::pair<std::string_view, RouteType>>({
    {"unicast", RouteType::unicast}, {"blackhole", RouteType::blackhole},
    {"unreachable", RouteType::unreachable}, {"prohibit", RouteType::prohibit},
    {"throw", RouteType::throw_}, {"local", RouteType::local},
    {"broadcast", RouteType::broadcast}, {"anycast", RouteType::anycast},
    {"multicast", RouteType::multicast}, {"nat", RouteType::nat},
});

// Attributes with one value (optionally preceded by `lock` for metrics), kept verbatim.
constexpr auto kRouteAttrs = std::to_array<std::string_view>({
    "mtu", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh", "rto_min",
    "initcwnd", "initrwnd", "hoplimit", "quickack", "congctl", "fastopen_no_cookie", "pref",
    "expires", "ttl-propagate", "vrf", "realms", "features",
});

bool is_attr(std::string_view w) {
  return std::find(kRouteAttrs.begin(), kRouteAttrs.end(), w) != kRouteAttrs.end();
}

}  // namespace

// Route table: a number or one of the names every iproute2 knows.
std::optional<std::uint32_t> parse_table(std::string_view w) {
  if (w == "main") return 254;
  if (w == "local") return 255;
  if (w == "default") return 253;
  if (w == "unspec") return 0;
  if (auto n = parse_uint(w, 0, 0xFFFFFFFFu)) return static_cast<std::uint32_t>(*n);
  return std::nullopt;
}

std::optional<RouteLine> parse_route_line(ParseCtx& ctx, std::span<const Token> words,
                                          bool is_static) {
  RouteLine r;
  r.loc = words[0].loc;
  bool have_dst = false;
  auto fail = [&](const Token& t, std::string msg) {
    ctx.error(t, std::move(msg));
    return std::nullopt;
  };
  auto value = [&](std::size_t& i) -> const Token* {
    if (i + 1 >= words.size()) {
      ctx.error(words[i], fmt::format("route option '{}' needs a value", words[i].text));
      return nullptr;
    }
    return &words[++i];
  };
  auto number = [&](std::size_t& i, std::optional<std::uint32_t>& out) {
    const Token* v = value(i);
    if (!v) return false;
    auto n = parse_uint(v->text, 0, 0xFFFFFFFFu);
    if (!n) {
      ctx.error(*v, fmt::format("invalid route {}: {}", words[i - 1].text, n.error()));
      return false;
    }
    out = static_cast<std::uint32_t>(*n);
    return true;
  };
  auto address = [&](const Token& t) -> std::optional<IpAddress> {
    auto a = parse_ip(t.text);
    if (!a) ctx.error(t, fmt::format("invalid route address: {}", a.error()));
    return a ? std::optional<IpAddress>(*a) : std::nullopt;
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view w = words[i].text;
    auto type = std::find_if(kRouteTypes.begin(), kRouteTypes.end(),
                             [&](const auto& t) { return t.first == w; });
    if (type != kRouteTypes.end() && !have_dst) {
      r.type = type->second;
    } else if (w == "src") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      r.src = address(*v);
      if (!r.src) return std::nullopt;
    } else if (w == "via" || w == "gw") {
      if (w == "gw")
        ctx.error(words[i], "\"gw\" for routes is deprecated: write \"via\"");
      const Token* v = value(i);
      if (!v) return std::nullopt;
      if (v->text == "inet6" || v->text == "inet") {
        v = value(i);
        if (!v) return std::nullopt;
      }
      r.via = address(*v);
      if (!r.via) return std::nullopt;
    } else if (w == "or") {
      ctx.error(words[i], "\"or\" for routes is deprecated: write \"nexthop via A nexthop via B\"");
      const Token* v = value(i);
      if (!v) return std::nullopt;
      r.or_via = address(*v);
      if (!r.or_via) return std::nullopt;
    } else if (w == "dev" || w == "oif") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      r.dev = v->text;
    } else if (w == "scope") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      r.scope = parse_scope(v->text);
      if (!r.scope) return fail(*v, fmt::format("unknown scope '{}'", v->text));
    } else if (w == "table" || w == "lookup") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      r.table = parse_table(v->text);
      if (!r.table) r.attrs.emplace_back("table", v->text);  // a name from rt_tables
    } else if (w == "metric" || w == "priority" || w == "preference") {
      if (!number(i, r.metric)) return std::nullopt;
    } else if (w == "protocol" || w == "proto") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      if (auto n = parse_uint(v->text, 0, 255)) {
        r.protocol = static_cast<std::uint32_t>(*n);
      } else {
        r.attrs.emplace_back("protocol", v->text);  // a name from rt_protos
      }
    } else if (w == "tos" || w == "dsfield") {
      if (!number(i, r.tos)) return std::nullopt;
    } else if (w == "onlink") {
      if (r.nexthops.empty()) r.onlink = true; else r.nexthops.back().onlink = true;
    } else if (w == "nexthop") {
      r.nexthops.emplace_back();
    } else if (w == "weight" && !r.nexthops.empty()) {
      if (!number(i, r.nexthops.back().weight)) return std::nullopt;
    } else if (w == "no_track") {
      r.no_track = true;
    } else if (w == "inet6") {
      r.inet6 = true;
    } else if (w == "track_group" && is_static) {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      r.track_group = v->text;
    } else if (w == "encap") {
      std::string rest;
      while (i + 1 < words.size()) (rest += (rest.empty() ? "" : " ")) += words[++i].text;
      r.attrs.emplace_back("encap", rest);
    } else if (is_attr(w)) {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      std::string val(v->text);
      if (val == "lock") {
        v = value(i);
        if (!v) return std::nullopt;
        val = fmt::format("lock {}", v->text);
      }
      r.attrs.emplace_back(w, val);
    } else if (!have_dst && (w == "to" || w == "default" || w == "default6" || w == "any" ||
                             w == "all" || vrrp::IpAddress::parse(w.substr(0, w.find('/'))))) {
      std::string d(w);
      if (w == "to") {
        const Token* v = value(i);
        if (!v) return std::nullopt;
        d = v->text;
      }
      have_dst = true;
      if (d == "default" || d == "any" || d == "all" || d == "default6") {
        r.dst_default = true;
        if (d == "default6") r.inet6 = true;
        continue;
      }
      auto p = parse_ip_prefix(d);
      if (!p) return fail(words[i], fmt::format("invalid route destination: {}", p.error()));
      r.dst = p->addr;
      r.dst_prefix = p->prefix;
    } else if (!r.nexthops.empty() && (w == "via" || w == "dev")) {
      // handled above
    } else {
      return fail(words[i], fmt::format("unknown route option '{}': see `ip route help` for the "
                                        "syntax keepalived accepts", w));
    }
    // `nexthop via X dev Y`: route via/dev after `nexthop` belong to the nexthop.
    if (!r.nexthops.empty() && (w == "via" || w == "gw") && r.via) {
      r.nexthops.back().via = r.via;
      r.via.reset();
    }
    if (!r.nexthops.empty() && (w == "dev" || w == "oif") && !r.dev.empty()) {
      r.nexthops.back().dev = r.dev;
      r.dev.clear();
    }
  }
  if (!have_dst) {
    ctx.error(words[0], "route has no destination: write 'DEST[/PREFIX] via GATEWAY [dev IF]' "
                        "(or 'default via …')");
    return std::nullopt;
  }
  return r;
}

}  // namespace vigil::config
