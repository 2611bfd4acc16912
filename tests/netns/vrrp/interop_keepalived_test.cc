// Interop: one router runs vigild, the other keepalived 2.2.7 (/usr/sbin/keepalived), on one
// bridge. Same configuration text for both; states from each daemon's JSON dump (keepalived
// writes the same file format), VIP ownership from the kernel.
//
// Timing (RFC 5798 §6.1 as keepalived computes it, reference §4.3), VRRPv3 advert 100 ms:
//   Master_Down(100) = 3 × 100 ms + (156 × 100 ms / 256 = 60.9 ms) = 360.9 ms; Skew(100) = 60.9 ms
// VRRPv2 (whole seconds), advert 1 s: Master_Down(100) = 3 s + 156/256 s = 3.609 s.
// Start-up allowance: 3 s for vigild or keepalived on this loaded machine.
#include <gtest/gtest.h>

#include <chrono>

#include "vrrp_lab.h"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartup = 3000ms;
constexpr auto kElected = kStartup + 400ms;  // + master-down of the lowest priority here
const std::string kVip = "10.99.0.100";

using Kind = Router::Kind;

struct Pair {
  Topology topo;
  Router high;  // priority 150 on node a
  Router low;   // priority 100 on node b
  Pair(Kind high_kind, Kind low_kind, LabInstance li = {})
      : topo("vki", {"a", "b"}),
        high(topo.node("a"), high_kind, lab_config(with_priority(li, 150), "a")),
        low(topo.node("b"), low_kind, lab_config(with_priority(li, 100), "b")) {}
  static LabInstance with_priority(LabInstance li, int p) {
    li.priority = p;
    return li;
  }
  bool elect(std::chrono::milliseconds within) {
    high.start();
    low.start();
    return wait_until([&] { return high.state() == kMaster && high.owns(kVip); }, within) &&
           wait_until([&] { return low.state() == kBackup && !low.owns(kVip); }, within);
  }
};

// The three steps every pairing goes through: election, kill -9 of the master → the other
// takes over within master-down + 50 ms, the master returns → it preempts; and then a graceful
// stop → handover within skew + 50 ms.
void election_failover_preemption(Pair& p) {
  ASSERT_TRUE(p.elect(kElected)) << p.high.log() << p.low.log();

  auto t0 = std::chrono::steady_clock::now();
  p.high.kill9();
  ASSERT_TRUE(wait_until([&] { return p.low.owns(kVip); }, 411ms)) << p.low.log();  // 360.9 + 50 ms
  std::printf("kill -9 failover: %.1f ms (limit 360.9 + 50 ms)\n", ms_since(t0));
  EXPECT_EQ(p.low.state(), kMaster);

  p.high.start();
  // Start-up + its master-down (3 × 100 + 41.4 ms) while discarding the lower adverts.
  ASSERT_TRUE(wait_until([&] { return p.high.state() == kMaster && p.high.owns(kVip); }, kElected))
      << p.high.log();
  EXPECT_TRUE(wait_until([&] { return p.low.state() == kBackup && !p.low.owns(kVip); }, 1000ms));

  t0 = std::chrono::steady_clock::now();
  p.high.term();
  ASSERT_TRUE(wait_until([&] { return p.low.owns(kVip); }, 111ms)) << p.low.log();  // 60.9 + 50 ms
  std::printf("graceful failover: %.1f ms (limit 60.9 + 50 ms)\n", ms_since(t0));
}

TEST(VrrpInterop, V3VigilMasterKeepalivedBackup) {
  Pair p(Kind::vigil, Kind::keepalived);
  election_failover_preemption(p);
}

TEST(VrrpInterop, V3KeepalivedMasterVigilBackup) {
  Pair p(Kind::keepalived, Kind::vigil);
  election_failover_preemption(p);
}

