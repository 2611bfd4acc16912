// dump_json.cc — Config → JSON with a stable key order (nlohmann::ordered_json, keyword order).
#include <nlohmann/json.hpp>

#include "config/dump.h"
#include "config/model_visit.h"
#include "config/values.h"

namespace vigil::config {

namespace {

using J = nlohmann::ordered_json;

J value(bool b) { return b; }
J value(const std::string& s) { return s; }
J value(Duration d) { return format_seconds(d); }
J value(const IpAddress& a) { return a.to_string(); }
J value(Priority p) { return p.value; }
J value(Vrid v) { return v.value; }
J value(Version v) { return v == Version::v2 ? 2 : 3; }
J value(InitialState s) { return s == InitialState::master ? "MASTER" : "BACKUP"; }
J value(vrrp::AuthType t) {
  return t == vrrp::AuthType::none ? "none" : t == vrrp::AuthType::pass ? "PASS" : "AH";
}
J value(OldChecksum o) {
  return o == OldChecksum::auto_detect ? "auto" : o == OldChecksum::always ? "always" : "never";
}
J value(ParamMatch m) {
  return m == ParamMatch::exact ? "exact" : m == ParamMatch::initial ? "initial" : "partial";
}
J value(const std::vector<std::string>& v) { return v; }
template <class T>
  requires std::is_arithmetic_v<T>
J value(T n) {
  return n;
}

class Dumper {
 public:
  explicit Dumper(const DumpOptions& o) : opts_(o) {}

  template <class Obj, class Visit>
  J fields(const Obj& obj, Visit visit) const {
    J j = J::object();
    visit(obj, [&](const char* name, const auto& field, Print) { j[name] = value(field.value); });
    return j;
  }

  void loc(J& j, const SourceLoc& l) const {
    if (opts_.with_locations) j["loc"] = l.str();
  }

  J address(const AddressLine& a) const {
    J j = J::object();
    j["address"] = a.addr.to_string();
    j["prefix"] = a.prefix;
    if (a.brd_mode == BrdMode::address) j["brd"] = a.brd.to_string();
    if (a.brd_mode == BrdMode::all_ones) j["brd"] = "+";
    if (a.brd_mode == BrdMode::all_zeros) j["brd"] = "-";
    if (!a.dev.empty()) j["dev"] = a.dev;
    if (a.scope) j["scope"] = name_of(*a.scope);
    if (!a.label.empty()) j["label"] = a.label.str();
    if (a.peer) j["peer"] = a.peer->to_string() + "/" + std::to_string(a.peer_prefix);
    for (auto [flag, key] : {std::pair{a.home, "home"}, {a.nodad, "nodad"},
                             {a.mngtmpaddr, "mngtmpaddr"}, {a.noprefixroute, "noprefixroute"},
                             {a.autojoin, "autojoin"}, {a.no_track, "no_track"},
                             {a.use_vmac, "use_vmac"}})
      if (flag) j[key] = true;
    if (a.preferred_lft) j["preferred_lft"] = *a.preferred_lft;
    if (!a.track_group.empty()) j["track_group"] = a.track_group.str();
    loc(j, a.loc);
    return j;
  }

  J route(const RouteLine& r) const {
    J j = J::object();
    j["type"] = name_of(r.type);
    j["to"] = r.dst_default ? std::string("default")
                            : r.dst.to_string() + "/" + std::to_string(r.dst_prefix);
    if (r.inet6) j["inet6"] = true;
    if (r.src) j["src"] = r.src->to_string();
    if (r.via) j["via"] = r.via->to_string();
    if (r.or_via) j["or"] = r.or_via->to_string();
    if (!r.dev.empty()) j["dev"] = r.dev;
    if (r.scope) j["scope"] = name_of(*r.scope);
    if (r.table) j["table"] = *r.table;
    if (r.metric) j["metric"] = *r.metric;
    if (r.protocol) j["protocol"] = *r.protocol;
    if (r.tos) j["tos"] = *r.tos;
    if (r.onlink) j["onlink"] = true;
    if (r.no_track) j["no_track"] = true;
    if (!r.nexthops.empty()) {
      J nh = J::array();
      for (const Nexthop& n : r.nexthops) {
        J e = J::object();
        if (n.via) e["via"] = n.via->to_string();
        if (!n.dev.empty()) e["dev"] = n.dev;
        if (n.weight) e["weight"] = *n.weight;
        if (n.onlink) e["onlink"] = true;
        nh.push_back(e);
      }
      j["nexthops"] = nh;
    }
    for (const auto& [k, v] : r.attrs) j[k] = v;
    if (!r.track_group.empty()) j["track_group"] = r.track_group;
    loc(j, r.loc);
    return j;
  }

