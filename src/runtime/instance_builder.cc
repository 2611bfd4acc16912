#include "runtime/instance_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include <sys/socket.h>

#include "net/interfaces.h"
#include "net/sysctl.h"

namespace vigil::runtime {

namespace {

using vrrp::Family;
using vrrp::IpAddress;

std::string_view scope_word(config::Scope s) {
  switch (s) {
    case config::Scope::global: return "global";
    case config::Scope::site: return "site";
    case config::Scope::link: return "link";
    case config::Scope::host: return "host";
    case config::Scope::nowhere: return "nowhere";
  }
  return "global";
}

// The IPv4 broadcast address of addr/prefix with all host bits set.
IpAddress all_ones_broadcast(const IpAddress& addr, std::uint8_t prefix) {
  std::array<std::uint8_t, 4> b{};
  std::memcpy(b.data(), addr.data(), 4);
  for (int bit = prefix; bit < 32; ++bit) b[static_cast<std::size_t>(bit / 8)] |= 0x80 >> (bit % 8);
  return IpAddress::v4(b);
}

net::AddressSpec address_spec(const config::AddressLine& a, int ifindex) {
  net::AddressSpec s;
  s.ifindex = ifindex;
  s.address = a.addr;
  s.prefix = a.prefix;
  s.label = a.label;
  s.scope = static_cast<std::uint8_t>(a.scope.value_or(config::Scope::global));
  if (a.addr.is_v4()) {
    if (a.brd_mode == config::BrdMode::address) s.broadcast = a.brd;
    if (a.brd_mode == config::BrdMode::all_ones) s.broadcast = all_ones_broadcast(a.addr, a.prefix);
  }
  s.peer = a.peer;
  s.nodad = a.nodad;
  s.noprefixroute = a.noprefixroute;
  s.home = a.home;
  s.preferred_lft = a.preferred_lft;
  return s;
}

std::array<std::uint8_t, vrrp::kAuthDataSize> auth_bytes(const std::string& pass) {
  std::array<std::uint8_t, vrrp::kAuthDataSize> out{};
  std::memcpy(out.data(), pass.data(), std::min(pass.size(), out.size()));
  return out;
}

vrrp::ChecksumRule checksum_rule(const config::VrrpInstance& vi) {
  vrrp::ChecksumRule r;
  if (*vi.v3_checksum_as_v2) r.mode = vrrp::V3Checksum::as_v2;
  if (*vi.old_unicast_checksum == config::OldChecksum::always) r.mode = vrrp::V3Checksum::old_unicast;
  return r;
}

// Resolves the interface a VIP line names (its `dev`, else the instance's sending interface).
net::Result<int> vip_ifindex(KernelView& kv, const config::AddressLine& a, int instance_ifindex) {
  if (a.dev.empty()) return instance_ifindex;
  auto l = kv.link(a.dev);
  if (!l) return l.error();
  return l->ifindex;
}

std::optional<net::RouteType> route_type(config::RouteType t) {
  switch (t) {
    case config::RouteType::unicast: return net::RouteType::unicast;
    case config::RouteType::blackhole: return net::RouteType::blackhole;
    case config::RouteType::unreachable: return net::RouteType::unreachable;
    case config::RouteType::prohibit: return net::RouteType::prohibit;
    case config::RouteType::throw_: return net::RouteType::throw_;
    default: return std::nullopt;
  }
}

}  // namespace

IpAddress unspecified_address(Family family) {
  return family == Family::inet ? IpAddress::v4({0, 0, 0, 0}) : IpAddress::v6({});
}

std::optional<IpAddress> auto_source_address(net::Netlink& nl, Family family, int ifindex) {
  auto p = family == Family::inet ? net::primary_ipv4(nl, ifindex) : net::link_local_ipv6(nl, ifindex);
  if (!p) return std::nullopt;
  return *p;
}

net::Result<std::optional<net::RouteSpec>> route_spec_of(const config::RouteLine& r, KernelView& kv,
                                                         int default_oif) {
  auto type = route_type(r.type);
  if (!type || !r.nexthops.empty()) return std::optional<net::RouteSpec>{};
  net::RouteSpec rs;
  rs.family = r.inet6 || (!r.dst_default && !r.dst.is_v4()) ? Family::inet6 : Family::inet;
  if (!r.dst_default) {
    rs.dst = r.dst;
    rs.dst_prefix = r.dst_prefix;
  }
  rs.gateway = r.via;
  if (!r.dev.empty()) {
    auto dev = kv.link(r.dev);
    if (!dev) return net::make_error(dev.error().code, fmt::format("route dev {}: {}", r.dev, dev.error().str()));
    rs.oif = dev->ifindex;
  } else if (*type == net::RouteType::unicast && !r.via) {
    rs.oif = default_oif;
  }
  if (r.table) rs.table = *r.table;
  rs.metric = r.metric;
  if (r.scope) rs.scope = static_cast<std::uint8_t>(*r.scope);
  rs.type = *type;
  rs.src = r.src;
  return std::optional<net::RouteSpec>(rs);
}

net::RuleSpec rule_spec_of(const config::RuleLine& r) {
  net::RuleSpec rs;
  rs.family = r.inet6 ? Family::inet6 : Family::inet;
  if (r.from && !r.from_all) {
    rs.from = r.from;
    rs.from_prefix = r.from_prefix;
    rs.family = r.from->family();
  }
  if (r.to && !r.to_all) {
    rs.to = r.to;
    rs.to_prefix = r.to_prefix;
    rs.family = r.to->family();
  }
  if (r.table) rs.table = *r.table;
  rs.priority = r.preference;
  rs.fwmark = r.fwmark;
  rs.fwmask = r.fwmask;
  rs.iif = r.iif;
  rs.oif = r.oif;
  return rs;
}

net::Result<StaticSet> build_statics(const config::Config& cfg, KernelView& kv) {
  StaticSet out;
  for (const auto& a : cfg.static_ipaddress) {
    const std::string& dev = a.dev.empty() ? *cfg.global_defs.default_interface : a.dev;
    auto l = kv.link(dev);
    if (!l) {
      out.problems.push_back(fmt::format("static_ipaddress {}: interface {}: {}", a.addr.to_string(), dev, l.error().str()));
      continue;
    }
    out.addresses.push_back(address_spec(a, l->ifindex));
    out.address_texts.push_back(vip_text(a, dev));
  }
  for (const auto& r : cfg.static_routes) {
    auto rs = route_spec_of(r, kv, 0);
    if (!rs || !*rs || ((*rs)->oif == 0 && !(*rs)->gateway && (*rs)->type == net::RouteType::unicast)) {
      out.problems.push_back(fmt::format("static_route to {}/{}: {}", r.dst.to_string(), r.dst_prefix,
                                         !rs ? rs.error().str() : "not supported by vigil yet - skipped"));
      continue;
    }
    out.routes.push_back(**rs);
  }
  for (const auto& r : cfg.static_rules) out.rules.push_back(rule_spec_of(r));
  return out;
}

std::string vip_text(const config::AddressLine& a, const std::string& dev) {
  return fmt::format("{}/{} dev {} scope {}", a.addr.to_string(), a.prefix, a.dev.empty() ? dev : a.dev,
                     scope_word(a.scope.value_or(config::Scope::global)));
}

std::string vip_text(const RtInstance& in, std::size_t i, bool configured_interface) {
  const net::AddressSpec& s = in.vip_specs[i];
  const std::string* dev = &in.ifname;
  if (!in.vip_devs.empty() && !in.vip_devs[i].empty()) {
    dev = &in.vip_devs[i];
  } else if (in.vmac && !configured_interface) {
    dev = &in.vmac->name();
  }
  // s.scope holds the config::Scope value (address_spec above).
  return fmt::format("{}/{} dev {} scope {}", s.address.to_string(), s.prefix, *dev,
                     scope_word(static_cast<config::Scope>(s.scope)));
}

vrrp::InstanceConfig fsm_config_of(const config::Config& cfg, const config::VrrpInstance& vi,
                                   const IpAddress& source) {
  vrrp::InstanceConfig c;
  c.name = vi.name;
  c.vrid = *vi.virtual_router_id;
  c.version = *vi.version;
  c.family = source.family();
  c.priority = *vi.priority;
  c.advert_interval = *vi.advert_int;
  c.want_master = *vi.state == config::InitialState::master;
  c.nopreempt = *vi.nopreempt;
  c.preempt_delay = *vi.preempt_delay;
  c.down_timer_adverts = *vi.down_timer_adverts;
  c.lower_prio_no_advert = *vi.lower_prio_no_advert;
  c.higher_prio_send_advert = *vi.higher_prio_send_advert;
  c.owner_ignore_adverts = *vi.owner_ignore_adverts;
  if (vi.timer_expired_backup.is_set) c.timer_expired_backup = *vi.timer_expired_backup;
  c.garp = vrrp::GarpConfig{.master_delay = *vi.garp_master_delay,
                            .master_repeat = *vi.garp_master_repeat,
                            .master_refresh = *vi.garp_master_refresh,
                            .master_refresh_repeat = *vi.garp_master_refresh_repeat,
                            .lower_prio_delay = *vi.garp_lower_prio_delay,
                            .lower_prio_repeat = *vi.garp_lower_prio_repeat};
  c.startup_delay = std::max(*cfg.global_defs.vrrp_startup_delay, *cfg.global_defs.vrrp_delay_after_boot);
  c.primary_address = source;
  c.accept = *vi.accept;
  for (const auto& g : cfg.sync_groups) {
    for (const auto& member : g.group) c.in_sync_group = c.in_sync_group || member == vi.name;
  }
  return c;
}

net::Result<net::LinkEvent> KernelView::link(const std::string& name) {
  if (auto it = by_name_.find(name); it != by_name_.end()) return it->second;
  auto l = nl_.get_link(name);
  if (l) by_name_.emplace(name, *l);
  return l;
}

net::Result<net::LinkEvent> KernelView::link(int ifindex) {
  if (auto it = by_index_.find(ifindex); it != by_index_.end()) return it->second;
  auto l = nl_.get_link(ifindex);
  if (l) by_index_.emplace(ifindex, *l);
  return l;
}

net::Result<const std::vector<net::AddressEvent>*> KernelView::addresses(int family) {
  auto& slot = family == AF_INET ? v4_ : v6_;
  if (!slot) {
    auto d = nl_.dump_addresses(family);
    if (!d) return d.error();
    slot.emplace(std::move(*d));
  }
  return &*slot;
}

net::Result<vrrp::IpAddress> KernelView::primary_ipv4(int ifindex) {
  if (auto it = primary4_.find(ifindex); it != primary4_.end()) return it->second;
  auto a = addresses(AF_INET);
  if (!a) return a.error();
  return primary4_.emplace(ifindex, net::primary_ipv4_in(**a, ifindex)).first->second;
}

net::Result<vrrp::IpAddress> KernelView::link_local_ipv6(int ifindex) {
  if (auto it = link_local6_.find(ifindex); it != link_local6_.end()) return it->second;
  auto a = addresses(AF_INET6);
  if (!a) return a.error();
  return link_local6_.emplace(ifindex, net::link_local_ipv6_in(**a, ifindex)).first->second;
}

std::optional<IpAddress> KernelView::source_address(Family family, int ifindex) {
  auto p = family == Family::inet ? primary_ipv4(ifindex) : link_local_ipv6(ifindex);
  if (!p) return std::nullopt;
  return *p;
}

net::Result<std::unique_ptr<RtInstance>> build_instance(const config::Config& cfg,
                                                        const config::VrrpInstance& vi,
                                                        KernelView& kv) {
  const std::string& ifname = *vi.interface;
  auto base_link = kv.link(ifname);
  net::Result<int> base = base_link ? net::Result<int>(base_link->ifindex) : net::Result<int>(base_link.error());
  if (!base) return net::make_error(base.error().code, fmt::format("({}) interface {}: {}", vi.name, ifname, base.error().str()));

  // The family is the first VIP's (config rules derive the same), else the source's.
  Family family = Family::inet;
  if (!vi.virtual_ipaddress.empty()) family = vi.virtual_ipaddress.front().addr.family();
  else if (vi.mcast_src_ip.is_set) family = vi.mcast_src_ip->family();
  else if (!vi.unicast_peer.empty()) family = vi.unicast_peer.front().addr.family();

  // No usable source address on the interface is not an error: the instance starts in FAULT
  // and leaves it when one appears (reference §4.10; the engine follows address events).
  const bool auto_source = !(vi.mcast_src_ip.is_set && vi.mcast_src_ip->family() == family);
  std::optional<IpAddress> found = auto_source ? kv.source_address(family, *base) : *vi.mcast_src_ip;
  const IpAddress source = found.value_or(unspecified_address(family));

  const vrrp::InstanceConfig fc = fsm_config_of(cfg, vi, source);
  auto in = std::make_unique<RtInstance>(fc);
  in->ifname = ifname;
  in->base_ifindex = *base;
  in->ifindex = *base;
  in->source = source;
  in->auto_source = auto_source;
  in->has_source = found.has_value();
  in->key = InstanceKey{.vrid = vi.virtual_router_id->value, .family = family, .unicast = !vi.unicast_peer.empty()};

  std::string vip_dev = ifname;
  if (*vi.use_vmac) {
    auto vmac = net::Vmac::create({.parent_ifindex = *base, .vrid = *vi.virtual_router_id,
                                   .family = family, .name = vi.vmac_name.value});
    if (!vmac) return net::make_error(vmac.error().code, fmt::format("({}) VMAC: {}", vi.name, vmac.error().str()));
    in->vmac.emplace(std::move(*vmac));
    in->ifindex = in->vmac->ifindex();
    in->mac = in->vmac->mac();
    vip_dev = in->vmac->name();
  } else {
    auto link = kv.link(*base);
    if (!link) return link.error();
    std::copy_n(link->mac.begin(), std::min<std::size_t>(link->mac.size(), 6), in->mac.begin());
    in->link_up = link->oper_up();
  }
  if (family == Family::inet6) in->ipv6_router = [&] { auto f = net::ipv6_forwarding(ifname); return f && *f; }();

  for (const auto& a : vi.virtual_ipaddress) {
    if (a.addr.family() == family) in->advert_vips.push_back(a.addr);
  }
  CompactVector<bool> tracked;
  for (const auto* list : {&vi.virtual_ipaddress, &vi.virtual_ipaddress_excluded}) {
    for (const auto& a : *list) {
      auto idx = vip_ifindex(kv, a, in->ifindex);
      if (!idx) return net::make_error(idx.error().code, fmt::format("({}) VIP {}: {}", vi.name, a.addr.to_string(), idx.error().str()));
      in->vip_specs.push_back(address_spec(a, *idx));
      tracked.push_back(!a.no_track);
    }
  }
  in->vip_tracked.assign(std::move(tracked));  // (moved from: empty again)
  // Only lines naming their own `dev` need it kept (vip_text below).
  const auto own_dev = [](const config::AddressLine& a) { return !a.dev.empty(); };
  if (std::any_of(vi.virtual_ipaddress.begin(), vi.virtual_ipaddress.end(), own_dev) ||
      std::any_of(vi.virtual_ipaddress_excluded.begin(), vi.virtual_ipaddress_excluded.end(), own_dev)) {
    for (const auto* list : {&vi.virtual_ipaddress, &vi.virtual_ipaddress_excluded}) {
      for (const auto& a : *list) in->vip_devs.push_back(a.dev);
    }
  }
  in->vip_lines = static_cast<std::uint16_t>(vi.virtual_ipaddress.size());
  in->promote_secondaries = *vi.promote_secondaries;
  in->dont_track_primary = *vi.dont_track_primary;  // (attach_tracking sets it again at a reload)
  in->strict_mode = *vi.strict_mode;
  // virtual_routes / virtual_rules: installed with the VIPs (multipath and ip-route metrics
  // such as mtu are not mapped yet: such a line is skipped with a log line by the engine).
  for (const auto& r : vi.virtual_routes) {
    auto rs = route_spec_of(r, kv, in->ifindex);
    if (!rs) return net::make_error(rs.error().code, fmt::format("({}) {}", vi.name, rs.error().str()));
    if (!*rs) {
      in->unsupported_lines.push_back(fmt::format("virtual_route to {}/{}", r.dst.to_string(), r.dst_prefix));
      continue;
    }
    in->route_specs.push_back(**rs);
    tracked.push_back(!r.no_track);
  }
  in->route_tracked.assign(std::move(tracked));  // (moved from: empty again)
  for (const auto& r : vi.virtual_rules) {
    in->rule_specs.push_back(rule_spec_of(r));
    tracked.push_back(!r.no_track);
  }
  in->rule_tracked.assign(std::move(tracked));

  for (const auto& p : vi.unicast_peer) {
    in->peers.push_back(vrrp::UnicastPeer{.address = p.addr, .min_ttl = p.min_ttl.value_or(0),
                                          .max_ttl = p.max_ttl.value_or(255)});
  }

  in->group = *vi.mcast_dst_ip;
  if (in->group.family() != family) in->group = IpAddress::vrrp_group(family);
  in->ttl = in->peers.empty() ? 255 : *vi.unicast_ttl;

  const vrrp::ChecksumRule rule = checksum_rule(vi);
  const auto interval_cs = std::chrono::duration_cast<vrrp::Centiseconds>(*vi.advert_int);
  in->expect = vrrp::Expectations{
      .version = *vi.version,
      .family = family,
      .vrid = *vi.virtual_router_id,
      .auth_type = *vi.auth_type,
      .auth_pass = auth_bytes(*vi.auth_pass),
      .advert_interval = interval_cs,
      .vips = in->advert_vips,
      .check_vips = !*vi.skip_check_adv_addr,
      .unicast = !in->peers.empty(),
      .peers = in->peers,
      .check_unicast_source = *vi.check_unicast_src,
      .checksum = rule,
      .detect_old_unicast_checksum = *vi.old_unicast_checksum != config::OldChecksum::never};
  in->advert = vrrp::AdvertFields{.version = *vi.version,
                                  .family = family,
                                  .vrid = *vi.virtual_router_id,
                                  .priority = *vi.priority,
                                  .interval = interval_cs,
                                  .auth_type = *vi.version == vrrp::Version::v2 ? *vi.auth_type : vrrp::AuthType::none,
                                  .auth_data = auth_bytes(*vi.auth_pass),
                                  .addresses = in->advert_vips};
  return in;
}

}  // namespace vigil::runtime
