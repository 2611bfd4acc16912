// runtime/garp_pacer.h — gratuitous ARPs and unsolicited NAs rate-limited per interface
// (reference §4.11: `vrrp_garp_interval` / `vrrp_gna_interval` globally, `garp_group` per
// interface): at most one GARP (or NA) per interval on an interface; the rest wait in a queue
// drained by a loop timer, one frame per expiry, so a burst of thousands never holds up the
// loop (adverts keep their schedule) and never floods the segment.
//
//   GarpPacer pacer(loop, [&](RtInstance& in, const vrrp::IpAddress& a) { send_one(in, a); });
//   pacer.set_interval(ifindex, /*v6=*/false, 10ms);
//   pacer.submit(in, vip);   // sent now if the interface is free, else queued
//   pacer.forget(in);        // the instance left MASTER (or the config): drop what it queued
//
// An interface with interval 0 (the default) sends at once: no queue, no timer.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <utility>

#include "event/loop.h"
#include "runtime/rt_instance.h"

namespace vigil::runtime {

class GarpPacer {
 public:
  using SendFn = std::function<void(RtInstance&, const vrrp::IpAddress&)>;
  GarpPacer(event::Loop& loop, SendFn send) : loop_(loop), send_(std::move(send)) {}
  GarpPacer(const GarpPacer&) = delete;
  GarpPacer& operator=(const GarpPacer&) = delete;

  // The minimum gap between two frames of one family on one interface (0: none).
  void set_interval(int ifindex, bool v6, event::Duration interval);
  void clear_intervals();
  void submit(RtInstance& in, const vrrp::IpAddress& address);
  void forget(const RtInstance& in);
  std::size_t queued() const;

 private:
  struct Item {
    RtInstance* in;
    vrrp::IpAddress address;
  };
  struct Lane {
    event::Duration interval{};
    event::TimePoint next{};  // the earliest time the next frame may go
    std::deque<Item> queue;
    event::TaskHandle timer;
  };
  void on_timer(Lane& lane);

  event::Loop& loop_;
  SendFn send_;
  std::map<std::pair<int, bool>, Lane> lanes_;  // node-based: the timers capture Lane&
};

}  // namespace vigil::runtime
