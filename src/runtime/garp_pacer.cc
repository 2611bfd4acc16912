#include "runtime/garp_pacer.h"

#include <algorithm>

namespace vigil::runtime {
namespace {

using namespace std::chrono_literals;
// A drain pass stops after this long (the sockets get polled: adverts keep arriving)...
constexpr event::Duration kSlice = 1ms;
// ...or when a deadline is this close: one more batch could make it late.
constexpr event::Duration kGuard = 250us;
// A loop that is never idle still lets one batch out this often (the first GARP of a takeover
// amid 1,000 others waits at most this long).
constexpr event::Duration kStarve = 10ms;

}  // namespace

void GarpPacer::set_interval(int ifindex, bool v6, event::Duration interval) {
  lanes_[{ifindex, v6}].interval = interval;
}

void GarpPacer::clear_intervals() {
  for (auto& [key, lane] : lanes_) lane.interval = event::Duration::zero();
}

void GarpPacer::submit(RtInstance& in, const vrrp::IpAddress& address) {
  const int ifindex = in.ifindex;
  Lane& lane = lanes_[{ifindex, !address.is_v4()}];
  if (lane.interval <= event::Duration::zero()) {
    lane.queue.push_back(Item{&in, address, in.garp_epoch});
    ++in.garp_items;
    if (!drain_task_.active()) {  // nothing was waiting
      since_ = loop_.clock().now();
      drain_task_ = loop_.add_timer_at(loop_.now(), [this](const event::Fired&) { drain(); });
    }
    return;
  }
  const event::TimePoint now = loop_.clock().now();
  if (lane.queue.empty() && now >= lane.next) {
    lane.next = now + lane.interval;
    const Item one{&in, address, in.garp_epoch};
    send_(ifindex, std::span<const Item>(&one, 1));
    return;
  }
  lane.queue.push_back(Item{&in, address, in.garp_epoch});
  ++in.garp_items;
  if (!lane.timer.active()) {
    lane.timer = loop_.add_timer_at(lane.next, [this, l = &lane, ifindex](const event::Fired&) { on_timer(*l, ifindex); });
  }
}

bool GarpPacer::pop(Lane& lane, Item& out) {
  out = lane.queue.front();
  lane.queue.pop_front();
  --out.in->garp_items;
  return live(out);
}

void GarpPacer::on_timer(Lane& lane, int ifindex) {
  Item item{};
  bool found = false;
  while (!found && !lane.queue.empty()) found = pop(lane, item);  // stale frames take no slot
  if (!found) return;
  lane.next = loop_.clock().now() + lane.interval;
  if (!lane.queue.empty()) {
    lane.timer = loop_.add_timer_at(lane.next, [this, l = &lane, ifindex](const event::Fired&) { on_timer(*l, ifindex); });
  }
  send_(ifindex, std::span<const Item>(&item, 1));
}

void GarpPacer::send_batch(int ifindex, Lane& lane) {
  batch_.clear();
  Item item{};
  while (!lane.queue.empty() && batch_.size() < kBatch) {
    if (pop(lane, item)) batch_.push_back(item);
  }
  if (!batch_.empty()) send_(ifindex, batch_);
}

// Unpaced lanes, round robin from the one after the lane drained last.
void GarpPacer::drain() {
  event::Clock& clock = loop_.clock();
  const event::TimePoint start = clock.now();
  for (;;) {
    auto it = lanes_.upper_bound(last_drained_);
    std::size_t looked = 0;
    for (; looked < lanes_.size(); ++looked, ++it) {
      if (it == lanes_.end()) it = lanes_.begin();
      if (it->second.interval <= event::Duration::zero() && !it->second.queue.empty()) break;
    }
    if (looked == lanes_.size()) return;  // all sent
    const event::TimePoint now = clock.now();
    const bool starved = now - since_ >= kStarve;
    if (!starved && (now - start >= kSlice || loop_.has_work_before(now + kGuard))) break;
    last_drained_ = it->first;
    since_ = now;
    send_batch(it->first.first, it->second);
  }
  // Again after whatever is queued now, or after the timer that is about to fall due.
  event::TimePoint at = clock.now();
  if (const event::TimePoint next = loop_.next_deadline(); next > at && next <= at + kGuard) at = next;
  drain_task_ = loop_.add_timer_at(at, [this](const event::Fired&) { drain(); });
}

void GarpPacer::forget(RtInstance& in) {
  if (in.garp_items > 0) ++in.garp_epoch;
}

void GarpPacer::purge(RtInstance& in) {
  forget(in);
  if (in.garp_items == 0) return;
  for (auto& [key, lane] : lanes_) {
    std::erase_if(lane.queue, [&](const Item& i) { return i.in == &in; });
    if (lane.queue.empty()) lane.timer.cancel();
  }
  in.garp_items = 0;
}

std::size_t GarpPacer::queued() const {
  std::size_t n = 0;
  for (const auto& [key, lane] : lanes_) {
    n += static_cast<std::size_t>(std::count_if(lane.queue.begin(), lane.queue.end(), live));
  }
  return n;
}

}  // namespace vigil::runtime
