// runtime/garp_pacer.h — gratuitous ARPs and unsolicited NAs per interface, never in the way of
// the protocol (reference §4.11: `vrrp_garp_interval` / `vrrp_gna_interval` globally,
// `garp_group` per interface).
//
//   GarpPacer pacer(loop, [&](int ifindex, std::span<const GarpPacer::Item> frames) { send(...); });
//   pacer.set_interval(ifindex, /*v6=*/false, 10ms);
//   pacer.submit(in, vip);   // queued; sent by the loop (see below)
//   pacer.forget(in);        // the instance left MASTER: drop what it queued (O(1))
//   pacer.purge(in);         // the instance may go away: no frame of it is left queued
//
// An interface with an interval (> 0) sends at most one frame of a family per interval: the first
// at once if the interface has been quiet, the rest from a loop timer, one per expiry.
// An interface without one (the default, 0) sends in batches (one sendmmsg on the interface's
// socket) from a zero-delay loop task, in the loop pass after the submit when the loop is idle,
// and from then on only while nothing else is due (a timer within 250 µs, an advert or netlink
// flush, a queued callback), at most 1 ms at a time; a loop that is never idle still lets one
// batch out every 10 ms. A mass takeover of 1,000 instances thus does every state transition,
// advert and VIP add first (the engine submits a wave's bursts only once no VIP batch has been
// in flight for 2 ms: engine_netlink.cc); its 5,000 frames (each crossing the segment in the
// sender's softirq) then go out in the gaps, round robin over the interfaces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "event/loop.h"
#include "runtime/rt_instance.h"

namespace vigil::runtime {

class GarpPacer {
 public:
  struct Item {
    RtInstance* in;
    vrrp::IpAddress address;
    std::uint16_t epoch = 0;  // in->garp_epoch when queued; forget() moves the instance on
  };
  // Sends frames for `items`, all on `ifindex`.
  using SendFn = std::function<void(int ifindex, std::span<const Item> items)>;
  static constexpr std::size_t kBatch = 8;  // frames per sendmmsg (~150 µs of softirq on a bridge)

  GarpPacer(event::Loop& loop, SendFn send) : loop_(loop), send_(std::move(send)) {}
  GarpPacer(const GarpPacer&) = delete;
  GarpPacer& operator=(const GarpPacer&) = delete;

  // The minimum gap between two frames of one family on one interface (0: none).
  void set_interval(int ifindex, bool v6, event::Duration interval);
  void clear_intervals();
  void submit(RtInstance& in, const vrrp::IpAddress& address);
  // O(1): the instance's queued frames become stale and are skipped where they stand (a mass
  // step-down of 1,000 masters with 5,000 frames queued is not 1,000 scans of the queues).
  void forget(RtInstance& in);
  // forget() and take its frames out of the queues, so that the instance can be destroyed (a
  // scan only when it has frames queued).
  void purge(RtInstance& in);
  std::size_t queued() const;  // frames that will be sent

 private:
  using Key = std::pair<int, bool>;  // ifindex, v6
  struct Lane {
    event::Duration interval{};
    event::TimePoint next{};  // paced lanes: the earliest time the next frame may go
    std::deque<Item> queue;
    event::TaskHandle timer;  // paced lanes only
  };
  void on_timer(Lane& lane, int ifindex);
  static bool live(const Item& i) { return i.epoch == i.in->garp_epoch; }
  // Takes the front frame off `lane`; false if it was stale (then nothing to send).
  static bool pop(Lane& lane, Item& out);
  void drain();
  void send_batch(int ifindex, Lane& lane);

  event::Loop& loop_;
  SendFn send_;
  std::map<Key, Lane> lanes_;  // node-based: the timers capture Lane&
  Key last_drained_{0, false};  // round robin over the unpaced lanes
  event::TaskHandle drain_task_;
  event::TimePoint since_{};  // the last unpaced batch, or the submit that found nothing waiting
  std::vector<Item> batch_;
};

}  // namespace vigil::runtime
