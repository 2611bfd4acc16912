// Gratuitous ARPs on the wire (reference §4.11), captured on the bridge with kernel timestamps:
// how many, in which order, and how far apart — unpaced bursts, `vrrp_garp_interval` pacing,
// a `garp_group` overriding it for its interface, and adverts keeping their schedule meanwhile.
//
// Timing: VRRPv3 advert 100 ms; a single router becomes MASTER at start-up + Master_Down(150)
// = 341.4 ms. Pacing at interval I: frame k of a burst leaves k × I after the first; the loop
// timer never fires early, so gaps are ≥ I (1 ms allowed for the bridge timestamps) and, on
// this loaded machine, ≤ I + 30 ms.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <set>
#include <string>

#include <fmt/format.h>

#include "vrrp_lab.h"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kElected = 3400ms;  // start-up allowance 3 s + master-down

double ms_between(const PacketCapture::Frame& a, const PacketCapture::Frame& b) {
  return std::chrono::duration<double, std::milli>(b.at - a.at).count();
}

bool is_garp(const PacketCapture::Frame& f) { return f.ethertype() == 0x0806 && f.bytes.size() >= 42; }
int garp_last_octet(const PacketCapture::Frame& f) { return f.bytes[41]; }  // target IP, last byte
bool is_advert(const PacketCapture::Frame& f) {
  return f.ethertype() == 0x0800 && f.bytes.size() > 34 && f.bytes[23] == 112;
}

// Frames of interest until `count` GARPs were seen or `timeout` passed.
std::vector<PacketCapture::Frame> collect(PacketCapture& cap, int count, std::chrono::milliseconds timeout,
                                          std::vector<PacketCapture::Frame>* adverts = nullptr) {
  std::vector<PacketCapture::Frame> garps;
  const auto t0 = std::chrono::steady_clock::now();
  while (static_cast<int>(garps.size()) < count && ms_since(t0) < static_cast<double>(timeout.count())) {
    auto f = cap.next([](const PacketCapture::Frame& x) { return is_garp(x) || is_advert(x); }, 50ms);
    if (!f) continue;
    if (is_garp(*f)) {
      garps.push_back(std::move(*f));
    } else if (adverts != nullptr) {
      adverts->push_back(std::move(*f));
    }
  }
  return garps;
}

TEST(VrrpScenarioGarp, UnpacedBurstsGoAtOnceAndTheSecondAfterGarpMasterDelay) {
  Topology topo("vvg", {"a"});
  PacketCapture cap(topo.bridge_ns(), "br0");
  Router a(topo.node("a"), Router::Kind::vigil,
           lab_config({.priority = 150, .extra = "  garp_master_delay 1\n  garp_master_repeat 3\n"}, "a"));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, kElected)) << a.log();
  // 3 + 3 GARPs; the second burst garp_master_delay = 1 s after the first, + 500 ms.
  std::vector<PacketCapture::Frame> adverts;
  auto garps = collect(cap, 6, 1500ms, &adverts);
  ASSERT_EQ(garps.size(), 6u);
  ASSERT_FALSE(adverts.empty());
  EXPECT_LT(ms_between(garps[0], garps[2]), 5.0);  // one burst: back to back
  EXPECT_LT(ms_between(garps[3], garps[5]), 5.0);
  // The delay counts from the MASTER transition, i.e. its first advert (sent before the VIPs
  // are installed and the first burst goes out).
  const double delay = ms_between(adverts.front(), garps[3]);
  EXPECT_GE(delay, 999.0);
  EXPECT_LE(delay, 1050.0);
  // And no more (no refresh configured): one more second of silence.
  EXPECT_FALSE(cap.next(is_garp, 1000ms));
}

