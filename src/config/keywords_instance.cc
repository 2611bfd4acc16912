// keywords_instance.cc — the `vrrp_instance NAME { … }` keyword table (reference §3.3).
//
// Handlers only record what the file says; defaults that depend on other settings (priority 255
// for state MASTER, version from the address family, strict-mode consequences…) are applied
// afterwards by the named rules in config/rules.cc, so the order of keywords never matters.
#include <array>

#include "config/keyword.h"

namespace vigil::config {

namespace {

using VI = VrrpInstance;
constexpr std::int64_t kSec = 1'000'000;
constexpr std::int64_t kMaxSecs = 0x7fffffffLL * kSec;  // GARP timers: no practical limit

void kw_state(ParseCtx& ctx, const Stmt& s, VI& vi) {
  if (!ctx.need_args(s, 1, "MASTER|BACKUP")) return;
  const std::string_view v = s.arg(0);
  if (v == "MASTER") return vi.state.set(InitialState::master, s.loc());
  if (v == "BACKUP") return vi.state.set(InitialState::backup, s.loc());
  ctx.error(s.arg_token(0), fmt::format("({}) unknown state '{}', defaulting to BACKUP: write "
                                        "'state MASTER' or 'state BACKUP' (upper case)",
                                        vi.name, v));
  vi.state.set(InitialState::backup, s.loc());
}

void kw_interface(ParseCtx& ctx, const Stmt& s, VI& vi) {
  if (!ctx.need_args(s, 1, "IFNAME")) return;
  const std::string_view name = s.arg(0);
  if (name.size() > 15)
    return ctx.bad_value(s, 0, fmt::format("interface name '{}' is longer than 15 characters",
                                           name));
  vi.interface.set(std::string(name), s.arg_token(0).loc);
}

void kw_vrid(ParseCtx& ctx, const Stmt& s, VI& vi) {
  if (!ctx.need_args(s, 1, "1..255")) return;
  auto v = parse_uint(s.arg(0), 1, 255);
  if (!v) return ctx.bad_value(s, 0, v.error() + " (a VRID is 1..255)");
  vi.virtual_router_id.set(Vrid{static_cast<std::uint8_t>(*v)}, s.arg_token(0).loc);
}

void kw_priority(ParseCtx& ctx, const Stmt& s, VI& vi) {
  if (!ctx.need_args(s, 1, "1..255")) return;
  auto v = parse_uint(s.arg(0), 1, 255);
  if (!v)
    return ctx.bad_value(s, 0, v.error() + "; priority must be 1..255 (255 = address owner), "
                                           "using the default 100");
  vi.priority.set(Priority{static_cast<std::uint8_t>(*v)}, s.arg_token(0).loc);
}

void kw_advert_int(ParseCtx& ctx, const Stmt& s, VI& vi) {
  if (!ctx.need_args(s, 1, "SECONDS")) return;
  auto v = parse_seconds(s.arg(0), Duration{10'000}, Duration{255 * kSec});
  if (!v) return ctx.bad_value(s, 0, v.error());
  vi.advert_int.set(*v, s.arg_token(0).loc);
}

void kw_version(ParseCtx& ctx, const Stmt& s, VI& vi) {
  if (!ctx.need_args(s, 1, "2|3")) return;
  auto v = parse_uint(s.arg(0), 2, 3);
  if (!v) return ctx.bad_value(s, 0, v.error() + " (VRRP version is 2 or 3)");
  vi.version.set(*v == 2 ? Version::v2 : Version::v3, s.arg_token(0).loc);
}

template <std::vector<AddressLine> VI::*M>
void kw_addresses(ParseCtx& ctx, const Stmt& s, VI& vi) {
  (vi.*M).reserve((vi.*M).size() + s.block.size());
  for (const Stmt& line : s.block) {
    if (line.has_block) {
      ctx.error(line.keyword(), "unexpected block inside an address list");
      continue;
    }
    if (auto a = parse_address_line(ctx, line.words, false)) (vi.*M).push_back(std::move(*a));
  }
}

void kw_routes(ParseCtx& ctx, const Stmt& s, VI& vi) {
  for (const Stmt& line : s.block)
    if (auto r = parse_route_line(ctx, line.words, false)) vi.virtual_routes.push_back(*r);
}

void kw_rules(ParseCtx& ctx, const Stmt& s, VI& vi) {
  for (const Stmt& line : s.block)
    if (auto r = parse_rule_line(ctx, line.words, false)) vi.virtual_rules.push_back(*r);
}

void kw_track_interface(ParseCtx& ctx, const Stmt& s, VI& vi) {
  parse_track_list(ctx, s, vi.track_interface, -254, 254, false);
}
void kw_track_script(ParseCtx& ctx, const Stmt& s, VI& vi) {
  parse_track_list(ctx, s, vi.track_script, -254, 254, true);
}
void kw_track_file(ParseCtx& ctx, const Stmt& s, VI& vi) {
  parse_track_list(ctx, s, vi.track_file, -254, 254, true);
}
void kw_track_process(ParseCtx& ctx, const Stmt& s, VI& vi) {
  parse_track_list(ctx, s, vi.track_process, -254, 254, true);
}
void kw_track_bfd(ParseCtx& ctx, const Stmt& s, VI& vi) {
  parse_track_list(ctx, s, vi.track_bfd, -254, 254, true);
}

void kw_src_ip(ParseCtx& ctx, const Stmt& s, VI& vi) {
  if (!ctx.need_args(s, 1, "ADDRESS")) return;
  auto v = parse_ip_prefix(s.arg(0));  // keepalived accepts (and ignores) a /prefix here
  if (!v) return ctx.bad_value(s, 0, v.error());
  vi.mcast_src_ip.set(v->addr, s.arg_token(0).loc);
  if (s.keyword().text == "unicast_src_ip") vi.unicast_src_keyword.set(true, s.loc());
}

void kw_unicast_peer(ParseCtx& ctx, const Stmt& s, VI& vi) {
  vi.unicast_peer_block.set(true, s.loc());
  for (const Stmt& line : s.block) {
    auto ip = parse_ip_prefix(line.keyword().text);  // keepalived ignores a /prefix here
    if (!ip) {
      ctx.error(line.keyword(), fmt::format("invalid unicast_peer: {}; write one peer address "
                                            "per line: 'IP [min_ttl N] [max_ttl N]'", ip.error()));
      continue;
    }
    UnicastPeer p{ip->addr, {}, {}, line.loc()};
    for (std::size_t i = 0; i < line.nargs(); ++i) {
      const std::string_view w = line.arg(i);
      if ((w == "min_ttl" || w == "max_ttl") && i + 1 < line.nargs()) {
        auto t = parse_uint(line.arg(i + 1), 0, 255);
        if (!t) {
          ctx.error(line.arg_token(i + 1), fmt::format("invalid {}: {}", w, t.error()));
        } else {
          (w == "min_ttl" ? p.min_ttl : p.max_ttl) = static_cast<std::uint8_t>(*t);
        }
        ++i;
      } else {
        ctx.error(line.arg_token(i),
                  fmt::format("unknown unicast_peer option '{}': expected min_ttl N or max_ttl N",
                              w));
      }
    }
    vi.unicast_peer.push_back(p);
  }
}

void kw_old_unicast_checksum(ParseCtx& ctx, const Stmt& s, VI& vi) {
  if (s.nargs() == 0) return vi.old_unicast_checksum.set(OldChecksum::always, s.loc());
  if (s.arg(0) == "never") return vi.old_unicast_checksum.set(OldChecksum::never, s.loc());
  ctx.bad_value(s, 0, fmt::format("'{}': write 'old_unicast_checksum' or "
                                  "'old_unicast_checksum never'", s.arg(0)));
}

void kw_authentication(ParseCtx& ctx, const Stmt& s, VI& vi) {
  for (const Stmt& a : s.block) {
    const std::string_view k = a.keyword().text;
    if (k == "auth_type") {
      if (!ctx.need_args(a, 1, "PASS|AH")) continue;
      if (a.arg(0) == "PASS") {
        vi.auth_type.set(vrrp::AuthType::pass, a.loc());
      } else if (a.arg(0) == "AH") {
        vi.auth_type.set(vrrp::AuthType::ah, a.loc());
      } else {
        ctx.error(a.arg_token(0), fmt::format("({}) unknown authentication type '{}': write "
                                              "'auth_type PASS' or 'auth_type AH'",
                                              vi.name, a.arg(0)));
      }
    } else if (k == "auth_pass") {
      if (!ctx.need_args(a, 1, "PASSWORD")) continue;
      std::string pass(a.arg(0));
      if (pass.size() > 8) {
        ctx.error(a.arg_token(0), "auth_pass is longer than 8 characters: truncated to "
                                  "8 (write at most 8)");
        pass.resize(8);
      }
      vi.auth_pass.set(pass, a.loc());
    } else {
      ctx.diags.counted_warning(a.keyword().loc,
                                fmt::format("Unknown keyword '{}' in authentication: ignored", k));
    }
  }
}

bool looks_like_mac(std::string_view w) {
  return (w.size() == 17 || w.size() == 14) && w[2] == ':' && w[5] == ':';
}

// use_vmac [[name] IFNAME] [MAC] [netlink_notify_msg] [group G]
void kw_use_vmac(ParseCtx& ctx, const Stmt& s, VI& vi) {
  vi.use_vmac.set(true, s.loc());
  for (std::size_t i = 0; i < s.nargs(); ++i) {
    const std::string_view w = s.arg(i);
    if (w == "name" && i + 1 < s.nargs()) {
      ++i;
      vi.vmac_name.set(std::string(s.arg(i)), s.arg_token(i).loc);
    } else if (w == "netlink_notify_msg") {
      vi.vmac_netlink_notify_msg.set(true, s.arg_token(i).loc);
    } else if (w == "group" && i + 1 < s.nargs()) {
      ++i;
      vi.vmac_group.set(std::string(s.arg(i)), s.arg_token(i).loc);
    } else if (looks_like_mac(w)) {
      vi.vmac_mac.set(std::string(w), s.arg_token(i).loc);
    } else if (!vi.vmac_name.is_set && w.size() <= 15) {
      vi.vmac_name.set(std::string(w), s.arg_token(i).loc);
    } else {
      ctx.error(s.arg_token(i), fmt::format("unexpected use_vmac option '{}': write 'use_vmac "
                                            "[NAME] [MAC] [netlink_notify_msg] [group G]'", w));
    }
  }
}

void kw_garp_extra_if(ParseCtx& ctx, const Stmt& s, VI& vi) {
  std::size_t i = 0;
  if (s.nargs() > 0 && s.arg(0) == "all") {
    vi.garp_extra_if_all.set(true, s.loc());
    i = 1;
  }
  if (!ctx.need_args(s, i + 1, "[all] SECONDS")) return;
  auto v = parse_seconds(s.arg(i), Duration{0}, Duration{86400 * kSec});
  if (!v) return ctx.bad_value(s, i, v.error());
  vi.garp_extra_if.set(*v, s.loc());
}

void kw_timer_expired_backup(ParseCtx& ctx, const Stmt& s, VI& vi) {
  std::uint8_t p = 254;
  if (s.nargs() > 0) {
    auto v = parse_uint(s.arg(0), 1, 254);
    if (!v) return ctx.bad_value(s, 0, v.error());
    p = static_cast<std::uint8_t>(*v);
  }
  vi.timer_expired_backup.set(Priority{p}, s.loc());
}

template <HeapOptional<Command> VI::*M>
void kw_notify(ParseCtx& ctx, const Stmt& s, VI& vi) {
  if (s.nargs() == 0 && s.keyword().text == "notify_deleted") {
    vi.*M = Command{"", "", "", s.loc()};  // notify_deleted without a command: use notify_stop's
    return;
  }
  if (auto c = parse_command(ctx, s)) vi.*M = std::move(*c);
}

void kw_preempt(ParseCtx&, const Stmt& s, VI& vi) { vi.nopreempt.set(false, s.loc()); }

// The table. Shapes: line = `keyword args`, block = needs `{ … }`, any = either.
// kw_flag takes an optional BOOL; kw_const<…, true> is a bare flag: like keepalived, it ignores
// any word after it (`nopreempt false` still means nopreempt).
constexpr auto kInstanceKeywords = std::to_array<Keyword<VI>>({
    {"state", kw_state},
    {"interface", kw_interface},
    {"vrf", kw_string<&VI::vrf>},
    {"virtual_router_id", kw_vrid},
    {"priority", kw_priority},
    {"advert_int", kw_advert_int},
    {"version", kw_version},
    {"virtual_ipaddress", kw_addresses<&VI::virtual_ipaddress>, Shape::block},
    {"virtual_ipaddress_excluded", kw_addresses<&VI::virtual_ipaddress_excluded>, Shape::block},
    {"no_virtual_ipaddress", kw_const<&VI::no_virtual_ipaddress, true>},
    {"virtual_routes", kw_routes, Shape::block},
    {"virtual_rules", kw_rules, Shape::block},
    {"track_interface", kw_track_interface, Shape::block},
    {"track_script", kw_track_script, Shape::block},
    {"track_file", kw_track_file, Shape::block},
    {"track_process", kw_track_process, Shape::block},
    {"track_bfd", kw_track_bfd, Shape::block},
    {"dont_track_primary", kw_const<&VI::dont_track_primary, true>},
    {"track_src_ip", kw_const<&VI::track_src_ip, true>},
    {"mcast_src_ip", kw_src_ip},
    {"unicast_src_ip", kw_src_ip},
    {"mcast_dst_ip", kw_ip<&VI::mcast_dst_ip>},
    {"unicast_peer", kw_unicast_peer, Shape::block},
    {"unicast_ttl", kw_int<&VI::unicast_ttl, 0, 255>},
    {"unicast_fault_no_peer", kw_const<&VI::unicast_fault_no_peer, true>},
    {"check_unicast_src", kw_const<&VI::check_unicast_src, true>},
    {"old_unicast_checksum", kw_old_unicast_checksum},
    {"v3_checksum_as_v2", kw_flag<&VI::v3_checksum_as_v2>},
    {"authentication", kw_authentication, Shape::block},
    {"nopreempt", kw_const<&VI::nopreempt, true>},
    {"preempt", kw_preempt},
    {"preempt_delay", kw_secs<&VI::preempt_delay, 0, 1000 * kSec>},
    {"accept", kw_const<&VI::accept, true>},
    {"no_accept", kw_const<&VI::accept, false>},
    {"skip_check_adv_addr", kw_flag<&VI::skip_check_adv_addr>},
    {"strict_mode", kw_flag<&VI::strict_mode>},
    {"use_vmac", kw_use_vmac},
    {"use_vmac_addr", kw_const<&VI::use_vmac_addr, true>},
    {"vmac_xmit_base", kw_const<&VI::vmac_xmit_base, true>},
    {"use_ipvlan", kw_words<&VI::use_ipvlan>},
    {"native_ipv6", kw_const<&VI::native_ipv6, true>},
    {"promote_secondaries", kw_const<&VI::promote_secondaries, true>},
    {"garp_master_delay", kw_secs<&VI::garp_master_delay, 0, kMaxSecs>},
    {"garp_master_repeat", kw_int<&VI::garp_master_repeat, 0, 0x7fffffff>},
    {"garp_master_refresh", kw_secs<&VI::garp_master_refresh, 0, kMaxSecs>},
    {"garp_master_refresh_repeat", kw_int<&VI::garp_master_refresh_repeat, 0, 0x7fffffff>},
    {"garp_lower_prio_delay", kw_secs<&VI::garp_lower_prio_delay, 0, kMaxSecs>},
    {"garp_lower_prio_repeat", kw_int<&VI::garp_lower_prio_repeat, 0, 0x7fffffff>},
    {"garp_extra_if", kw_garp_extra_if},
    {"vmac_garp_intvl", kw_garp_extra_if},
    {"down_timer_adverts", kw_int<&VI::down_timer_adverts, 1, 100>},
    {"timer_expired_backup", kw_timer_expired_backup},
    {"thread_timer_expired", kw_timer_expired_backup},
    {"lower_prio_no_advert", kw_flag<&VI::lower_prio_no_advert>},
    {"higher_prio_send_advert", kw_flag<&VI::higher_prio_send_advert>},
    {"owner_ignore_adverts", kw_flag<&VI::owner_ignore_adverts>},
    {"notify_master", kw_notify<&VI::notify_master>},
    {"notify_backup", kw_notify<&VI::notify_backup>},
    {"notify_fault", kw_notify<&VI::notify_fault>},
    {"notify_stop", kw_notify<&VI::notify_stop>},
    {"notify_deleted", kw_notify<&VI::notify_deleted>},
    {"notify", kw_notify<&VI::notify>},
    {"notify_master_rx_lower_pri", kw_notify<&VI::notify_master_rx_lower_pri>},
    {"notify_priority_changes", kw_flag<&VI::notify_priority_changes>},
    {"smtp_alert", kw_flag<&VI::smtp_alert>},
    {"kernel_rx_buf_size", kw_int<&VI::kernel_rx_buf_size, 0, 0x7fffffff>},
    {"debug", kw_int<&VI::debug, 0, 4>},
    {"auth_hmac", kw_not_implemented<VI>, Shape::any},
    {"linkbeat_use_polling", kw_deprecated<VI>},
    {"lvs_sync_daemon_interface", kw_deprecated<VI>},
});

}  // namespace

void parse_vrrp_instance(ParseCtx& ctx, const Stmt& s, Config& cfg) {
  if (!ctx.need_args(s, 1, "NAME { … }", /*soft=*/true)) return;
  VrrpInstance vi;
  vi.name = s.arg(0);
  vi.loc = s.arg_token(0).loc;
  walk_block<VI>(ctx, s.block, kInstanceKeywords, vi, "vrrp_instance");
  cfg.vrrp_instances.push_back(std::move(vi));
}

}  // namespace vigil::config
