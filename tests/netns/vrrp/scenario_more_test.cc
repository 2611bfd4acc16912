// More scenarios with real vigild processes: IPv6 VIPs and unsolicited NAs, interface down →
// FAULT, GARP bursts counted on the wire, VMAC, unicast, and tshark's opinion of every VRRP
// packet vigil put on the bridge.
//
// Timing (RFC 5798 §6.1, VRRPv3 advert 100 ms): Master_Down(100) = 3 × 100 + 60.9 = 360.9 ms,
// Master_Down(150) = 341.4 ms, Skew(100) = 60.9 ms. Start-up allowance 3 s (loaded machine).
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "vrrp_lab.h"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartup = 3000ms;
constexpr auto kElected = kStartup + 400ms;

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

bool is_na_for(const PacketCapture::Frame& f, const std::uint8_t (&ip)[16]) {
  return f.ethertype() == 0x86dd && f.bytes.size() >= 78 && f.bytes[20] == 58 && f.bytes[54] == 136 &&
         std::memcmp(&f.bytes[62], ip, 16) == 0;
}

TEST(VrrpScenarioMore, Ipv6VipMovesAndIsAnnouncedWithNeighbourAdverts) {
  Topology topo("vv6", {"a", "b"});
  PacketCapture cap(topo.bridge_ns(), "br0");
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150, .vip = "fd99::100/64"}, "a"));
  Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100, .vip = "fd99::100/64"}, "b"));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("fd99::100"); }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kBackup; }, kElected)) << b.log();
  EXPECT_FALSE(b.owns("fd99::100"));
  // garp_master_repeat 5: five unsolicited NAs for the VIP on becoming master (sent at once).
  const std::uint8_t vip[16] = {0xfd, 0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00};
  int nas = 0;
  while (cap.next([&](const PacketCapture::Frame& f) { return is_na_for(f, vip); }, 500ms)) ++nas;
  EXPECT_GE(nas, 5);

  const auto t0 = std::chrono::steady_clock::now();
  a.kill9();
  ASSERT_TRUE(wait_until([&] { return b.owns("fd99::100"); }, 411ms)) << b.log();  // 360.9 + 50 ms
  std::printf("IPv6 kill -9 failover: %.1f ms\n", ms_since(t0));
  EXPECT_EQ(b.state(), kMaster);
}

TEST(VrrpScenarioMore, LinkDownOnTheMasterMeansFaultAndFailover) {
  Topology topo("vvl", {"a", "b"});
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150}, "a"));
  Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100}, "b"));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kBackup; }, kElected));

  const auto t0 = std::chrono::steady_clock::now();
  sh(topo.node("a").exec("ip link set eth0 down"));
  // a hears of it through rtnetlink at once; b's down timer runs out 360.9 ms after a's last
  // advert, + 50 ms.
  ASSERT_TRUE(wait_until([&] { return b.owns("10.99.0.100"); }, 411ms)) << b.log();
  std::printf("link-down failover: %.1f ms\n", ms_since(t0));
  EXPECT_TRUE(wait_until([&] { return a.state() == kFault; }, 500ms)) << a.log();
  EXPECT_FALSE(a.owns("10.99.0.100"));  // released on entering FAULT
  // Log lines are written by vigild's log writer thread, a moment after the state changed.
  EXPECT_TRUE(wait_until([&] { return a.log().find("(VI_1) Entering FAULT STATE") != std::string::npos; }, 500ms));
  EXPECT_NE(a.log().find("Netlink reports eth0 down"), std::string::npos);

  sh(topo.node("a").exec("ip link set eth0 up"));
  // Back to BACKUP, then preempts at its master-down (341.4 ms); link bring-up + bridge port
  // forwarding take a few hundred ms more: 1.5 s.
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, 1500ms)) << a.log();
  EXPECT_TRUE(wait_until([&] { return b.state() == kBackup && !b.owns("10.99.0.100"); }, 500ms));
}

