#include "runtime/garp_pacer.h"

#include <algorithm>

namespace vigil::runtime {

void GarpPacer::set_interval(int ifindex, bool v6, event::Duration interval) {
  lanes_[{ifindex, v6}].interval = interval;
}

void GarpPacer::clear_intervals() {
  for (auto& [key, lane] : lanes_) lane.interval = event::Duration::zero();
}

void GarpPacer::submit(RtInstance& in, const vrrp::IpAddress& address) {
  auto it = lanes_.find({in.ifindex, !address.is_v4()});
  if (it == lanes_.end() || it->second.interval <= event::Duration::zero()) {
    send_(in, address);
    return;
  }
  Lane& lane = it->second;
  const event::TimePoint now = loop_.clock().now();
  if (lane.queue.empty() && now >= lane.next) {
    lane.next = now + lane.interval;
    send_(in, address);
    return;
  }
  lane.queue.push_back(Item{&in, address});
  if (!lane.timer.active()) {
    lane.timer = loop_.add_timer_at(lane.next, [this, l = &lane](const event::Fired&) { on_timer(*l); });
  }
}

void GarpPacer::on_timer(Lane& lane) {
  if (lane.queue.empty()) return;
  const Item item = lane.queue.front();
  lane.queue.pop_front();
  lane.next = loop_.clock().now() + lane.interval;
  if (!lane.queue.empty()) {
    lane.timer = loop_.add_timer_at(lane.next, [this, l = &lane](const event::Fired&) { on_timer(*l); });
  }
  send_(*item.in, item.address);
}

void GarpPacer::forget(const RtInstance& in) {
  for (auto& [key, lane] : lanes_) {
    std::erase_if(lane.queue, [&](const Item& i) { return i.in == &in; });
    if (lane.queue.empty()) lane.timer.cancel();
  }
}

std::size_t GarpPacer::queued() const {
  std::size_t n = 0;
  for (const auto& [key, lane] : lanes_) n += lane.queue.size();
  return n;
}

}  // namespace vigil::runtime
