// Interfaces that come late or flap (reference §4.10): a configured interface that does not exist
// is keepalived's fatal CONFIG error (exit 2) unless `dynamic_interfaces`, with which the instance
// waits and starts when the interface appears; `interface_up_down_delays` absorbs a flap shorter
// than its delay and applies a change that lasts.
//
// Timing (VRRPv3 advert 100 ms): Master_Down(150) = 3 × 100 + 41.4 = 341.4 ms. The up/down delay
// is capped below (down_timer_adverts − 1) × 100 ms = 200 ms, so 150 ms is used as is.
// Start-up allowance 3 s (loaded machine).
#include <gtest/gtest.h>

#include <chrono>

#include "vrrp_lab.h"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartup = 3000ms;
constexpr auto kElected = kStartup + 400ms;

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

std::string on_interface(std::string config, const std::string& ifname) {
  config.replace(config.find("interface eth0"), 14, "interface " + ifname);
  return config;
}

TEST(VrrpScenarioInterfaces, MissingInterfaceIsAConfigErrorWithoutDynamicInterfaces) {
  Topology topo("vvd", {"a"});
  Router a(topo.node("a"), Router::Kind::vigil, on_interface(lab_config({.priority = 150}, "a"), "eth9"));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.exit_code().has_value(); }, kStartup)) << a.log();
  EXPECT_EQ(*a.exit_code(), 2) << a.log();  // CONFIG, as keepalived
  EXPECT_TRUE(has(a.log(), "interface eth9 for vrrp_instance VI_1 doesn't exist")) << a.log();
}

TEST(VrrpScenarioInterfaces, DynamicInterfacesStartsTheInstanceWhenItsInterfaceAppears) {
  Topology topo("vve", {"a"});
  Router a(topo.node("a"), Router::Kind::vigil,
           on_interface(lab_config({.priority = 150, .vip = "10.98.0.100/24", .global_extra = "  dynamic_interfaces\n"},
                                   "a"),
                        "eth9"));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.ready() && has(a.log(), "interface eth9 does not exist yet"); }, kStartup))
      << a.log();
  EXPECT_TRUE(a.running());
  EXPECT_NE(a.state(), kMaster);

  sh(topo.node("a").exec("sh -c 'ip link add eth9 type veth peer name eth9p && ip link set eth9p up && "
                         "ip addr add 10.98.0.1/24 dev eth9 && ip link set eth9 up'"));
  // Started at once, MASTER after Master_Down(150) 341.4 ms, + 50 ms; + 100 ms for the veth
  // carrier to come up.
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns_on("10.98.0.100", "eth9"); }, 492ms)) << a.log();
  EXPECT_TRUE(has(a.log(), "Interface eth9 added - starting (VI_1)")) << a.log();
}

TEST(VrrpScenarioInterfaces, InterfaceUpDownDelaysAbsorbAFlapAndApplyALastingChange) {
  Topology topo("vvf", {"a", "b"});
  const std::string delays = "interface_up_down_delays {\n  eth0 0.15 0.15\n}\n";
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150}, "a") + delays);
  Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100}, "b"));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kBackup; }, kElected)) << b.log();

  // Down and up again at once (well inside 150 ms): a stays MASTER, no FAULT.
  sh(topo.node("a").exec("sh -c 'ip link set eth0 down; ip link set eth0 up'"));
  ASSERT_TRUE(wait_until([&] { return has(a.log(), "within its delay - ignored"); }, 1000ms)) << a.log();
  EXPECT_EQ(a.state(), kMaster);
  EXPECT_FALSE(has(a.log(), "Entering FAULT STATE")) << a.log();

  // Down for good: FAULT once the 150 ms have passed (+ 200 ms), b takes over.
  const auto t0 = std::chrono::steady_clock::now();
  sh(topo.node("a").exec("ip link set eth0 down"));
  ASSERT_TRUE(wait_until([&] { return a.state() == kFault; }, 350ms)) << a.log();
  EXPECT_GE(ms_since(t0), 150.0);
  EXPECT_TRUE(wait_until([&] { return b.state() == kMaster; }, 500ms)) << b.log();
}

}  // namespace
}  // namespace vigil::testing