TEST(VrrpScenarioMore, VmacCarriesTheVipAndTheVirtualMac) {
  Topology topo("vvm", {"a", "b"});
  PacketCapture cap(topo.bridge_ns(), "br0");
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150, .extra = "  use_vmac\n"}, "a"));
  Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100}, "b"));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns_on("10.99.0.100", "vrrp.51"); }, kElected))
      << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kBackup; }, kElected)) << b.log();
  // Adverts leave from 00:00:5e:00:01:33 (RFC 5798 §7.3, VRID 51).
  const std::uint8_t vmac[6] = {0x00, 0x00, 0x5e, 0x00, 0x01, 51};
  auto advert = cap.next([&](const PacketCapture::Frame& f) {
    return f.ethertype() == 0x0800 && f.bytes.size() > 34 && f.bytes[23] == 112 &&
           std::memcmp(&f.bytes[6], vmac, 6) == 0;
  }, 500ms);  // 5 adverts' time
  EXPECT_TRUE(advert.has_value());
  // Graceful stop: b takes over (skew 60.9 + 50 ms), the VMAC is deleted at the end.
  a.term();
  EXPECT_TRUE(wait_until([&] { return b.owns("10.99.0.100"); }, 111ms)) << b.log();
  ASSERT_TRUE(a.stop(3000ms));  // 1 s linger
  EXPECT_EQ(a.exec("ip -br link show vrrp.51 2>/dev/null"), "");
}

TEST(VrrpScenarioMore, UnicastElectionAndFailover) {
  Topology topo("vvu", {"a", "b"});
  PacketCapture cap(topo.bridge_ns(), "br0");
  Router a(topo.node("a"), Router::Kind::vigil,
           lab_config({.priority = 150, .extra = "  unicast_src_ip 10.99.0.1\n  unicast_peer {\n    10.99.0.2\n  }\n"}, "a"));
  Router b(topo.node("b"), Router::Kind::vigil,
           lab_config({.priority = 100, .extra = "  unicast_src_ip 10.99.0.2\n  unicast_peer {\n    10.99.0.1\n  }\n"}, "b"));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kBackup; }, kElected)) << b.log();
  cap.drain();
  // Only unicast adverts (to 10.99.0.2), no multicast, over 3 advert intervals.
  auto mcast = cap.next([](const PacketCapture::Frame& f) {
    return f.ethertype() == 0x0800 && f.bytes.size() > 34 && f.bytes[23] == 112 && f.bytes[30] == 224;
  }, 300ms);
  EXPECT_FALSE(mcast.has_value());
  const auto t0 = std::chrono::steady_clock::now();
  a.kill9();
  ASSERT_TRUE(wait_until([&] { return b.owns("10.99.0.100"); }, 411ms)) << b.log();  // 360.9 + 50 ms
  std::printf("unicast kill -9 failover: %.1f ms\n", ms_since(t0));
}

