// address_line.cc — one line of virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress
// (reference §3.7):
//   IP[/PREFIX] [brd IP|+|-] [dev IF] [scope S] [label L] [peer IP[/P]] [home] [-nodad]
//   [mngtmpaddr] [noprefixroute] [autojoin] [no_track] [preferred_lft N|forever] [use_vmac]
//   [track_group G]   (track_group only for static addresses)
#include "config/keyword.h"

namespace vigil::config {

std::optional<AddressLine> parse_address_line(ParseCtx& ctx, std::span<const Token> words,
                                              bool is_static) {
  AddressLine a;
  a.loc = words[0].loc;
  auto ip = parse_ip_prefix(words[0].text);
  if (!ip) {
    ctx.error(words[0], fmt::format("invalid address '{}': {}; write 'ADDRESS[/PREFIX] [dev IF] "
                                    "…'", words[0].text, ip.error()));
    return std::nullopt;
  }
  a.addr = ip->addr;
  a.prefix = ip->prefix;
  bool v6 = !a.addr.is_v4();
  auto value = [&](std::size_t& i) -> const Token* {
    if (i + 1 >= words.size()) {
      ctx.error(words[i], fmt::format("'{}' needs a value", words[i].text));
      return nullptr;
    }
    return &words[++i];
  };
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string_view w = words[i].text;
    if (w == "brd" || w == "broadcast") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      if (v->text == "+") {
        a.brd_mode = BrdMode::all_ones;
      } else if (v->text == "-") {
        a.brd_mode = BrdMode::all_zeros;
      } else if (auto b = vrrp::IpAddress::parse(v->text); b && b->is_v4() && !v6) {
        a.brd_mode = BrdMode::address;
        a.brd = *b;
      } else {
        ctx.error(*v, fmt::format("invalid broadcast '{}': write an IPv4 address, '+' or '-'",
                                  v->text));
        return std::nullopt;
      }
    } else if (w == "dev") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      a.dev = v->text;
    } else if (w == "scope") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      auto sc = parse_scope(v->text);
      if (!sc) {
        ctx.error(*v, fmt::format("unknown scope '{}': write global, site, link, host or nowhere",
                                  v->text));
        return std::nullopt;
      }
      a.scope = *sc;
    } else if (w == "label") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      if (v6) {
        // keepalived ignores labels on IPv6 addresses without a word.
      } else if (v->text.size() > 15) {
        ctx.error(*v, fmt::format("label '{}' is longer than 15 characters", v->text));
        return std::nullopt;
      } else {
        a.label = v->text;
      }
    } else if (w == "peer") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      auto p = parse_ip_prefix(v->text);
      if (!p || p->addr.is_v4() == v6) {
        ctx.error(*v, fmt::format("invalid peer '{}': write an address of the same family",
                                  v->text));
        return std::nullopt;
      }
      a.peer = p->addr;
      a.peer_prefix = p->prefix;
    } else if (w == "home") {
      a.home = true;
    } else if (w == "-nodad" || w == "nodad") {
      a.nodad = true;
    } else if (w == "mngtmpaddr") {
      a.mngtmpaddr = true;
    } else if (w == "noprefixroute") {
      a.noprefixroute = true;
    } else if (w == "autojoin") {
      a.autojoin = true;
    } else if (w == "no_track") {
      a.no_track = true;
    } else if (w == "use_vmac") {
      a.use_vmac = true;
    } else if (w == "preferred_lft") {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      if (v->text == "forever") {
        a.preferred_lft = 0xFFFFFFFFu;
      } else if (auto n = parse_uint(v->text, 0, 0xFFFFFFFEu)) {
        a.preferred_lft = static_cast<std::uint32_t>(*n);
      } else {
        ctx.error(*v, "invalid preferred_lft: " + n.error() + " (or 'forever')");
        return std::nullopt;
      }
    } else if (w == "track_group" && is_static) {
      const Token* v = value(i);
      if (!v) return std::nullopt;
      a.track_group = v->text;
    } else {
      ctx.error(words[i], fmt::format("unknown address option '{}' for {}: expected brd, dev, "
                                      "scope, label, peer, home, -nodad, mngtmpaddr, "
                                      "noprefixroute, autojoin, no_track, preferred_lft, "
                                      "use_vmac{}", w, words[0].text,
                                      is_static ? ", track_group" : ""));
      return std::nullopt;
    }
  }
  return a;
}

}  // namespace vigil::config