// Two VIPs × garp_master_repeat 3 = 6 GARPs per burst, one every vrrp_garp_interval (100 ms),
// in keepalived's order (VIP1, VIP2, VIP1, …); adverts (every 100 ms) are not held up.
TEST(VrrpScenarioGarp, GarpIntervalPacesEveryFrameOnTheInterface) {
  Topology topo("vvp", {"a"});
  PacketCapture cap(topo.bridge_ns(), "br0");
  Router a(topo.node("a"), Router::Kind::vigil,
           lab_config({.priority = 150, .vip = "10.99.0.100/24\n    10.99.0.101/24",
                       .extra = "  garp_master_delay 2\n  garp_master_repeat 3\n",
                       .global_extra = "  vrrp_garp_interval 0.1\n"}, "a"));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, kElected)) << a.log();
  std::vector<PacketCapture::Frame> adverts;
  // 6 frames 100 ms apart: 500 ms, + 300 ms.
  auto garps = collect(cap, 6, 800ms, &adverts);
  ASSERT_EQ(garps.size(), 6u) << a.log();
  for (std::size_t i = 0; i < garps.size(); ++i) {
    EXPECT_EQ(garp_last_octet(garps[i]), i % 2 == 0 ? 100 : 101) << "frame " << i;
    if (i == 0) continue;
    const double gap = ms_between(garps[i - 1], garps[i]);
    EXPECT_GE(gap, 99.0) << "frame " << i;
    EXPECT_LE(gap, 130.0) << "frame " << i;
  }
  ASSERT_GE(adverts.size(), 4u);
  for (std::size_t i = 1; i < adverts.size(); ++i) {
    EXPECT_LE(ms_between(adverts[i - 1], adverts[i]), 130.0) << "advert " << i;  // advert_int 100 ms + 30
  }
  // The second burst, garp_master_delay = 2 s after the MASTER transition (its first advert):
  // paced the same way.
  auto second = collect(cap, 6, 2500ms);
  ASSERT_EQ(second.size(), 6u);
  const double delay = ms_between(adverts.front(), second[0]);
  EXPECT_GE(delay, 1999.0);
  EXPECT_LE(delay, 2050.0);
  for (std::size_t i = 1; i < second.size(); ++i) EXPECT_GE(ms_between(second[i - 1], second[i]), 99.0);
}

// A takeover wave announces after it: 24 instances whose Master_Down differ by one priority
// step each (Skew 0.39 ms apart at 100 ms adverts) become MASTER over ~9 ms, one loop pass
// each. Their GARPs wait until no VIP batch has been in flight for 2 ms (the frames would take
// the CPU from the wave's remaining takeovers), so every takeover advert is on the wire before
// the first GARP — and each VIP still gets its one GARP.
TEST(VrrpScenarioGarp, ATakeoverWaveAnnouncesAfterItsLastTakeover) {
  Topology topo("vvw", {"a"});
  PacketCapture cap(topo.bridge_ns(), "br0");
  constexpr int kInstances = 24;
  std::string config = "global_defs {\n  router_id a\n}\n";
  for (int i = 0; i < kInstances; ++i) {
    config += fmt::format(
        "vrrp_instance VI_{0} {{\n  state BACKUP\n  interface eth0\n  virtual_router_id {0}\n  priority {1}\n"
        "  advert_int 0.1\n  version 3\n  garp_master_repeat 1\n  garp_master_delay 0\n"
        "  virtual_ipaddress {{\n    10.99.0.{2}/24\n  }}\n}}\n",
        i + 1, 200 - i, 100 + i);
  }
  Router a(topo.node("a"), Router::Kind::vigil, config);
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state("VI_" + std::to_string(kInstances)) == kMaster; }, kElected)) << a.log();
  std::vector<PacketCapture::Frame> adverts;
  auto garps = collect(cap, kInstances, 1000ms, &adverts);
  ASSERT_EQ(garps.size(), static_cast<std::size_t>(kInstances)) << a.log();
  std::set<int> vrids_before_first_garp;
  for (const auto& f : adverts) {
    if (f.at <= garps.front().at) vrids_before_first_garp.insert(f.bytes[35]);  // VRRP byte 1: VRID
  }
  EXPECT_EQ(vrids_before_first_garp.size(), static_cast<std::size_t>(kInstances));
  std::set<int> announced;
  for (const auto& g : garps) announced.insert(garp_last_octet(g));
  EXPECT_EQ(announced.size(), static_cast<std::size_t>(kInstances));
}

// A garp_group sets the interval of its interfaces (here 50 ms instead of the global 200 ms).
TEST(VrrpScenarioGarp, GarpGroupIntervalOverridesTheGlobalOne) {
  Topology topo("vvh", {"a"});
  PacketCapture cap(topo.bridge_ns(), "br0");
  Router a(topo.node("a"), Router::Kind::vigil,
           lab_config({.priority = 150, .extra = "  garp_master_delay 0\n  garp_master_repeat 4\n",
                       .global_extra = "  vrrp_garp_interval 0.2\n"}, "a") +
               "garp_group G1 {\n  garp_interval 0.05\n  interface eth0\n}\n");
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, kElected)) << a.log();
  auto garps = collect(cap, 4, 600ms);  // 3 × 50 ms, + 450 ms
  ASSERT_EQ(garps.size(), 4u) << a.log();
  for (std::size_t i = 1; i < garps.size(); ++i) {
    const double gap = ms_between(garps[i - 1], garps[i]);
    EXPECT_GE(gap, 49.0) << "frame " << i;
    EXPECT_LE(gap, 80.0) << "frame " << i;
  }
}

}  // namespace
}  // namespace vigil::testing