TEST(VrrpScenarioMore, TsharkDecodesEveryAdvertVigilSends) {
  if (run("command -v tshark").out.empty() || run("command -v tcpdump").out.empty()) {
    GTEST_SKIP() << "tshark/tcpdump not installed";
  }
  Topology topo("vvt", {"a", "b", "c"});
  char tmpl[] = "/tmp/vigil-vrrp-pcap-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl, pcap = dir + "/vrrp.pcap";
  {
    ChildProcess dump(topo.bridge_ns(), {"tcpdump", "-i", "br0", "-U", "-w", pcap, "ip proto 112 or ip6 proto 112"});
    // tcpdump writes the pcap file header once it is capturing.
    ASSERT_TRUE(wait_until([&] { return run("stat -c %s " + pcap + " 2>/dev/null").out.size() > 0 &&
                                        std::stoi(run("stat -c %s " + pcap).out) >= 24; }, 3000ms));
    // v3 IPv4 (VRID 51), v3 IPv6 (VRID 52) and v2 with PASS (VRID 53), each elected, then a
    // graceful stop (priority-0 adverts).
    Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150}, "a"));
    Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 150, .vrid = 52, .vip = "fd99::100/64"}, "b"));
    Router c(topo.node("c"), Router::Kind::vigil,
             lab_config({.priority = 150, .vrid = 53, .version = 2, .advert_ms = 1000,
                         .extra = "  authentication {\n    auth_type PASS\n    auth_pass secret12\n  }\n"}, "c"));
    a.start();
    b.start();
    c.start();
    // v2 at 1 s: master-down 3.2 s at priority 150.
    ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && b.state() == kMaster && c.state() == kMaster; },
                           kStartup + 3300ms));
    ASSERT_TRUE(a.stop(3000ms));
    ASSERT_TRUE(b.stop(3000ms));
    ASSERT_TRUE(c.stop(3000ms));
  }  // tcpdump gets SIGTERM and flushes
  const std::string out = run("tshark -n -r " + pcap + " -o ip.check_checksum:TRUE -V 2>/dev/null").out;
  const std::size_t adverts = occurrences(out, "Virtual Router Redundancy Protocol");
  std::printf("tshark: %zu VRRP packets\n", adverts);
  EXPECT_GT(adverts, 10u);
  EXPECT_EQ(occurrences(out, "[Checksum Status: Good]"), adverts);
  EXPECT_EQ(occurrences(out, "Malformed"), 0u);
  EXPECT_EQ(occurrences(out, "Bad"), 0u);
  EXPECT_GE(occurrences(out, "Priority: 0 ("), 3u);  // one priority-0 advert per stop, at least
  EXPECT_NE(out.find("Authentication String: secret12"), std::string::npos);
  run("rm -rf " + dir);
}

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

TEST(VrrpScenarioMore, NotifyScriptsRunOnTransitions) {
  Topology topo("vvn", {"a"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");  // for its temp dir only
  const std::string script = probe.dir() + "/notify.sh", out = probe.dir() + "/notify.out";
  sh("printf '#!/bin/sh\\necho \"$@\" >> " + out + "\\n' > " + script + " && chmod 755 " + script);
  Router a(topo.node("a"), Router::Kind::vigil,
           lab_config({.priority = 150,
                       .extra = "  notify_master \"" + script + " became-master\"\n  notify " + script + "\n"},
                      "a"));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, kElected)) << a.log();
  // The scripts are children of the VRRP process, started at the transition: 1 s to run.
  auto has = [&](const std::string& what) { return run("cat " + out).out.find(what) != std::string::npos; };
  EXPECT_TRUE(wait_until([&] { return has("became-master"); }, 1000ms)) << a.log();
  EXPECT_TRUE(wait_until([&] { return has("INSTANCE VI_1 MASTER 150"); }, 1000ms)) << run("cat " + out).out;
  ASSERT_TRUE(a.stop(3000ms));
  EXPECT_TRUE(has("INSTANCE VI_1 STOP")) << run("cat " + out).out;
}

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

TEST(VrrpScenarioMore, TrackScriptLowersPriorityAndTheBackupTakesOver) {
  Topology topo("vvs", {"a", "b"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");  // for its temp dir only
  const std::string flag = probe.dir() + "/down";
  const std::string track = "vrrp_script chk {\n  script \"/usr/bin/test ! -e " + flag +
                            "\"\n  interval 1\n  weight -60\n}\n";
  Router a(topo.node("a"), Router::Kind::vigil,
           track + lab_config({.priority = 150, .extra = "  track_script {\n    chk\n  }\n"}, "a"));
  Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100}, "b"));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kBackup; }, kElected));
  sh("touch " + flag);
  // The script fails at its next run (interval 1 s): a drops to 90 and advertises it; b (100,
  // preempting) takes over at its master-down (360.9 ms). 1 s + 0.4 s + 0.6 s slack.
  ASSERT_TRUE(wait_until([&] { return b.state() == kMaster && b.owns("10.99.0.100"); }, 2000ms)) << a.log();
  EXPECT_EQ(a.effective_priority(), 90);
  EXPECT_NE(a.log().find("(VI_1) Changing effective priority from 150 to 90"), std::string::npos) << a.log();
  sh("rm -f " + flag);
  // Succeeds again at the next run: a back to 150 and preempts (master-down 341.4 ms).
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, 2000ms)) << a.log();
  EXPECT_EQ(a.effective_priority(), 150);
}

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

