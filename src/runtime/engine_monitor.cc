// Inputs from the kernel: VRRP packets (validated by the codec, dispatched by VRID) and
// rtnetlink events:
//  * link down/up of an instance's interface → FAULT / back to BACKUP;
//  * addresses: an instance without a configured source follows its interface's primary IPv4
//    (or link-local IPv6) address; none left → FAULT ("no IPv4 address for interface"), one
//    back → BACKUP (reference §4.10);
//  * a VIP, virtual route or rule of a MASTER deleted by someone else (and really gone: the
//    notification may be the echo of our own earlier removal) → vip_lost: the instance sends
//    priority 0, waits Skew_Time as BACKUP and re-adds everything as MASTER. `no_track` entries
//    are not watched.
#include <fmt/format.h>

#include <algorithm>

#include <sys/socket.h>
#include <time.h>

#include <variant>

#include "net/interfaces.h"
#include "net/netlink_match.h"
#include "runtime/engine.h"
#include "runtime/instance_builder.h"
#include "vrrp/advert_event.h"

namespace vigil::runtime {

using event::Fired;
using vrrp::LogLevel;

void Engine::watch_channel(Channel& ch) {
  ch.read_task = loop_.add_read(ch.rx_fd(), [this, c = &ch](const Fired& f) {
    if (f.ok()) on_readable(*c);
  }, std::nullopt, {.persistent = true});
}

// Receive coalescing. A master whose instances fall due together sends a burst (1,000 adverts
// in a few ms, interface after interface); read packet by packet, every one of them would wake
// us — a cross-CPU wake-up paid in the sender's softirq, a context switch, an epoll pass. So
// when a socket turns readable within kRxHold of the previous read (of any socket), a burst is
// on: stop watching every socket and read them all once more kRxHold later (again and again
// while a pass finds packets), then watch them as before. A lone packet is still read at once;
// a packet of a burst waits at most kRxHold (1 ms, against a Master_Down_Interval of at least
// 3 × 10 ms).
void Engine::on_readable(Channel& ch) {
  const event::TimePoint now = loop_.now();
  const bool burst = now - rx_last_read_ < kRxHold;
  rx_last_read_ = now;
  const RxNow rx = rx_now();
  auto drained = ch.drain([&](const net::RecvPacket& p) { on_packet(ch, p, rx); });
  if (!drained) log(LogLevel::error, fmt::format("VRRP receive: {}", drained.error().str()));
  if (!burst || !drained || drained->packets == 0 || rx_hold_.active()) return;
  for (auto& c : channels_) c->read_task.cancel();
  rx_hold_ = loop_.add_timer_at(drained->limit_reached ? now : now + kRxHold,
                                [this](const Fired&) { on_rx_hold(); });
}

void Engine::on_rx_hold() {
  const event::TimePoint now = loop_.now();
  rx_last_read_ = now;
  bool any = false, full = false;
  const RxNow rx = rx_now();
  // By index: a packet may start or stop instances, but channels_ only changes at setup/reload.
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    Channel& ch = *channels_[i];
    auto drained = ch.drain([&](const net::RecvPacket& p) { on_packet(ch, p, rx); });
    if (!drained) {
      log(LogLevel::error, fmt::format("VRRP receive: {}", drained.error().str()));
      continue;
    }
    any = any || drained->packets > 0;
    full = full || drained->limit_reached;
  }
  if (any) {
    // A full pass (a queue may hold more): come back after whatever else is due, not later.
    rx_hold_ = loop_.add_timer_at(full ? now : now + kRxHold, [this](const Fired&) { on_rx_hold(); });
    return;
  }
  for (auto& c : channels_) {
    if (!c->read_task.active()) watch_channel(*c);
  }
}

void Engine::on_packet(Channel& ch, const net::RecvPacket& p, const RxNow& now) {
  if (p.truncated) {
    ch.router_rx.add(vrrp::DropReason::bad_length);
    return;
  }
  vrrp::RxMeta meta = p.meta;
  const auto advert = ch.key().family == vrrp::Family::inet ? vrrp::decode_ipv4(p.ip_packet, meta)
                                                            : vrrp::decode(p.payload, vrrp::Family::inet6);
  if (!advert) {
    ch.router_rx.add(advert.error());
    return;
  }
  RtInstance* in = ch.find(advert->vrid);
  if (in == nullptr) {
    ch.router_rx.add(vrrp::DropReason::vrid_mismatch);
    return;
  }
  const vrrp::Verdict v = vrrp::validate(*advert, meta, in->expect);
  vrrp::count(in->rx, v, *advert);
  if (!v.accepted()) return;
  if (v.old_unicast_checksum && in->expect.checksum.mode != vrrp::V3Checksum::old_unicast) {
    in->expect.checksum.mode = vrrp::V3Checksum::old_unicast;
    log(LogLevel::info, fmt::format("({}) Setting unicast VRRPv3 checksum to old version", in->name));
  }
  step(*in, vrrp::Event::advert_from(vrrp::to_received_advert(*advert, meta, v, in->expect)), arrival_of(p, now));
}

