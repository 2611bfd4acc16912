// Inputs from the kernel: VRRP packets (validated by the codec, dispatched by VRID) and
// rtnetlink link events (interface down → FAULT, up → BACKUP).
#include <fmt/format.h>

#include <variant>

#include "runtime/engine.h"
#include "vrrp/advert_event.h"

namespace vigil::runtime {

using event::Fired;
using vrrp::LogLevel;

void Engine::on_readable(Channel& ch) {
  auto drained = ch.drain([&](const net::RecvPacket& p) { on_packet(ch, p); });
  if (!drained) log(LogLevel::error, fmt::format("VRRP receive: {}", drained.error().str()));
}

void Engine::on_packet(Channel& ch, const net::RecvPacket& p) {
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
  step(*in, vrrp::Event::advert_from(vrrp::to_received_advert(*advert, meta, v, in->expect)));
}

void Engine::open_monitor() {
  auto mon = net::NetlinkMonitor::open(net::MonitorGroups{.links = true, .addresses = false});
  if (!mon) {
    log(LogLevel::error, fmt::format("Netlink reflector: {} - interface changes will not be seen",
                                     mon.error().str()));
    return;
  }
  monitor_.emplace(std::move(*mon));
  monitor_task_ = loop_.add_read(monitor_->fd(), [this](const Fired& f) {
    if (f.ok()) on_monitor();
  }, std::nullopt, {.persistent = true});
}

void Engine::on_monitor() {
  auto drained = monitor_->drain([&](const net::NetlinkMessage& m) {
    if (const auto* link = std::get_if<net::LinkEvent>(&m)) {
      on_link(link->ifindex, !link->deleted && link->oper_up());
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
  }
}

void Engine::on_link(int ifindex, bool up) {
  track_link(ifindex, up);  // track_interface (engine_tracking.cc)
  bool logged = false;
  for (auto& in : instances_) {
    if (in->base_ifindex != ifindex || in->link_up == up || in->dont_track_primary) continue;
    if (!logged) {
      log(LogLevel::info, fmt::format("Netlink reports {} {}", in->ifname, up ? "up" : "down"));
      logged = true;
    }
    in->link_up = up;
    step(*in, vrrp::Event::of(up ? vrrp::EventKind::interface_up : vrrp::EventKind::interface_down));
  }
}

}  // namespace vigil::runtime
