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
  Pair(Kind high_kind, Kind low_kind, LabInstance li = {}) : Pair(high_kind, low_kind, li, li) {}
  // Different settings per side (unicast: each names the other as its peer).
  Pair(Kind high_kind, Kind low_kind, LabInstance hi, LabInstance lo)
      : topo("vki", {"a", "b"}),
        high(topo.node("a"), high_kind, lab_config(with_priority(hi, 150), "a")),
        low(topo.node("b"), low_kind, lab_config(with_priority(lo, 100), "b")) {}
  static LabInstance with_priority(LabInstance li, int p) {
    li.priority = p;
    return li;
  }
};

// The limits one pairing is held to: VRRPv3 at 100 ms unless told otherwise.
struct Limits {
  std::chrono::milliseconds elect = kElected;
  std::chrono::milliseconds kill = 411ms;      // Master_Down(100) 360.9 + 50 ms
  std::chrono::milliseconds graceful = 111ms;  // Skew(100) 60.9 + 50 ms
};

// The steps every pairing goes through: election, kill -9 of the master → the other takes over
// within master-down + 50 ms, the master returns → it preempts; and then a graceful stop →
// handover within skew + 50 ms.
void election_failover_preemption(Pair& p, const Limits& l = {}, const std::string& vip = kVip) {
  p.high.start();
  p.low.start();
  ASSERT_TRUE(wait_until([&] { return p.high.state() == kMaster && p.high.owns(vip); }, l.elect))
      << p.high.log() << p.low.log();
  ASSERT_TRUE(wait_until([&] { return p.low.state() == kBackup && !p.low.owns(vip); }, l.elect)) << p.low.log();

  auto t0 = std::chrono::steady_clock::now();
  p.high.kill9();
  ASSERT_TRUE(wait_until([&] { return p.low.owns(vip); }, l.kill)) << p.low.log();
  std::printf("kill -9 failover: %.1f ms (limit %lld ms)\n", ms_since(t0), static_cast<long long>(l.kill.count()));
  EXPECT_EQ(p.low.state(), kMaster);

  p.high.start();
  // Start-up + its master-down while discarding the lower adverts.
  ASSERT_TRUE(wait_until([&] { return p.high.state() == kMaster && p.high.owns(vip); }, l.elect)) << p.high.log();
  EXPECT_TRUE(wait_until([&] { return p.low.state() == kBackup && !p.low.owns(vip); }, 1000ms));

  t0 = std::chrono::steady_clock::now();
  p.high.term();
  ASSERT_TRUE(wait_until([&] { return p.low.owns(vip); }, l.graceful)) << p.low.log();
  std::printf("graceful failover: %.1f ms (limit %lld ms)\n", ms_since(t0),
              static_cast<long long>(l.graceful.count()));
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
  LabInstance hi{.extra = "  unicast_src_ip 10.99.0.1\n  unicast_peer {\n    10.99.0.2\n  }\n"};
  LabInstance lo{.extra = "  unicast_src_ip 10.99.0.2\n  unicast_peer {\n    10.99.0.1\n  }\n"};
  for (const auto& [hk, lk] : {std::pair{Kind::vigil, Kind::keepalived}, std::pair{Kind::keepalived, Kind::vigil}}) {
    Pair p(hk, lk, hi, lo);
    election_failover_preemption(p);
    if (HasFatalFailure()) return;
  }
}

TEST(VrrpInterop, V2PassAuthElectionFailoverPreemptionAndHandover) {
  LabInstance li{.version = 2, .advert_ms = 1000,
                 .extra = "  authentication {\n    auth_type PASS\n    auth_pass s3cret\n  }\n"};
  // v2 at 1 s: Master_Down(100) = 3 s + 156/256 s = 3609 ms, Skew(100) = 609 ms (+ 50 ms each);
  // election: start-up + Master_Down(150) 3414 ms ≤ 3.7 s.
  const Limits v2{.elect = kStartup + 3700ms, .kill = 3659ms, .graceful = 659ms};
  for (const auto& [hk, lk] : {std::pair{Kind::vigil, Kind::keepalived}, std::pair{Kind::keepalived, Kind::vigil}}) {
    Pair p(hk, lk, li);
    election_failover_preemption(p, v2);
    if (HasFatalFailure()) return;
    auto j = p.low.json();
    ASSERT_TRUE(j.has_value());
    EXPECT_EQ((*j)[0]["stats"]["auth_failure"].get<int>(), 0);
  }
}

TEST(VrrpInterop, V3Ipv6BothWays) {
  // IPv6 VIP; adverts from the link-local fe80::99:<n> to ff02::12 (RFC 5798 §5.1.2).
  for (const auto& [hk, lk] : {std::pair{Kind::vigil, Kind::keepalived}, std::pair{Kind::keepalived, Kind::vigil}}) {
    Pair p(hk, lk, LabInstance{.vip = "fd99::100/64"});
    election_failover_preemption(p, {}, "fd99::100");
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace vigil::testing