  J rule(const RuleLine& r) const {
    J j = J::object();
    if (r.not_) j["not"] = true;
    if (r.from_all) j["from"] = "all";
    else if (r.from) j["from"] = r.from->to_string() + "/" + std::to_string(r.from_prefix);
    if (r.to_all) j["to"] = "all";
    else if (r.to) j["to"] = r.to->to_string() + "/" + std::to_string(r.to_prefix);
    auto num = [&](const char* k, const std::optional<std::uint32_t>& v) {
      if (v) j[k] = *v;
    };
    num("table", r.table);
    num("preference", r.preference);
    num("tos", r.tos);
    num("goto", r.goto_);
    num("realms", r.realms);
    num("suppress_prefixlength", r.suppress_prefixlength);
    num("suppress_ifgroup", r.suppress_ifgroup);
    num("protocol", r.protocol);
    num("ipproto", r.ipproto);
    num("fwmark", r.fwmark);
    num("fwmask", r.fwmask);
    if (!r.iif.empty()) j["iif"] = r.iif;
    if (!r.oif.empty()) j["oif"] = r.oif;
    if (!r.type.empty()) j["type"] = r.type;
    auto range = [&](const char* k, const auto& v) {
      if (v) j[k] = std::to_string(v->first) + "-" + std::to_string(v->second);
    };
    range("uidrange", r.uidrange);
    range("sport", r.sport);
    range("dport", r.dport);
    if (r.l3mdev) j["l3mdev"] = true;
    if (r.tunnel_id) j["tunnel_id"] = *r.tunnel_id;
    if (r.inet6) j["inet6"] = true;
    if (r.no_track) j["no_track"] = true;
    if (!r.track_group.empty()) j["track_group"] = r.track_group;
    loc(j, r.loc);
    return j;
  }

  J tracks(const std::vector<TrackRef>& refs) const {
    J a = J::array();
    for (const TrackRef& r : refs) {
      J j = J::object();
      j["name"] = r.name;
      if (r.weight) j["weight"] = *r.weight;
      if (r.reverse) j["reverse"] = true;
      loc(j, r.loc);
      a.push_back(j);
    }
    return a;
  }

  template <class OptCommand>  // std::optional<Command> or HeapOptional<Command>
  J command(const OptCommand& c) const {
    if (!c) return nullptr;
    J j = J::object();
    j["cmd"] = c->cmd;
    if (!c->user.empty()) j["user"] = c->user;
    if (!c->group.empty()) j["group"] = c->group;
    return j;
  }

  J raws(const std::vector<RawStatement>& v) const {
    J a = J::array();
    for (const RawStatement& r : v) a.push_back(r.words);
    return a;
  }

  template <class T, class F>
  J list(const std::vector<T>& v, F&& f) const {
    J a = J::array();
    for (const T& x : v) a.push_back(f(x));
    return a;
  }

  J instance(const VrrpInstance& vi) const {
    J j = J::object();
    j["name"] = vi.name;
    loc(j, vi.loc);
    j.update(fields(vi, [](const auto& o, auto&& v) { visit_instance(o, v); }));
    auto addr = [&](const AddressLine& a) { return address(a); };
    j["virtual_ipaddress"] = list(vi.virtual_ipaddress, addr);
    j["virtual_ipaddress_excluded"] = list(vi.virtual_ipaddress_excluded, addr);
    j["virtual_routes"] = list(vi.virtual_routes, [&](const RouteLine& r) { return route(r); });
    j["virtual_rules"] = list(vi.virtual_rules, [&](const RuleLine& r) { return rule(r); });
    j["unicast_peer"] = list(vi.unicast_peer, [&](const UnicastPeer& p) {
      J e = J::object();
      e["address"] = p.addr.to_string();
      if (p.min_ttl) e["min_ttl"] = *p.min_ttl;
      if (p.max_ttl) e["max_ttl"] = *p.max_ttl;
      loc(e, p.loc);
      return e;
    });
    j["track_interface"] = tracks(vi.track_interface);
    j["track_script"] = tracks(vi.track_script);
    j["track_file"] = tracks(vi.track_file);
    j["track_process"] = tracks(vi.track_process);
    j["track_bfd"] = tracks(vi.track_bfd);
    j["notify_master"] = command(vi.notify_master);
    j["notify_backup"] = command(vi.notify_backup);
    j["notify_fault"] = command(vi.notify_fault);
    j["notify_stop"] = command(vi.notify_stop);
    j["notify_deleted"] = command(vi.notify_deleted);
    j["notify"] = command(vi.notify);
    j["notify_master_rx_lower_pri"] = command(vi.notify_master_rx_lower_pri);
    j["ignored"] = raws(vi.ignored);
    return j;
  }

