// The harness itself: what it builds is there, works, and is gone afterwards — also when the
// test body fails half-way (simulated by an exception) or a previous run crashed.
#include "netns_harness.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <stdexcept>

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

bool netns_exists(const std::string& name) {
  return run("ip netns list | awk '{print $1}' | grep -qx " + name).status == 0;
}

TEST(NetnsHarness, TopologyIsBuiltReachableAndRemoved) {
  std::string a_ns, sw_ns;
  {
    Topology topo("vht", {"a", "b"});
    a_ns = topo.node("a").ns;
    sw_ns = topo.bridge_ns();
    EXPECT_TRUE(netns_exists(a_ns));
    EXPECT_TRUE(netns_exists(sw_ns));
    // a reaches b over the bridge: a UDP datagram makes a resolve b's MAC (ARP / ND). One
    // exchange takes microseconds; 3 s allows for retransmission (1 s apart) on a loaded host.
    const auto& b = topo.node("b");
    for (const auto& dst : {b.ipv4, b.ipv6}) {
      sh(topo.node("a").exec("bash -c 'echo x >/dev/udp/" + dst + "/9'"));
      EXPECT_TRUE(wait_until([&] {
        return sh(topo.node("a").exec("ip neigh show " + dst)).find(b.mac) != std::string::npos;
      }, 3s)) << dst;
    }
    EXPECT_NE(sh(topo.node("b").exec("ip -o link show dev eth0")).find(topo.node("b").mac), std::string::npos);
  }
  EXPECT_FALSE(netns_exists(a_ns));
  EXPECT_FALSE(netns_exists(sw_ns));
}

TEST(NetnsHarness, CleanupAlsoWhenTheBodyFails) {
  std::string ns;
  EXPECT_THROW(
      {
        Topology topo("vht", {"a"});
        ns = topo.node("a").ns;
        throw std::runtime_error("simulated failure");
      },
      std::runtime_error);
  EXPECT_FALSE(ns.empty());
  EXPECT_FALSE(netns_exists(ns));
}

TEST(NetnsHarness, StaleNamespacesOfDeadRunsAreRemoved) {
  // pid 2^22+1 is above pid_max's default ceiling, so no process has it.
  std::string stale = "vht4194305-a";
  sh("ip netns add " + stale);
  std::string live = "vht" + std::to_string(::getpid()) + "-keep";
  sh("ip netns add " + live);
  remove_stale_namespaces("vht");
  EXPECT_FALSE(netns_exists(stale));
  EXPECT_TRUE(netns_exists(live));
  run("ip netns del " + live);
}

TEST(NetnsHarness, ScopeAndChild) {
  Topology topo("vht", {"a"});
  EXPECT_EQ(run_in_child(topo.node("a").ns, [] { return ::access("/proc/self/ns/net", R_OK) == 0 ? 7 : 1; }), 7);
  EXPECT_EQ(run_in_child("no-such-netns-vht", [] { return 0; }), 126);
  {
    ChildProcess sleeper(topo.node("a").ns, {"sleep", "30"});
    EXPECT_GT(sleeper.pid(), 0);
    EXPECT_FALSE(sleeper.exited());
  }  // killed by PID here; the destructor waits for it
  EXPECT_TRUE(wait_until([] { return true; }, 10ms));
}

TEST(NetnsHarness, CaptureSeesTraffic) {
  Topology topo("vht", {"a", "b"});
  PacketCapture cap(topo.bridge_ns(), "br0");
  sh(topo.node("a").exec("bash -c 'echo x >/dev/udp/" + topo.node("b").ipv4 + "/9'"));
  // The ARP request leaves while the datagram waits for the reply; 1 s is slack for a loaded host.
  auto f = cap.next([](const PacketCapture::Frame& fr) { return fr.ethertype() == 0x0806; }, 1s);
  EXPECT_TRUE(f);
}

}  // namespace
}  // namespace vigil::testing