// When the packet arrived, on the loop's clock: the kernel's receive stamp (wall clock) is an
// age, taken back from now. Receive coalescing reads a burst up to kRxHold late, a busy loop
// later still; the timer an advert sets (Master_Down, RFC 5798 §6.4.2: Skew_Time after a
// priority 0) counts from its arrival, not from when we got to it. A stamp from the future, or
// older than kMaxRxAge (the wall clock was stepped), is not used. `now` is read once per
// receive pass: a packet that came in during the pass is then "from the future" and counts
// from the pass's start, as every packet did before stamps.
vrrp::TimePoint Engine::arrival_of(const net::RecvPacket& p, const RxNow& now) const {
  constexpr std::int64_t kMaxRxAge = 100'000'000;  // ns
  if (p.arrival_ns == 0) return now.mono;
  const std::int64_t age = now.wall_ns - p.arrival_ns;
  if (age < 0 || age > kMaxRxAge) return now.mono;
  return now.mono - std::chrono::duration_cast<vrrp::TimePoint::duration>(std::chrono::nanoseconds(age));
}

Engine::RxNow Engine::rx_now() const {
  timespec wall{};
  ::clock_gettime(CLOCK_REALTIME, &wall);
  return {loop_.clock().now(), static_cast<std::int64_t>(wall.tv_sec) * 1'000'000'000 + wall.tv_nsec};
}

namespace {

// Routes and rules are watched only when some instance installs them: a router with a full
// routing table would otherwise wake us for every route change.
net::MonitorGroups groups_for(const config::Config& cfg) {
  net::MonitorGroups g{.links = true, .addresses = true, .routes = false, .rules = false};
  g.routes = !cfg.static_routes.empty();
  g.rules = !cfg.static_rules.empty();
  for (const auto& vi : cfg.vrrp_instances) {
    g.routes = g.routes || !vi.virtual_routes.empty();
    g.rules = g.rules || !vi.virtual_rules.empty();
  }
  return g;
}

bool is_master_with_vips(const RtInstance& in) {
  return in.fsm.state() == vrrp::State::master && in.vips_installed;
}

}  // namespace

bool Engine::monitor_needs_reopen() const {
  const net::MonitorGroups want = groups_for(*config_);
  return !monitor_ || (want.routes && !monitor_groups_.routes) || (want.rules && !monitor_groups_.rules);
}

void Engine::open_monitor() {
  monitor_task_.cancel();
  monitor_.reset();
  monitor_groups_ = groups_for(*config_);
  auto mon = net::NetlinkMonitor::open(monitor_groups_);
  if (!mon) {
    log(LogLevel::error, fmt::format("Netlink reflector: {} - interface changes will not be seen",
                                     mon.error().str()));
    return;
  }
  monitor_.emplace(std::move(*mon));
  // Our own VIP adds are not read back (finish_netlink() stands in for them where it matters).
  own_adds_filtered_ = nl_worker_ && monitor_->ignore_new_addresses_from(nl_worker_->portid());
  monitor_task_ = loop_.add_read(monitor_->fd(), [this](const Fired& f) {
    if (f.ok()) on_monitor();
  }, std::nullopt, {.persistent = true});
}

void Engine::on_monitor() {
  // A new address matters only to an instance without a source address (on_address: auto
  // source, track_src_ip). With none, a burst of them — our own 1,000 VIPs going in on a
  // takeover — is skipped without walking every instance per event. Worked out once per drain,
  // again after any event that can take a source away.
  std::optional<bool> sourceless;
  auto new_address_matters = [&] {
    if (!sourceless) {
      sourceless = std::any_of(instances_.begin(), instances_.end(), [](const auto& in) { return !in->has_source; });
    }
    return *sourceless;
  };
  auto drained = monitor_->drain([&](const net::NetlinkMessage& m) {
    if (const auto* link = std::get_if<net::LinkEvent>(&m)) {
      sourceless.reset();
      if (!waiting_.empty() && !link->deleted) on_new_link(*link);
      on_link(link->ifindex, !link->deleted && link->oper_up());
    } else if (const auto* addr = std::get_if<net::AddressEvent>(&m)) {
      if (!addr->deleted && !new_address_matters()) return;
      sourceless.reset();
      on_address(*addr);
    } else if (const auto* route = std::get_if<net::RouteEvent>(&m)) {
      sourceless.reset();
      on_route(*route);
    } else if (const auto* rule = std::get_if<net::RuleEvent>(&m)) {
      sourceless.reset();
      on_rule(*rule);
    }
  });
  if (!drained) {
    log(LogLevel::error, fmt::format("Netlink reflector: {}", drained.error().str()));
    return;
  }
  if (drained->overrun && nl_) {
    log(LogLevel::warning, "Netlink: Received message overrun (No buffer space available)");
    if (auto links = nl_->dump_links()) {
      for (const auto& l : *links) on_link(l.ifindex, l.oper_up());
    }
    for (auto& in : instances_) {
      if (in->auto_source) refresh_source(*in, auto_source_address(*nl_, in->key.family, in->base_ifindex));
    }
  }
}

void Engine::set_usable(RtInstance& in, bool was_usable) {
  if (in.usable() == was_usable) return;
  step(in, vrrp::Event::of(in.usable() ? vrrp::EventKind::interface_up : vrrp::EventKind::interface_down));
}

// interface_up_down_delays (reference §4.10): a change of the interface's state must last the
// delay before anything reacts; a flap back within it is absorbed. The delay is cut below
// (down_timer_adverts − 1) × advert interval of the instances on the interface, so a real
// failure is still seen before the peers' master-down timers run out.
event::Duration Engine::link_delay(int ifindex, bool up) const {
  const config::InterfaceDelay* conf = nullptr;
  event::Duration cap = event::Duration::max();
  for (const auto& in : instances_) {
    if (in->base_ifindex != ifindex) continue;
    for (const auto& d : config_->interface_up_down_delays) {
      if (d.interface == in->ifname) conf = &d;
    }
    const auto adverts = static_cast<int>(in->fsm.config().down_timer_adverts) - 1;
    cap = std::min(cap, std::chrono::duration_cast<event::Duration>(adverts * in->fsm.config().advert_interval));
  }
  if (conf == nullptr) return event::Duration::zero();
  const event::Duration want = std::chrono::duration_cast<event::Duration>(up ? conf->up : conf->down);
  return std::max(event::Duration::zero(), std::min(want, cap - std::chrono::milliseconds(1)));
}

void Engine::on_link(int ifindex, bool up) {
  const event::Duration delay = link_delay(ifindex, up);
  auto it = debounce_.find(ifindex);
  if (delay <= event::Duration::zero() && (it == debounce_.end() || !it->second.timer.active())) {
    if (it != debounce_.end()) it->second.applied_up = up;
    apply_link(ifindex, up);
    return;
  }
  LinkDebounce& d = debounce_[ifindex];
  if (!d.known) {
    d.known = true;
    for (const auto& in : instances_) {
      if (in->base_ifindex == ifindex) d.applied_up = in->link_up;
    }
  }
  if (up == d.applied_up) {  // back to what the instances know: the flap is absorbed
    if (d.timer.active()) {
      d.timer.cancel();
      log(LogLevel::info, fmt::format("Netlink: interface {} back {} within its delay - ignored", ifindex,
                                      up ? "up" : "down"));
    }
    return;
  }
  if (d.timer.active()) return;  // this change is already waiting out its delay
  d.timer = loop_.add_timer(delay, [this, ifindex, up](const Fired&) {
    debounce_[ifindex].applied_up = up;
    apply_link(ifindex, up);
  });
}

void Engine::apply_link(int ifindex, bool up) {
  track_link(ifindex, up);  // track_interface (engine_tracking.cc)
  bool logged = false;
  for (auto& in : instances_) {
    if (in->base_ifindex != ifindex || in->link_up == up || in->dont_track_primary) continue;
    if (!logged) {
      log(LogLevel::info, fmt::format("Netlink reports {} {}", in->ifname, up ? "up" : "down"));
      logged = true;
    }
    const bool was = in->usable();
    in->link_up = up;
    set_usable(*in, was);
  }
}

// The advert source of an instance that takes it from its interface: `found` is what the
// interface offers now (nullopt: nothing usable).
void Engine::refresh_source(RtInstance& in, const std::optional<vrrp::IpAddress>& found) {
  if (found.has_value() == in.has_source && (!found || *found == in.source)) return;
  const bool was = in.usable();
  const bool v4 = in.key.family == vrrp::Family::inet;
  if (found) {
    log(LogLevel::info, fmt::format("({}) using {} as the advert source on {}", in.name, found->to_string(), in.ifname));
    in.source = *found;
  } else {
    log(LogLevel::info, fmt::format("({}) entering FAULT state (no {} address for interface)", in.name,
                                    v4 ? "IPv4" : "IPv6 link-local"));
    in.source = unspecified_address(in.key.family);
  }
  in.has_source = found.has_value();
  in.fsm.set_primary_address(in.source);
  // The sockets are keyed by the source where it matters (unicast bind, IPv6 pktinfo).
  if (in.channel != nullptr && (!in.peers.empty() || !v4)) {
    release_channel(in);
    if (channel_for(in) == nullptr) in.has_source = false;
  }
  set_usable(in, was);
}

void Engine::on_address(const net::AddressEvent& ev) {
  if (!nl_) return;
  if (ev.deleted) restore_static_address(ev);
  track_source(ev);  // track_src_ip (engine_tracking.cc)
  std::optional<std::optional<vrrp::IpAddress>> resolved;  // one lookup per event, shared
  for (auto& inp : instances_) {
    RtInstance& in = *inp;
    if (ev.deleted && is_master_with_vips(in)) {
      for (std::size_t i = 0; i < in.vip_specs.size(); ++i) {
        if (!in.vip_tracked[i] || !net::same_address(in.vip_specs[i], ev)) continue;
        auto now = net::addresses_of(*nl_, ev.ifindex, AF_UNSPEC);
        bool present = false;
        if (now) {
          for (const auto& a : *now) present = present || net::same_address(in.vip_specs[i], a);
        }
        if (present) break;  // the echo of our own remove-then-add
        log(LogLevel::info, fmt::format("({}) VIP {} was deleted - leaving MASTER to re-add it", in.name,
                                        vip_text(in, i)));
        step(in, vrrp::Event::of(vrrp::EventKind::vip_lost));
        break;
      }
    }
    // Source address tracking: only a deletion of the current source, or any change while we
    // have none, can change the answer (VIPs coming and going do not trigger a lookup).
    if (!in.auto_source || ev.ifindex != in.base_ifindex || ev.family != in.key.family) continue;
    const bool relevant = in.has_source ? (ev.deleted && ev.address == in.source) : !ev.deleted;
    if (!relevant) continue;
    if (!resolved) resolved = auto_source_address(*nl_, in.key.family, in.base_ifindex);
    refresh_source(in, *resolved);
  }
}

void Engine::on_route(const net::RouteEvent& ev) {
  if (!ev.deleted || !nl_) return;
  restore_static_route(ev);
  for (auto& inp : instances_) {
    RtInstance& in = *inp;
    if (!is_master_with_vips(in)) continue;
    for (std::size_t i = 0; i < in.route_specs.size(); ++i) {
      if (!in.route_tracked[i] || !net::same_route(in.route_specs[i], ev)) continue;
      auto now = nl_->dump_routes(ev.family == vrrp::Family::inet ? AF_INET : AF_INET6);
      bool present = false;
      if (now) {
        for (const auto& r : *now) present = present || net::same_route(in.route_specs[i], r);
      }
      if (present) break;
      log(LogLevel::info, fmt::format("({}) virtual route {}/{} was deleted - leaving MASTER to re-add it", in.name,
                                      ev.dst ? ev.dst->to_string() : "default", ev.dst_prefix));
      step(in, vrrp::Event::of(vrrp::EventKind::vip_lost));
      break;
    }
  }
}

void Engine::on_rule(const net::RuleEvent& ev) {
  if (!ev.deleted || !nl_) return;
  restore_static_rule(ev);
  for (auto& inp : instances_) {
    RtInstance& in = *inp;
    if (!is_master_with_vips(in)) continue;
    for (std::size_t i = 0; i < in.rule_specs.size(); ++i) {
      if (!in.rule_tracked[i] || !net::same_rule(in.rule_specs[i], ev)) continue;
      auto now = nl_->dump_rules(ev.family == vrrp::Family::inet ? AF_INET : AF_INET6);
      bool present = false;
      if (now) {
        for (const auto& r : *now) present = present || net::same_rule(in.rule_specs[i], r);
      }
      if (present) break;
      log(LogLevel::info, fmt::format("({}) virtual rule to table {} was deleted - leaving MASTER to re-add it",
                                      in.name, ev.table));
      step(in, vrrp::Event::of(vrrp::EventKind::vip_lost));
      break;
    }
  }
}

// dynamic_interfaces: an instance configured on an interface that did not exist starts when the
// interface appears (its sockets, VMAC and start-up as at daemon start).
void Engine::on_new_link(const net::LinkEvent& link) {
  if (!nl_) return;
  KernelView kv(*nl_);
  for (const auto& vi : config_->vrrp_instances) {
    if (*vi.interface != link.name) continue;
    if (std::erase(waiting_, vi.name) == 0) continue;
    std::erase(failed_, vi.name);
    log(LogLevel::info, fmt::format("Interface {} added - starting ({})", link.name, vi.name));
    const std::size_t before = instances_.size();
    add_instance(vi, kv);
    if (instances_.size() == before) continue;
    RtInstance& in = *instances_.back();
    if (in.fsm.config().in_sync_group) rebuild_sync_groups();
    configure_garp_pacing();
    startup(in);
  }
}

}  // namespace vigil::runtime
