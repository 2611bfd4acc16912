// print_conf.cc — Config → keepalived.conf text (for the round trip; see config/dump.h).
//
// Writes every setting the file set (Field::is_set) with its effective value, every list, and
// the statements vigil keeps verbatim. Re-parsing the output gives the same model (the JSON dumps
// compare equal); the diagnostics may differ (a corrected value is printed corrected).
#include <type_traits>

#include <fmt/format.h>

#include "config/dump.h"
#include "config/model_visit.h"
#include "config/values.h"

namespace vigil::config {

namespace {

std::string quote(std::string_view s) {
  bool plain = !s.empty();
  for (char ch : s)
    if (ch == ' ' || ch == '\t' || ch == '"' || ch == '\'' || ch == '#' || ch == '!' ||
        ch == '{' || ch == '}' || ch == '\\' || ch == '$' || ch == '@' || ch == '~')
      plain = false;
  if (plain) return std::string(s);
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string text(const std::string& s) { return quote(s); }
std::string text(Duration d) { return format_seconds(d); }
std::string text(const IpAddress& a) { return a.to_string(); }
std::string text(Priority p) { return std::to_string(p.value); }
std::string text(Vrid v) { return std::to_string(v.value); }
std::string text(Version v) { return v == Version::v2 ? "2" : "3"; }
std::string text(InitialState s) { return s == InitialState::master ? "MASTER" : "BACKUP"; }
std::string text(const std::vector<std::string>& v) {
  std::string out;
  // Appended piecewise: `" " + quote(w)` copies twice, and makes g++ 12 -O3 warn a false
  // -Wrestrict (GCC PR105651).
  for (const auto& w : v) {
    if (!out.empty()) out += ' ';
    out += quote(w);
  }
  return out;
}
template <class T>
  requires std::is_arithmetic_v<T>
std::string text(T n) {
  return std::to_string(n);
}
// Custom-printed fields never reach text(); these keep the visitor instantiable.
std::string text(vrrp::AuthType) { return {}; }
std::string text(OldChecksum) { return {}; }
std::string text(ParamMatch) { return {}; }

class Printer {
 public:
  std::string out;

  void line(int depth, const std::string& s) {
    out.append(static_cast<std::size_t>(depth) * 4, ' ');
    out += s;
    out += '\n';
  }

  template <class Obj, class Visit>
  void plain_fields(int depth, const Obj& obj, Visit visit) {
    visit(obj, [&](const char* name, const auto& f, Print how) {
      if (how != Print::plain || !f.is_set) return;
      if constexpr (std::is_same_v<std::decay_t<decltype(f.value)>, bool>) {
        // A flag is written bare; a cleared one as keepalived spells it (nopreempt takes no
        // BOOL in keepalived: its opposite is `preempt`).
        if (f.value) line(depth, name);
        else if (std::string_view(name) == "nopreempt") line(depth, "preempt");
        else line(depth, fmt::format("{} false", name));
      } else {
        line(depth, fmt::format("{} {}", name, text(f.value)));
      }
    });
  }

  void raws(int depth, const std::vector<RawStatement>& v) {
    for (const RawStatement& r : v) line(depth, text(r.words) + (r.block ? " { }" : ""));
  }

  template <class OptCommand>  // std::optional<Command> or HeapOptional<Command>
  void command(int depth, std::string_view kw, const OptCommand& c) {
    if (!c) return;
    std::string s = fmt::format("{} {}", kw, quote(c->cmd));
    if (c->cmd.empty()) s = std::string(kw);
    if (!c->user.empty()) s += " " + quote(c->user);
    if (!c->user.empty() && !c->group.empty()) s += " " + quote(c->group);
    line(depth, s);
  }

  void tracks(int depth, std::string_view kw, const std::vector<TrackRef>& refs, bool always) {
    if (refs.empty() && !always) return;
    line(depth, fmt::format("{} {{", kw));
    for (const TrackRef& r : refs) {
      std::string s = quote(r.name);
      if (r.weight) s += fmt::format(" weight {}", *r.weight);
      if (r.reverse) s += " reverse";
      line(depth + 1, s);
    }
    line(depth, "}");
  }

  static std::string address(const AddressLine& a) {
    std::string s = fmt::format("{}/{}", a.addr.to_string(), a.prefix);
    if (a.brd_mode == BrdMode::address) s += " brd " + a.brd.to_string();
    if (a.brd_mode == BrdMode::all_ones) s += " brd +";
    if (a.brd_mode == BrdMode::all_zeros) s += " brd -";
    if (!a.dev.empty()) s += " dev " + quote(a.dev);
    if (a.scope) s += fmt::format(" scope {}", name_of(*a.scope));
    if (!a.label.empty()) s += " label " + quote(a.label);
    if (a.peer) s += fmt::format(" peer {}/{}", a.peer->to_string(), a.peer_prefix);
    if (a.home) s += " home";
    if (a.nodad) s += " -nodad";
    if (a.mngtmpaddr) s += " mngtmpaddr";
    if (a.noprefixroute) s += " noprefixroute";
    if (a.autojoin) s += " autojoin";
    if (a.no_track) s += " no_track";
    if (a.use_vmac) s += " use_vmac";
    if (a.preferred_lft)
      s += *a.preferred_lft == 0xFFFFFFFFu ? std::string(" preferred_lft forever")
                                           : fmt::format(" preferred_lft {}", *a.preferred_lft);
    if (!a.track_group.empty()) s += " track_group " + quote(a.track_group);
    return s;
  }

  static std::string route(const RouteLine& r) {
    std::string s;
    if (r.type != RouteType::unicast) s += fmt::format("{} ", name_of(r.type));
    if (r.src) s += fmt::format("src {} ", r.src->to_string());
    s += r.dst_default ? std::string("default")
                       : fmt::format("{}/{}", r.dst.to_string(), r.dst_prefix);
    if (r.inet6) s += " inet6";
    if (r.via) s += " via " + r.via->to_string();
    if (r.or_via) s += " or " + r.or_via->to_string();
    if (!r.dev.empty()) s += " dev " + quote(r.dev);
    if (r.scope) s += fmt::format(" scope {}", name_of(*r.scope));
    if (r.table) s += fmt::format(" table {}", *r.table);
    if (r.metric) s += fmt::format(" metric {}", *r.metric);
    if (r.protocol) s += fmt::format(" protocol {}", *r.protocol);
    if (r.tos) s += fmt::format(" tos {}", *r.tos);
    if (r.onlink) s += " onlink";
    for (const auto& [k, v] : r.attrs) s += fmt::format(" {} {}", k, v);
    for (const Nexthop& n : r.nexthops) {
      s += " nexthop";
      if (n.via) s += " via " + n.via->to_string();
      if (!n.dev.empty()) s += " dev " + quote(n.dev);
      if (n.weight) s += fmt::format(" weight {}", *n.weight);
      if (n.onlink) s += " onlink";
    }
    if (r.no_track) s += " no_track";
    if (!r.track_group.empty()) s += " track_group " + quote(r.track_group);
    return s;
  }

  static std::string rule(const RuleLine& r) {
    std::string s;
    auto add = [&](std::string part) { s += (s.empty() ? "" : " ") + part; };
    if (r.not_) add("not");
    if (r.from_all) add("from all");
    else if (r.from) add(fmt::format("from {}/{}", r.from->to_string(), r.from_prefix));
    if (r.to_all) add("to all");
    else if (r.to) add(fmt::format("to {}/{}", r.to->to_string(), r.to_prefix));
    auto num = [&](const char* k, const std::optional<std::uint32_t>& v) {
      if (v) add(fmt::format("{} {}", k, *v));
    };
    num("table", r.table);
    num("preference", r.preference);
    num("tos", r.tos);
    num("goto", r.goto_);
    if (r.realms) add(fmt::format("realms {}/{}", *r.realms >> 16, *r.realms & 0xFFFF));
    num("suppress_prefixlength", r.suppress_prefixlength);
    num("suppress_ifgroup", r.suppress_ifgroup);
    num("protocol", r.protocol);
    num("ipproto", r.ipproto);
    if (r.fwmark)
      add(r.fwmask ? fmt::format("fwmark {}/{}", *r.fwmark, *r.fwmask)
                   : fmt::format("fwmark {}", *r.fwmark));
    if (!r.iif.empty()) add("iif " + quote(r.iif));
    if (!r.oif.empty()) add("oif " + quote(r.oif));
    if (!r.type.empty()) add("type " + quote(r.type));
    auto range = [&](const char* k, const auto& v) {
      if (v) add(fmt::format("{} {}-{}", k, v->first, v->second));
    };
    range("uidrange", r.uidrange);
    range("sport", r.sport);
    range("dport", r.dport);
    if (r.l3mdev) add("l3mdev");
    if (r.tunnel_id) add(fmt::format("tunnel-id {}", *r.tunnel_id));
    if (r.inet6) add("inet6");
    if (r.no_track) add("no_track");
    if (!r.track_group.empty()) add("track_group " + quote(r.track_group));
    return s;
  }

  template <class T, class F>
  void list_block(int depth, std::string_view kw, const std::vector<T>& v, F&& f, bool always) {
    if (v.empty() && !always) return;
    line(depth, fmt::format("{} {{", kw));
    for (const T& x : v) line(depth + 1, f(x));
    line(depth, "}");
  }

  void fifo(int depth, std::string_view kw, const std::optional<Fifo>& f) {
    if (!f) return;
    std::string s = fmt::format("{} {}", kw, quote(f->path));
    if (!f->user.empty()) s += " " + quote(f->user);
    if (!f->user.empty() && !f->group.empty()) s += " " + quote(f->group);
    line(depth, s);
  }

  void global(const GlobalDefs& g) {
    line(0, "global_defs {");
    plain_fields(1, g, [](const auto& o, auto&& v) { visit_global(o, v); });
    if (g.vrrp_garp_extra_if.is_set)
      line(1, fmt::format("vrrp_garp_extra_if {}{}", g.vrrp_garp_extra_if_all.value ? "all " : "",
                          format_seconds(g.vrrp_garp_extra_if.value)));
    if (g.min_auto_priority_delay.is_set)
      line(1, fmt::format("min_auto_priority_delay {}", g.min_auto_priority_delay->count()));
    if (g.script_user.is_set)
      line(1, fmt::format("script_user {}{}", quote(g.script_user.value),
                          g.script_group.value.empty() ? "" : " " + quote(g.script_group.value)));
    if (g.dynamic_interfaces.is_set)
      line(1, fmt::format("dynamic_interfaces{}",
                          g.dynamic_interfaces_allow_if_changes.value ? " allow_if_changes" : ""));
    fifo(1, "notify_fifo", g.notify_fifo);
    fifo(1, "vrrp_notify_fifo", g.vrrp_notify_fifo);
    command(1, "notify_fifo_script", g.notify_fifo_script);
    command(1, "vrrp_notify_fifo_script", g.vrrp_notify_fifo_script);
    raws(1, g.ignored);
    line(0, "}");
  }

  void instance(const VrrpInstance& vi) {
    line(0, fmt::format("vrrp_instance {} {{", quote(vi.name)));
    plain_fields(1, vi, [](const auto& o, auto&& v) { visit_instance(o, v); });
    if (vi.mcast_src_ip.is_set)
      line(1, fmt::format("{} {}", vi.unicast_src_keyword.value ? "unicast_src_ip" : "mcast_src_ip",
                          vi.mcast_src_ip->to_string()));
    if (vi.old_unicast_checksum.is_set)
      line(1, vi.old_unicast_checksum.value == OldChecksum::never ? "old_unicast_checksum never"
                                                                  : "old_unicast_checksum");
    if (vi.accept.is_set) line(1, vi.accept.value ? "accept" : "no_accept");
    if (vi.auth_type.is_set || vi.auth_pass.is_set) {
      line(1, "authentication {");
      if (vi.auth_type.value != vrrp::AuthType::none)
        line(2, vi.auth_type.value == vrrp::AuthType::pass ? "auth_type PASS" : "auth_type AH");
      if (!vi.auth_pass.value.empty()) line(2, "auth_pass " + quote(vi.auth_pass.value));
      line(1, "}");
    }
    if (vi.use_vmac.value) {
      std::string s = "use_vmac";
      if (vi.vmac_name.is_set) s += " " + quote(vi.vmac_name.value);
      if (vi.vmac_mac.is_set) s += " " + vi.vmac_mac.value;
      if (vi.vmac_netlink_notify_msg.value) s += " netlink_notify_msg";
      if (vi.vmac_group.is_set) s += " group " + quote(vi.vmac_group.value);
      line(1, s);
    }
    if (vi.garp_extra_if.is_set)
      line(1, fmt::format("garp_extra_if {}{}", vi.garp_extra_if_all.value ? "all " : "",
                          format_seconds(vi.garp_extra_if.value)));
    list_block(1, "virtual_ipaddress", vi.virtual_ipaddress, address, false);
    list_block(1, "virtual_ipaddress_excluded", vi.virtual_ipaddress_excluded, address, false);
    list_block(1, "virtual_routes", vi.virtual_routes, route, false);
    list_block(1, "virtual_rules", vi.virtual_rules, rule, false);
    list_block(1, "unicast_peer", vi.unicast_peer, [](const UnicastPeer& p) {
      std::string s = p.addr.to_string();
      if (p.min_ttl) s += fmt::format(" min_ttl {}", *p.min_ttl);
      if (p.max_ttl) s += fmt::format(" max_ttl {}", *p.max_ttl);
      return s;
    }, vi.unicast_peer_block.value);
    tracks(1, "track_interface", vi.track_interface, false);
    tracks(1, "track_script", vi.track_script, false);
    tracks(1, "track_file", vi.track_file, false);
    tracks(1, "track_process", vi.track_process, false);
    tracks(1, "track_bfd", vi.track_bfd, false);
    command(1, "notify_master", vi.notify_master);
    command(1, "notify_backup", vi.notify_backup);
    command(1, "notify_fault", vi.notify_fault);
    command(1, "notify_stop", vi.notify_stop);
    command(1, "notify_deleted", vi.notify_deleted);
    command(1, "notify", vi.notify);
    command(1, "notify_master_rx_lower_pri", vi.notify_master_rx_lower_pri);
    raws(1, vi.ignored);
    line(0, "}");
  }

  template <class T>
  void weight(int depth, const T& o) {
    if (o.weight.is_set)
      line(depth, fmt::format("weight {}{}", o.weight.value,
                              o.weight_reverse.value ? " reverse" : ""));
  }

  void all(const Config& c) {
    global(c.global_defs);
    plain_fields(0, c, [](const auto& o, auto&& v) { visit_top(o, v); });
    list_block(0, "linkbeat_interfaces", c.linkbeat_interfaces, [](const LinkbeatInterface& l) {
      return l.method.empty() ? quote(l.interface) : quote(l.interface) + " " + l.method;
    }, false);
    list_block(0, "interface_up_down_delays", c.interface_up_down_delays,
               [](const InterfaceDelay& d) {
      return fmt::format("{} {} {}", quote(d.interface), format_seconds(d.down),
                         format_seconds(d.up));
    }, false);
    for (const TrackGroup& t : c.track_groups) {
      line(0, fmt::format("track_group {} {{", quote(t.name)));
      line(1, "group {");
      for (const auto& n : t.group) line(2, quote(n));
      line(1, "}");
      line(0, "}");
    }
    list_block(0, "static_ipaddress", c.static_ipaddress, address, false);
    list_block(0, "static_routes", c.static_routes, route, false);
    list_block(0, "static_rules", c.static_rules, rule, false);
    for (const VrrpScript& s : c.vrrp_scripts) {
      line(0, fmt::format("vrrp_script {} {{", quote(s.name)));
      plain_fields(1, s, [](const auto& o, auto&& v) { visit_script(o, v); });
      weight(1, s);
      if (s.user.is_set)
        line(1, fmt::format("user {}{}", quote(s.user.value),
                            s.group.value.empty() ? "" : " " + quote(s.group.value)));
      line(0, "}");
    }
    for (const TrackFile& f : c.track_files) {
      line(0, fmt::format("vrrp_track_file {} {{", quote(f.name)));
      plain_fields(1, f, [](const auto& o, auto&& v) { visit_track_file(o, v); });
      weight(1, f);
      if (f.init_file.value) {
        std::string s = "init_file";
        if (f.init_value.is_set) s += fmt::format(" {}", f.init_value.value);
        if (f.init_overwrite.value) s += " overwrite";
        line(1, s);
      }
      line(0, "}");
    }
    for (const TrackProcess& p : c.track_processes) {
      line(0, fmt::format("vrrp_track_process {} {{", quote(p.name)));
      plain_fields(1, p, [](const auto& o, auto&& v) { visit_track_process(o, v); });
      if (p.process.is_set)
        line(1, fmt::format("process {}{}", quote(p.process.value),
                            p.args.value.empty() ? "" : " " + text(p.args.value)));
      if (p.param_match.is_set)
        line(1, p.param_match.value == ParamMatch::initial ? "param_match initial"
                                                           : "param_match partial");
      weight(1, p);
      line(0, "}");
    }
    for (const VrrpInstance& vi : c.vrrp_instances) instance(vi);
    for (const SyncGroup& g : c.sync_groups) {
      line(0, fmt::format("vrrp_sync_group {} {{", quote(g.name)));
      line(1, "group {");
      for (const auto& n : g.group) line(2, quote(n));
      line(1, "}");
      plain_fields(1, g, [](const auto& o, auto&& v) { visit_sync_group(o, v); });
      tracks(1, "track_interface", g.track_interface, false);
      tracks(1, "track_script", g.track_script, false);
      tracks(1, "track_file", g.track_file, false);
      tracks(1, "track_process", g.track_process, false);
      tracks(1, "track_bfd", g.track_bfd, false);
      command(1, "notify_master", g.notify_master);
      command(1, "notify_backup", g.notify_backup);
      command(1, "notify_fault", g.notify_fault);
      command(1, "notify_stop", g.notify_stop);
      command(1, "notify", g.notify);
      line(0, "}");
    }
    for (const GarpGroup& g : c.garp_groups) {
      line(0, "garp_group {");
      if (g.garp_interval.is_set)
        line(1, "garp_interval " + format_seconds(g.garp_interval.value));
      if (g.gna_interval.is_set) line(1, "gna_interval " + format_seconds(g.gna_interval.value));
      list_block(1, "interfaces", g.interfaces, [](const std::string& s) { return quote(s); },
                 true);
      line(0, "}");
    }
    raws(0, c.unsupported_blocks);
  }
};

}  // namespace

std::string print_conf(const Config& cfg) {
  Printer p;
  p.all(cfg);
  return std::move(p.out);
}

}  // namespace vigil::config
