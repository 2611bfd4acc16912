// Scenarios where someone else changes the kernel under a running vigild (reference §4.10):
// a VIP, virtual route or rule of the MASTER deleted by hand is re-added (the instance leaves
// MASTER with priority 0 and comes back after its own Skew_Time), a `no_track` VIP is left
// alone, and an interface without an IPv4 address means FAULT until one is added.
//
// Timing (RFC 5798 §6.1 / reference §4.3, VRRPv3 advert 100 ms):
//   Skew(150) = 106 × 100 / 256 = 41.4 ms     Skew(100) = 60.9 ms
//   Master_Down(150) = 341.4 ms               Master_Down(100) = 360.9 ms
// After a deletion the master sends priority 0; it waits Skew(150), the backup Skew(100), so the
// old master wins again: the VIP is back Skew(150) after the deletion, + 50 ms of tolerance.
// Start-up allowance: 3 s (a loaded 2-core machine).
#include <gtest/gtest.h>

#include <chrono>

#include "vrrp_lab.h"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartup = 3000ms;
constexpr auto kElected = kStartup + 400ms;
constexpr auto kReadded = 92ms;  // Skew(150) 41.4 ms + 50 ms

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

TEST(VrrpScenarioKernel, VipDeletedOnTheMasterIsBackWithinItsSkewTime) {
  Topology topo("vvk", {"a", "b"});
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150}, "a"));
  Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100}, "b"));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kBackup; }, kElected)) << b.log();

  sh(topo.node("a").exec("ip addr del 10.99.0.100/24 dev eth0"));
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until([&] { return a.owns("10.99.0.100"); }, kReadded)) << a.log();
  std::printf("VIP re-added after %.1f ms\n", ms_since(t0));
  EXPECT_TRUE(has(a.log(), "(VI_1) VIP 10.99.0.100/24 dev eth0 scope global was deleted")) << a.log();
  EXPECT_TRUE(wait_until([&] { return a.state() == kMaster; }, 200ms));
  EXPECT_EQ(b.state(), kBackup);  // its down timer (Skew(100)) was longer than a's
  EXPECT_FALSE(b.owns("10.99.0.100"));
}

TEST(VrrpScenarioKernel, NoTrackVipDeletedIsNotActedOn) {
  Topology topo("vvx", {"a", "b"});
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150, .vip = "10.99.0.100/24 no_track"}, "a"));
  Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100, .vip = "10.99.0.100/24 no_track"}, "b"));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kBackup; }, kElected)) << b.log();

  sh(topo.node("a").exec("ip addr del 10.99.0.100/24 dev eth0"));
  // Nothing happens: a tracked VIP would be back within 92 ms; wait two master-down intervals.
  EXPECT_FALSE(wait_until([&] { return a.owns("10.99.0.100"); }, 750ms)) << a.log();
  EXPECT_EQ(a.state(), kMaster);
  EXPECT_EQ(b.state(), kBackup);
  EXPECT_FALSE(has(a.log(), "was deleted"));
}

TEST(VrrpScenarioKernel, VirtualRouteAndRuleDeletedOnTheMasterAreReinstalled) {
  Topology topo("vvq", {"a"});
  const std::string extra =
      "  virtual_routes {\n    10.55.0.0/24 via 10.99.0.254 dev eth0\n  }\n"
      "  virtual_rules {\n    from 10.99.0.100 table 100 preference 100\n  }\n";
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150, .extra = extra}, "a"));
  auto has_route = [&] { return has(a.exec("ip route show 10.55.0.0/24"), "via 10.99.0.254"); };
  auto has_rule = [&] { return has(a.exec("ip rule show"), "from 10.99.0.100 lookup 100"); };
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && has_route() && has_rule(); }, kElected)) << a.log();

  sh(topo.node("a").exec("ip route del 10.55.0.0/24"));
  // Skew(150) + 50 ms, + 100 ms because each probe spawns `ip`.
  EXPECT_TRUE(wait_until(has_route, 192ms)) << a.log();
  EXPECT_TRUE(has(a.log(), "virtual route 10.55.0.0/24 was deleted")) << a.log();
  sh(topo.node("a").exec("ip rule del from 10.99.0.100 table 100 preference 100"));
  EXPECT_TRUE(wait_until(has_rule, 192ms)) << a.log();
  EXPECT_TRUE(has(a.log(), "virtual rule to table 100 was deleted")) << a.log();
  EXPECT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, 200ms));
}

// keepalived: "(VI) entering FAULT state (no IPv4 address for interface)" — and it leaves FAULT
// when an address appears.
TEST(VrrpScenarioKernel, NoIpv4AddressOnTheInterfaceMeansFaultUntilOneIsAdded) {
  Topology topo("vva", {"a", "b"});
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150}, "a"));
  Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100}, "b"));
  sh(topo.node("a").exec("ip addr flush dev eth0 scope global"));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kFault; }, kStartup)) << a.log();
  EXPECT_TRUE(has(a.log(), "(VI_1) entering FAULT state (no IPv4 address for interface)")) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kMaster && b.owns("10.99.0.100"); }, kElected)) << b.log();
  EXPECT_FALSE(a.owns("10.99.0.100"));

  sh(topo.node("a").exec("ip addr add 10.99.0.1/24 dev eth0"));
  // FAULT → BACKUP at once, then a preempts b after its Master_Down(150) 341.4 ms, + 50 ms.
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, 392ms)) << a.log();
  EXPECT_TRUE(has(a.log(), "(VI_1) using 10.99.0.1 as the advert source on eth0")) << a.log();
  EXPECT_TRUE(wait_until([&] { return b.state() == kBackup; }, 200ms));

  // Losing the address while MASTER: FAULT (priority 0 sent), b takes over within Skew(100) + 50 ms.
  const auto t0 = std::chrono::steady_clock::now();
  sh(topo.node("a").exec("ip addr del 10.99.0.1/24 dev eth0"));
  ASSERT_TRUE(wait_until([&] { return b.owns("10.99.0.100"); }, 111ms)) << b.log();
  std::printf("address loss failover: %.1f ms\n", ms_since(t0));
  EXPECT_TRUE(wait_until([&] { return a.state() == kFault; }, 200ms)) << a.log();
}

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

