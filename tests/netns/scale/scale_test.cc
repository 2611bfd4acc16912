// The short version of bench/scale (issue 8): many instances on two vigild routers, measured
// from outside (wire capture on the bridges, JSON dumps, the kernel's address lists).
//   * 100 instances @ 0.1 s for 10 s: no state change anywhere, p99 gap between a VRID's
//     adverts ≤ 1.5 × interval;
//   * 200 instances @ 1 s, SIGTERM to the master: every VIP on the backup within skew + margin.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "scale_lab.h"

namespace vigil::testing::scale {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Master (priority 150) alone until it owns every VIP, then the backup (100) until it is BACKUP
// everywhere. Timeouts: Master_Down (3·I + (256−150)/256·I ≤ 3.5 s at 1 s) plus start-up of a
// few hundred instances on a loaded 2-core machine (≤ 5 s) → 10 s; the backup hears the master
// within one interval once started (≤ 5 s start-up) → 10 s.
void bring_up(ScaleLab& lab, Daemon& a, Daemon& b, const Workload& w) {
  lab.flush_vips();
  a.start();
  ASSERT_TRUE(wait_until([&] { return lab.vip_count("a") == w.instances; }, 10s))
      << "master owns " << lab.vip_count("a") << " of " << w.instances << " VIPs";
  b.start();
  ASSERT_TRUE(wait_until([&] {
    if (!b.ready()) return false;
    auto s = b.states();
    return s && s->backup == w.instances;
  }, 10s)) << "backup not BACKUP everywhere";
}

TEST(Scale, HundredInstancesAtTenthOfASecondHoldSteady) {
  ScaleLab lab("vsc", 4);
  const Workload w{.instances = 100, .interval_ms = 100, .ifaces = 4};
  Daemon a(lab.node("a"), Daemon::Kind::vigil, scale_config(w, 150, "a"));
  Daemon b(lab.node("b"), Daemon::Kind::vigil, scale_config(w, 100, "b"));
  WireCapture cap(lab);
  bring_up(lab, a, b, w);
  if (HasFatalFailure()) return;
  auto sa0 = a.states(), sb0 = b.states();
  ASSERT_TRUE(sa0 && sb0);
  const auto t0 = realtime_ns();
  std::this_thread::sleep_for(10s);  // the measurement window itself, not a wait for a condition
  const auto t1 = realtime_ns();
  auto sa1 = a.states(), sb1 = b.states();
  ASSERT_TRUE(sa1 && sb1);
  EXPECT_EQ(sa1->master, w.instances);
  EXPECT_EQ(sb1->backup, w.instances);
  EXPECT_EQ(sa1->transitions - sa0->transitions, 0) << "state changes on the master";
  EXPECT_EQ(sb1->transitions - sb0->transitions, 0) << "state changes on the backup";
  const GapStats g = cap.gaps(t0, t1);
  // Every (interface, VRID) advertised; ≈ 10 adverts/s each over 10 s (≥ 80 %: a loaded machine).
  EXPECT_EQ(g.keys, static_cast<std::size_t>(w.instances));
  EXPECT_GE(g.adverts, static_cast<std::size_t>(w.instances * 10 * 10 * 8 / 10));
  // Bound: an advert half an interval late is a visible stall; the backup would only take over
  // after Master_Down = 3·I + skew (341 ms), so 1.5·I keeps the protocol far from that edge.
  EXPECT_LE(g.p99_ms, 1.5 * w.interval_ms) << "median " << g.median_ms << " ms, max " << g.max_ms << " ms";
}

TEST(Scale, TwoHundredInstancesGracefulStopMovesEveryVip) {
  ScaleLab lab("vsg", 4);
  const Workload w{.instances = 200, .interval_ms = 1000, .ifaces = 4};
  Daemon a(lab.node("a"), Daemon::Kind::vigil, scale_config(w, 150, "a"));
  Daemon b(lab.node("b"), Daemon::Kind::vigil, scale_config(w, 100, "b"));
  bring_up(lab, a, b, w);
  if (HasFatalFailure()) return;
  // Skew_Time of the backup (RFC 5798 §6.1): (256 − 100)/256 × 1 s = 609 ms after the
  // priority-0 adverts; margin 200 ms for 200 transitions (netlink, GARPs, log lines) and the
  // poll of the address lists on a loaded 2-core machine.
  const double limit_ms = (256.0 - 100) / 256 * w.interval_ms + 200;
  WireCapture cap(lab);
  const auto rt0 = realtime_ns();
  const auto t0 = Clock::now();
  a.term();
  double took = -1;
  while (Clock::now() - t0 < 5s) {
    if (lab.vip_count("b") == w.instances) {
      took = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      break;
    }
    std::this_thread::sleep_for(500us);
  }
  ASSERT_GE(took, 0) << "backup owns " << lab.vip_count("b") << " of " << w.instances << " VIPs after 5 s";
  EXPECT_LE(took, limit_ms);
  EXPECT_TRUE(a.wait_exit(5s));
  // Exactly one priority-0 advert per instance (sent ahead of the state machines' stop, which
  // must not send a second), and the backup took every VRID over.
  const auto zero = cap.priority_zero_after(rt0);
  EXPECT_EQ(zero.count, static_cast<std::size_t>(w.instances));
  EXPECT_EQ(cap.first_with_priority_after(100, rt0).count, static_cast<std::size_t>(w.instances));
}

}  // namespace
}  // namespace vigil::testing::scale