  template <class T, class Visit>
  J named(const T& o, Visit visit) const {
    J j = J::object();
    j["name"] = o.name;
    loc(j, o.loc);
    j.update(fields(o, visit));
    return j;
  }

  J all(const Config& c) const {
    J j = J::object();
    J g = fields(c.global_defs, [](const auto& o, auto&& v) { visit_global(o, v); });
    auto fifo = [](const std::optional<Fifo>& f) -> J {
      if (!f) return nullptr;
      return J{{"path", f->path}, {"user", f->user}, {"group", f->group}};
    };
    g["notify_fifo"] = fifo(c.global_defs.notify_fifo);
    g["notify_fifo_script"] = command(c.global_defs.notify_fifo_script);
    g["vrrp_notify_fifo"] = fifo(c.global_defs.vrrp_notify_fifo);
    g["vrrp_notify_fifo_script"] = command(c.global_defs.vrrp_notify_fifo_script);
    g["ignored"] = raws(c.global_defs.ignored);
    j["global_defs"] = g;
    j.update(fields(c, [](const auto& o, auto&& v) { visit_top(o, v); }));
    j["vrrp_scripts"] = list(c.vrrp_scripts, [&](const VrrpScript& s) {
      J e = named(s, [](const auto& o, auto&& v) { visit_script(o, v); });
      e["disabled"] = s.disabled;
      return e;
    });
    j["track_files"] = list(c.track_files, [&](const TrackFile& f) {
      return named(f, [](const auto& o, auto&& v) { visit_track_file(o, v); });
    });
    j["track_processes"] = list(c.track_processes, [&](const TrackProcess& p) {
      return named(p, [](const auto& o, auto&& v) { visit_track_process(o, v); });
    });
    j["vrrp_instances"] = list(c.vrrp_instances, [&](const VrrpInstance& v) {
      return instance(v);
    });
    j["vrrp_sync_groups"] = list(c.sync_groups, [&](const SyncGroup& s) {
      J e = named(s, [](const auto& o, auto&& v) { visit_sync_group(o, v); });
      e["group"] = s.group;
      e["track_interface"] = tracks(s.track_interface);
      e["track_script"] = tracks(s.track_script);
      e["track_file"] = tracks(s.track_file);
      e["track_process"] = tracks(s.track_process);
      e["track_bfd"] = tracks(s.track_bfd);
      e["notify_master"] = command(s.notify_master);
      e["notify_backup"] = command(s.notify_backup);
      e["notify_fault"] = command(s.notify_fault);
      e["notify_stop"] = command(s.notify_stop);
      e["notify"] = command(s.notify);
      return e;
    });
    j["garp_groups"] = list(c.garp_groups, [&](const GarpGroup& gg) {
      return J{{"garp_interval", format_seconds(gg.garp_interval.value)},
               {"gna_interval", format_seconds(gg.gna_interval.value)},
               {"interfaces", gg.interfaces}};
    });
    auto addr = [&](const AddressLine& a) { return address(a); };
    j["static_ipaddress"] = list(c.static_ipaddress, addr);
    j["static_routes"] = list(c.static_routes, [&](const RouteLine& r) { return route(r); });
    j["static_rules"] = list(c.static_rules, [&](const RuleLine& r) { return rule(r); });
    j["linkbeat_interfaces"] = list(c.linkbeat_interfaces, [](const LinkbeatInterface& l) {
      return J{{"interface", l.interface}, {"method", l.method}};
    });
    j["interface_up_down_delays"] = list(c.interface_up_down_delays,
                                         [](const InterfaceDelay& d) {
      return J{{"interface", d.interface}, {"down", format_seconds(d.down)},
               {"up", format_seconds(d.up)}};
    });
    j["track_groups"] = list(c.track_groups, [](const TrackGroup& t) {
      return J{{"name", t.name}, {"group", t.group}};
    });
    J un = J::array();
    for (const RawStatement& r : c.unsupported_blocks) un.push_back(r.words);
    j["unsupported"] = un;
    return j;
  }

 private:
  const DumpOptions& opts_;
};

}  // namespace

std::string dump_json(const Config& cfg, const DumpOptions& opts) {
  // Config text need not be UTF-8 (Latin-1 names, binary junk): replace invalid sequences
  // with U+FFFD instead of throwing.
  return Dumper(opts).all(cfg).dump(opts.indent, ' ', false, J::error_handler_t::replace) + "\n";
}

}  // namespace vigil::config