TEST(VrrpInterop, V3UnicastBothWays) {
  // Each router's peer is the other one; both keep multicast off the wire.
  Topology topo("vku", {"a", "b"});
  LabInstance hi{.priority = 150, .extra = "  unicast_src_ip 10.99.0.1\n  unicast_peer {\n    10.99.0.2\n  }\n"};
  LabInstance lo{.priority = 100, .extra = "  unicast_src_ip 10.99.0.2\n  unicast_peer {\n    10.99.0.1\n  }\n"};
  for (const auto& [hk, lk] : {std::pair{Kind::vigil, Kind::keepalived}, std::pair{Kind::keepalived, Kind::vigil}}) {
    Router high(topo.node("a"), hk, lab_config(hi, "a"));
    Router low(topo.node("b"), lk, lab_config(lo, "b"));
    high.start();
    low.start();
    ASSERT_TRUE(wait_until([&] { return high.state() == kMaster && high.owns(kVip); }, kElected)) << high.log();
    ASSERT_TRUE(wait_until([&] { return low.state() == kBackup; }, kElected)) << low.log();
    auto t0 = std::chrono::steady_clock::now();
    high.term();
    ASSERT_TRUE(wait_until([&] { return low.owns(kVip); }, 111ms)) << low.log();  // skew 60.9 + 50 ms
    std::printf("unicast graceful failover: %.1f ms\n", ms_since(t0));
    ASSERT_TRUE(high.stop(3000ms));  // 1 s linger + exit
    ASSERT_TRUE(low.stop(3000ms));
  }
}

TEST(VrrpInterop, V2PassAuthElectionAndHandover) {
  LabInstance li{.version = 2, .advert_ms = 1000,
                 .extra = "  authentication {\n    auth_type PASS\n    auth_pass s3cret\n  }\n"};
  for (const auto& [hk, lk] : {std::pair{Kind::vigil, Kind::keepalived}, std::pair{Kind::keepalived, Kind::vigil}}) {
    Pair p(hk, lk, li);
    // v2: start-up + Master_Down(50..100) ≤ 3.609 s.
    ASSERT_TRUE(p.elect(kStartup + 3700ms)) << p.high.log() << p.low.log();
    const auto t0 = std::chrono::steady_clock::now();
    p.high.term();
    // v2 Skew_Time(100) = 156/256 s = 609 ms, + 50 ms.
    ASSERT_TRUE(wait_until([&] { return p.low.owns(kVip); }, 659ms)) << p.low.log();
    std::printf("v2 graceful failover: %.1f ms (limit 609 + 50 ms)\n", ms_since(t0));
    auto j = p.low.json();
    ASSERT_TRUE(j.has_value());
    EXPECT_EQ((*j)[0]["stats"]["auth_failure"].get<int>(), 0);
  }
}

TEST(VrrpInterop, V3Ipv6BothWays) {
  // IPv6 VIP; adverts from the link-local fe80::99:<n> to ff02::12 (RFC 5798 §5.1.2).
  const std::string vip6 = "fd99::100";
  for (const auto& [hk, lk] : {std::pair{Kind::vigil, Kind::keepalived}, std::pair{Kind::keepalived, Kind::vigil}}) {
    Pair p(hk, lk, LabInstance{.vip = vip6 + "/64"});
    p.high.start();
    p.low.start();
    ASSERT_TRUE(wait_until([&] { return p.high.state() == kMaster && p.high.owns(vip6); }, kElected)) << p.high.log();
    ASSERT_TRUE(wait_until([&] { return p.low.state() == kBackup && !p.low.owns(vip6); }, kElected)) << p.low.log();
    auto t0 = std::chrono::steady_clock::now();
    p.high.kill9();
    ASSERT_TRUE(wait_until([&] { return p.low.owns(vip6); }, 411ms)) << p.low.log();  // 360.9 + 50 ms
    std::printf("IPv6 kill -9 failover: %.1f ms\n", ms_since(t0));
    p.high.start();
    ASSERT_TRUE(wait_until([&] { return p.high.state() == kMaster && p.high.owns(vip6); }, kElected)) << p.high.log();
    EXPECT_TRUE(wait_until([&] { return p.low.state() == kBackup && !p.low.owns(vip6); }, 1000ms)) << p.low.log();
  }
}

}  // namespace
}  // namespace vigil::testing
