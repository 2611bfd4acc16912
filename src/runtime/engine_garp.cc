// Gratuitous ARPs / unsolicited NAs of a MASTER (reference §4.11): a burst is `count` rounds over
// the instance's VIPs and eVIPs on its interface (VIP1, VIP2, …, VIP1, VIP2, … as keepalived
// orders them), each frame handed to the per-interface pacer (garp_pacer.h), which sends it now
// or when `vrrp_garp_interval` / `vrrp_gna_interval` / the interface's `garp_group` allows.
#include <fmt/format.h>

#include <algorithm>
#include <array>

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
  std::erase_if(settling_garps_, [&](const auto& d) { return d.first == &in; });
  for (auto& job : nl_jobs_) std::erase_if(job.garps, [&](const auto& d) { return d.first == &in; });
}

void Engine::run_deferred_garps() {
  if (deferred_garps_.empty()) return;
  const auto bursts = std::move(deferred_garps_);
  deferred_garps_.clear();
  for (const auto& [in, count] : bursts) submit_garps(*in, count);
}

void Engine::send_garps(RtInstance& in, std::uint32_t count) {
  if (count == 0 || in.vip_specs.empty()) return;
  if (nl_flush_.active()) {  // the VIPs are still queued: announce them once they are there
    deferred_garps_.emplace_back(&in, count);
    return;
  }
  if (!nl_jobs_.empty()) {  // or on their way (engine_netlink.cc): after the newest batch
    nl_jobs_.back().garps.emplace_back(&in, count);
    return;
  }
  submit_garps(in, count);
}

void Engine::submit_garps(RtInstance& in, std::uint32_t count) {
  for (const auto& spec : in.vip_specs) {
    if (!debug_logging_) break;
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

// One sendmmsg on the interface's packet socket (opened on first use; dropped after a failure,
// so a vanished and recreated interface gets a fresh one).
void Engine::send_garp_batch(int ifindex, std::span<const GarpPacer::Item> items) {
  constexpr std::size_t kMax = GarpPacer::kBatch;
  auto it = garp_sockets_.find(ifindex);
  if (it == garp_sockets_.end()) {
    auto opened = net::GarpSender::open(ifindex, net::Mac{});  // frames carry their own MAC
    if (!opened) {
      for (const auto& item : items) {
        if (!item.in->garp_failing) {
          log(LogLevel::error, fmt::format("({}) gratuitous ARP socket: {}", item.in->name, opened.error().str()));
        }
        item.in->garp_failing = true;
      }
      return;
    }
    it = garp_sockets_.emplace(ifindex, std::move(*opened)).first;
  }
  while (!items.empty()) {
    const std::size_t n = std::min(kMax, items.size());
    std::array<std::array<std::uint8_t, net::kNaFrameSize>, kMax> frames;
    std::array<std::span<const std::uint8_t>, kMax> views;
    std::array<net::Status, kMax> results;
    for (std::size_t i = 0; i < n; ++i) {
      const GarpPacer::Item& item = items[i];
      if (item.address.is_v4()) {
        const auto f = net::build_garp_frame(item.in->mac, item.address);
        std::copy(f.begin(), f.end(), frames[i].begin());
        views[i] = std::span<const std::uint8_t>(frames[i].data(), f.size());
      } else {
        frames[i] = net::build_na_frame(item.in->mac, item.address, item.in->ipv6_router);
        views[i] = std::span<const std::uint8_t>(frames[i].data(), frames[i].size());
      }
    }
    it->second.send_frames(std::span(views.data(), n), std::span(results.data(), n));
    bool failed = false;
    for (std::size_t i = 0; i < n; ++i) {
      RtInstance& in = *items[i].in;
      if (!results[i]) {
        failed = true;
        if (!in.garp_failing) {
          log(LogLevel::error, fmt::format("({}) GARP/NA for {}: {}", in.name, items[i].address.to_string(),
                                           results[i].error().str()));
        }
        in.garp_failing = true;
        continue;
      }
      in.garp_failing = false;
      ++in.tx.garps_sent;
    }
    items = items.subspan(n);
    if (failed) {
      garp_sockets_.erase(it);
      if (!items.empty()) send_garp_batch(ifindex, items);
      return;
    }
  }
}

}  // namespace vigil::runtime
