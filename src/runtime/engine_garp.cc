// Gratuitous ARPs / unsolicited NAs of a MASTER (reference §4.11): a burst is `count` rounds over
// the instance's VIPs and eVIPs on its interface (VIP1, VIP2, …, VIP1, VIP2, … as keepalived
// orders them), each frame handed to the per-interface pacer (garp_pacer.h), which sends it now
// or when `vrrp_garp_interval` / `vrrp_gna_interval` / the interface's `garp_group` allows.
#include <fmt/format.h>

#include "runtime/engine.h"

namespace vigil::runtime {

using vrrp::LogLevel;

void Engine::configure_garp_pacing() {
  garp_pacer_.clear_intervals();
  const auto& g = config_->global_defs;
  for (const auto& in : instances_) {
    event::Duration v4 = *g.vrrp_garp_interval, v6 = *g.vrrp_gna_interval;
    const std::string vmac_name = in->vmac ? in->vmac->name() : std::string();
    for (const auto& group : config_->garp_groups) {
      for (const auto& name : group.interfaces) {
        if (name != in->ifname && name != vmac_name) continue;
        if (group.garp_interval.is_set) v4 = *group.garp_interval;
        if (group.gna_interval.is_set) v6 = *group.gna_interval;
      }
    }
    garp_pacer_.set_interval(in->ifindex, false, v4);
    garp_pacer_.set_interval(in->ifindex, true, v6);
  }
}

void Engine::forget_garps(RtInstance& in) {
  garp_pacer_.forget(in);
  std::erase_if(deferred_garps_, [&](const auto& d) { return d.first == &in; });
}

void Engine::run_deferred_garps() {
  if (deferred_garps_.empty()) return;
  const auto bursts = std::move(deferred_garps_);
  deferred_garps_.clear();
  for (const auto& [in, count] : bursts) send_garps(*in, count);
}

void Engine::send_garps(RtInstance& in, std::uint32_t count) {
  if (count == 0 || in.vip_specs.empty()) return;
  if (nl_flush_.active()) {  // the VIPs are still queued: announce them once they are there
    deferred_garps_.emplace_back(&in, count);
    return;
  }
  if (!in.garp) {
    auto opened = net::GarpSender::open(in.ifindex, in.mac);
    if (!opened) {
      log(LogLevel::error, fmt::format("({}) gratuitous ARP socket: {}", in.name, opened.error().str()));
      return;
    }
    in.garp.emplace(std::move(*opened));
  }
  for (const auto& spec : in.vip_specs) {
    if (spec.ifindex != in.ifindex) continue;  // a VIP on another interface: its own GARPs are not ours
    log(LogLevel::debug, fmt::format("({}) Sending/queueing {} on {} for {}", in.name,
                                     spec.address.is_v4() ? "gratuitous ARPs" : "Unsolicited Neighbour Adverts",
                                     in.vmac ? in.vmac->name() : in.ifname, spec.address.to_string()));
  }
  for (std::uint32_t round = 0; round < count; ++round) {
    for (const auto& spec : in.vip_specs) {
      if (spec.ifindex == in.ifindex) garp_pacer_.submit(in, spec.address);
    }
  }
}

void Engine::send_one_garp(RtInstance& in, const vrrp::IpAddress& address) {
  if (!in.garp) return;
  auto st = address.is_v4() ? in.garp->send_garp(address) : in.garp->send_na(address, in.ipv6_router);
  if (!st) {
    if (!in.garp_failing) {
      log(LogLevel::error, fmt::format("({}) GARP/NA for {}: {}", in.name, address.to_string(), st.error().str()));
    }
    in.garp_failing = true;
    return;
  }
  in.garp_failing = false;
  ++in.tx.garps_sent;
}

}  // namespace vigil::runtime
