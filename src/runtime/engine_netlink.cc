// The VIP, virtual route and rule changes queued by change_vips/change_routes (engine_actions.cc):
// every change of one loop pass goes out as one netlink batch (many requests per sendmsg,
// errors matched back by sequence number: net::Netlink::prepare/transmit/results), on the
// netlink worker thread (net/netlink_worker.h) so that the kernel's ~10 µs per address runs
// beside the loop instead of in it. Errors are matched back to their instance and VIP/route by
// the batch index, and the GARP bursts that waited for a batch's VIPs go out when it is done
// (advert, then VIPs, then GARPs — reference §4.4).
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

#include "runtime/engine.h"

namespace vigil::runtime {

using event::Fired;
using vrrp::LogLevel;

void Engine::open_netlink_worker() {
  auto w = net::NetlinkWorker::open();
  if (!w) {  // the changes are then made on the loop thread, as they are sent
    log(LogLevel::warning, fmt::format("netlink worker: {} - VIP changes made in line", w.error().str()));
    return;
  }
  nl_worker_ = std::move(*w);
  nl_worker_task_ = loop_.add_read(nl_worker_->event_fd(), [this](const Fired& f) {
    if (f.ok()) on_netlink_done();
  }, std::nullopt, {.persistent = true});
}

// The queued changes go out from a zero-delay task, after everything else due in this loop
// pass — or, with the worker, as soon as there are kEarlySubmit: a pass in which 1,000 instances
// become MASTER then has the worker adding the first VIPs while the loop still steps the rest.
// The adverts queued so far go first (advert, then VIPs).
namespace {
constexpr std::size_t kEarlySubmit = 128;  // one chunk (32 measured worse with receive coalescing)
}  // namespace

void Engine::netlink_queued() {
  if (nl_worker_ && nl_changes_.size() >= kEarlySubmit) {
    flush_adverts();
    submit_netlink();
    return;
  }
  if (!nl_flush_.active()) nl_flush_ = loop_.add_timer_at(loop_.now(), [this](const Fired&) { submit_netlink(); });
}

// The zero-delay task armed by netlink_queued().
void Engine::submit_netlink() {
  nl_flush_.cancel();
  if (!nl_batch_ || nl_changes_.empty()) {
    nl_batch_.reset();
    nl_changes_.clear();
    if (nl_jobs_.empty()) {
      run_deferred_garps();
    } else {  // after the batch still in flight
      auto& garps = nl_jobs_.back().garps;
      garps.insert(garps.end(), deferred_garps_.begin(), deferred_garps_.end());
      deferred_garps_.clear();
    }
    return;
  }
  const net::NetlinkBatch batch = std::move(*nl_batch_);
  std::vector<NlChange> changes = std::move(nl_changes_);
  nl_batch_.reset();
  nl_changes_.clear();
  if (!nl_worker_) {
    finish_netlink(changes, nl_->commit(batch));
    run_deferred_garps();
    return;
  }
  nl_worker_->submit(batch);
  // Bursts still settling go after this batch too (the wave goes on).
  garp_settle_.cancel();
  std::vector<std::pair<RtInstance*, std::uint32_t>> garps = std::move(settling_garps_);
  settling_garps_.clear();
  garps.insert(garps.end(), deferred_garps_.begin(), deferred_garps_.end());
  deferred_garps_.clear();
  nl_jobs_.push_back(NlJob{std::move(changes), std::move(garps)});
}

// Also called directly before instances can go away (reload, stop, destruction), so no entry
// outlives its instance, and before the engine talks to the kernel itself (reload diff).
void Engine::flush_netlink() {
  submit_netlink();
  if (nl_worker_ && !nl_jobs_.empty()) {
    nl_worker_->wait_all();
    on_netlink_done();
  }
}

void Engine::on_netlink_done() {
  auto done = nl_worker_->take_completed();
  for (auto& results : done) {
    if (nl_jobs_.empty()) break;  // cannot happen: one job per submitted batch
    NlJob job = std::move(nl_jobs_.front());
    nl_jobs_.pop_front();
    finish_netlink(job.changes, results);
    if (!nl_jobs_.empty()) {
      // More batches in flight (a mass takeover): their VIPs first, then every burst — frames
      // put on the wire now would only slow the worker's address adds down.
      auto& next = nl_jobs_.front().garps;
      next.insert(next.begin(), job.garps.begin(), job.garps.end());
      continue;
    }
    // The last batch in flight is done. Its bursts wait kGarpSettle for the next batch of the
    // same wave (then they go after that one): ~5 frames per VIP, each crossing the segment
    // in the sender's softirq, would otherwise take the CPU from the wave's remaining
    // takeovers and VIP adds. One takeover announces 2 ms later than it could.
    settling_garps_.insert(settling_garps_.end(), job.garps.begin(), job.garps.end());
    garp_settle_ = loop_.add_timer(kGarpSettle, [this](const Fired&) { release_settled_garps(); });
  }
}

void Engine::release_settled_garps() {
  garp_settle_.cancel();
  const auto bursts = std::move(settling_garps_);
  settling_garps_.clear();
  for (const auto& [in, count] : bursts) submit_garps(*in, count);
}

namespace {

// The notification the kernel would have sent for an address we added.
net::AddressEvent added_address(const net::AddressSpec& spec) {
  return net::AddressEvent{.deleted = false,
                           .ifindex = spec.ifindex,
                           .family = spec.address.family(),
                           .address = spec.address,
                           .peer = spec.peer,
                           .broadcast = spec.broadcast,
                           .prefix = spec.prefix,
                           .scope = spec.scope,
                           .label = spec.label,
                           .proto = spec.proto,
                           .preferred_lft = spec.preferred_lft,
                           .valid_lft = std::nullopt};
}

}  // namespace

void Engine::finish_netlink(const std::vector<NlChange>& changes,
                            const net::Result<std::vector<net::Status>>& results) {
  if (!results) {
    log(LogLevel::error, fmt::format("netlink: {} ({} changes not applied)", results.error().str(), changes.size()));
    return;
  }
  // The monitor does not read back our own VIP adds (open_monitor). They matter only to an
  // instance without a source address (its interface may just have got one): for those, each
  // VIP added stands in for its notification. In the middle of a reload (engine.cc) instances_
  // has gaps (moved to the new list) and nothing is started: no stand-ins then.
  const bool echo = own_adds_filtered_ && !rebuilding_ &&
                    std::any_of(instances_.begin(), instances_.end(), [](const auto& in) { return !in->has_source; });
  for (std::size_t i = 0; i < results->size() && i < changes.size(); ++i) {
    const net::Status& st = (*results)[i];
    if (st && echo && changes[i].what == NlChange::What::vip && changes[i].install) {
      on_address(added_address(changes[i].in->vip_specs[changes[i].index]));
    }
    if (st) continue;
    const NlChange& c = changes[i];
    const int code = st.error().code;
    const RtInstance& in = *c.in;
    switch (c.what) {
      case NlChange::What::vip:
        // Already there (add) / already gone (remove): the wanted end state holds.
        if (c.install && code == EEXIST) continue;
        if (!c.install && (code == EADDRNOTAVAIL || code == ENOENT || code == ENODEV)) continue;
        log(LogLevel::error, fmt::format("({}) cannot {} VIP {}: {}", in.name, c.install ? "add" : "remove",
                                         vip_text(in, c.index), st.error().str()));
        break;
      case NlChange::What::route:
      case NlChange::What::rule:
        if (c.install && code == EEXIST) continue;
        if (!c.install && (code == ESRCH || code == ENOENT)) continue;
        log(LogLevel::error, fmt::format("({}) cannot {} virtual {}: {}", in.name, c.install ? "add" : "remove",
                                         c.what == NlChange::What::rule ? "rule" : "route", st.error().str()));
        break;
    }
  }
}

}  // namespace vigil::runtime