// Reload of a MASTER whose virtual routes and VIPs changed (reference §1.5): the route no longer
// configured goes, the new one comes, an unchanged VIP stays in place, a new VIP is added.
TEST(VrrpScenarioKernel, ReloadReplacesChangedVirtualRoutesAndVips) {
  Topology topo("vvo", {"a"});
  auto config = [](const std::string& route, const std::string& vips) {
    return lab_config({.priority = 150, .vip = vips,
                       .extra = "  virtual_routes {\n    " + route + " via 10.99.0.254 dev eth0\n  }\n"}, "a");
  };
  Router a(topo.node("a"), Router::Kind::vigil, config("10.55.0.0/24", "10.99.0.100/24"));
  auto route_to = [&](const std::string& dst) { return has(a.exec("ip route show " + dst), "via 10.99.0.254"); };
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && route_to("10.55.0.0/24"); }, kElected)) << a.log();

  a.set_config(config("10.56.0.0/24", "10.99.0.100/24\n    10.99.0.101/24"));
  a.reload();
  // Re-parse and apply: the start-up allowance.
  ASSERT_TRUE(wait_until([&] { return route_to("10.56.0.0/24") && a.owns("10.99.0.101"); }, kStartup)) << a.log();
  EXPECT_FALSE(route_to("10.55.0.0/24")) << a.exec("ip route");
  EXPECT_TRUE(a.owns("10.99.0.100"));
  EXPECT_EQ(a.state(), kMaster);
}

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

// static_ipaddress / static_routes / static_rules: in place while the daemon runs whatever the
// VRRP state, put back when deleted, removed at stop.
TEST(VrrpScenarioKernel, StaticAddressRouteAndRuleAreInstalledRestoredAndRemoved) {
  Topology topo("vvs", {"a"});
  const std::string statics =
      "static_ipaddress {\n  10.97.0.1/24 dev eth0\n}\n"
      "static_routes {\n  10.54.0.0/24 via 10.99.0.254 dev eth0\n}\n"
      "static_rules {\n  from 10.97.0.1 table 101 preference 101\n}\n";
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 100}, "a") + statics);
  auto has_addr = [&] { return a.owns("10.97.0.1"); };
  auto has_route = [&] { return has(a.exec("ip route show 10.54.0.0/24"), "via 10.99.0.254"); };
  auto has_rule = [&] { return has(a.exec("ip rule show"), "from 10.97.0.1 lookup 101"); };
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.ready() && has_addr() && has_route() && has_rule(); }, kStartup)) << a.log();

  // Each deletion is seen through rtnetlink and undone at once; 200 ms covers the probes' `ip`.
  sh(topo.node("a").exec("ip route del 10.54.0.0/24"));
  EXPECT_TRUE(wait_until(has_route, 200ms)) << a.log();
  sh(topo.node("a").exec("ip rule del from 10.97.0.1 table 101 preference 101"));
  EXPECT_TRUE(wait_until(has_rule, 200ms)) << a.log();
  sh(topo.node("a").exec("ip addr del 10.97.0.1/24 dev eth0"));
  EXPECT_TRUE(wait_until(has_addr, 200ms)) << a.log();
  EXPECT_TRUE(has(a.log(), "static address 10.97.0.1/24 dev eth0 scope global was deleted - restoring it")) << a.log();

  ASSERT_TRUE(a.stop(3000ms));  // 1 s linger + exit
  EXPECT_FALSE(has_addr());
  EXPECT_FALSE(has_route());
  EXPECT_FALSE(has_rule());
}

// vigild does not read back the notifications of its own VIP adds (the monitor filters them);
// an instance waiting for an address must still see one that another instance's VIP brings
// (keepalived reads its own notifications). VI_2's configured source is not on eth0, so it
// runs, becomes MASTER and adds 10.99.0.200/24: VI_1 leaves FAULT with it as its source.
TEST(VrrpScenarioKernel, AVipAddedByAnotherInstanceGivesASourcelessInstanceItsAddress) {
  Topology topo("vvo", {"a"});
  const std::string config =
      "global_defs {\n  router_id a\n}\n"
      "vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 1\n  priority 150\n"
      "  advert_int 0.1\n  version 3\n  virtual_ipaddress {\n    10.99.0.100/24\n  }\n}\n"
      "vrrp_instance VI_2 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 2\n  priority 150\n"
      "  advert_int 0.1\n  version 3\n  mcast_src_ip 10.99.0.9\n  virtual_ipaddress {\n    10.99.0.200/24\n  }\n}\n";
  Router a(topo.node("a"), Router::Kind::vigil, config);
  sh(topo.node("a").exec("ip addr flush dev eth0 scope global"));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state("VI_2") == kMaster && a.owns("10.99.0.200"); }, kElected)) << a.log();
  // VI_1 left FAULT when the VIP went in, then waits its own Master_Down(150) 341.4 ms, + 50 ms.
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kMaster && a.owns("10.99.0.100"); }, 392ms)) << a.log();
  EXPECT_TRUE(has(a.log(), "(VI_1) entering FAULT state (no IPv4 address for interface)")) << a.log();
  EXPECT_TRUE(has(a.log(), "(VI_1) using 10.99.0.200 as the advert source on eth0")) << a.log();
}


}  // namespace
}  // namespace vigil::testing