// Two instances per router in one vrrp_sync_group. a: VI_1 150, VI_2 50; b: VI_1 100, VI_2 100.
// Alone, a would be master of VI_1 and b of VI_2. In a group, MASTER needs every member
// ("prefer backup", reference §4.13): a's VI_2 loses to b, pulls a's VI_1 to BACKUP, and b
// ends up master of both.
std::string sync_config(int p1, int p2, const std::string& id) {
  return fmt::format(
      "global_defs {{\n  router_id {}\n}}\n"
      "vrrp_sync_group G {{\n  group {{\n    VI_1\n    VI_2\n  }}\n}}\n"
      "vrrp_instance VI_1 {{\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority {}\n"
      "  advert_int 0.1\n  version 3\n  virtual_ipaddress {{\n    10.99.0.100/24\n  }}\n}}\n"
      "vrrp_instance VI_2 {{\n  state BACKUP\n  interface eth0\n  virtual_router_id 52\n  priority {}\n"
      "  advert_int 0.1\n  version 3\n  virtual_ipaddress {{\n    10.99.0.101/24\n  }}\n}}\n",
      id, p1, p2);
}

TEST(VrrpScenarioMore, SyncGroupMovesItsInstancesTogether) {
  Topology topo("vvy", {"a", "b"});
  Router a(topo.node("a"), Router::Kind::vigil, sync_config(150, 50, "a"));
  Router b(topo.node("b"), Router::Kind::vigil, sync_config(100, 100, "b"));
  a.start();
  b.start();
  // Start-up + a few master-down intervals while the groups settle (each ≤ 400 ms): 2 s more.
  ASSERT_TRUE(wait_until([&] {
    return b.state("VI_1") == kMaster && b.state("VI_2") == kMaster && a.state("VI_1") == kBackup &&
           a.state("VI_2") == kBackup;
  }, kStartup + 2000ms)) << a.log() << b.log();
  EXPECT_TRUE(wait_until([&] { return b.owns("10.99.0.100") && b.owns("10.99.0.101"); }, 200ms));
  EXPECT_FALSE(a.owns("10.99.0.100"));
  // Stable: a's VI_1 (150) keeps wanting MASTER but its group holds it back.
  EXPECT_FALSE(wait_until([&] { return a.state("VI_1") != kBackup || !b.owns("10.99.0.100"); }, 1000ms));
  EXPECT_NE(b.log().find("VRRP_Group(G) Syncing instances to MASTER state"), std::string::npos) << b.log();
}

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

TEST(VrrpScenarioMore, VirtualRoutesAndRulesFollowTheMaster) {
  Topology topo("vvr", {"a", "b"});
  const std::string extra =
      "  virtual_routes {\n    10.55.0.0/24 via 10.99.0.254 dev eth0\n  }\n"
      "  virtual_rules {\n    from 10.99.0.100 table 100 preference 100\n  }\n";
  Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150, .extra = extra}, "a"));
  Router b(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100, .extra = extra}, "b"));
  auto has_route = [](Router& r) { return r.exec("ip route show 10.55.0.0/24").find("via 10.99.0.254") != std::string::npos; };
  auto has_rule = [](Router& r) { return r.exec("ip rule show").find("from 10.99.0.100 lookup 100") != std::string::npos; };
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster && a.owns("10.99.0.100"); }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state() == kBackup; }, kElected));
  EXPECT_TRUE(has_route(a)) << a.log();
  EXPECT_TRUE(has_rule(a)) << a.exec("ip rule show");
  EXPECT_FALSE(has_route(b));
  EXPECT_FALSE(has_rule(b));
  a.term();
  // Graceful handover: skew 60.9 ms + 50 ms for the VIP; routes come with it (+ polling 100 ms).
  ASSERT_TRUE(wait_until([&] { return b.owns("10.99.0.100") && has_route(b) && has_rule(b); }, 300ms)) << b.log();
  ASSERT_TRUE(a.stop(3000ms));
  EXPECT_FALSE(has_route(a));
  EXPECT_FALSE(has_rule(a));
}

}  // namespace
}  // namespace vigil::testing
