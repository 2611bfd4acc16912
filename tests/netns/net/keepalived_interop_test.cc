// src/net + the codec against real keepalived 2.2.7 (Debian), both directions, in namespaces:
//  * keepalived's adverts arrive on a VrrpReceiver with metadata the codec accepts;
//  * adverts we send (codec-encoded, VrrpSender) hold a keepalived backup in BACKUP, and it
//    takes over once we stop — the positive control that it was listening all along.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "net/recv_batch.h"
#include "net/vrrp_socket.h"
#include "net_test_util.h"
#include "netns_harness.h"
#include "vrrp/packet.h"

namespace vigil::net {
namespace {

using namespace std::chrono_literals;
using test::ip;
using testing::ChildProcess;
using testing::NetnsScope;
using testing::Topology;

constexpr const char* kKeepalived = "/usr/sbin/keepalived";
// advert_int 0.5 s: Master_Down_Interval = 3 x 0.5 + Skew. Priority 150: skew = 106/256 x 0.5
// = 0.21 s -> 1.71 s; priority 100: 156/256 x 0.5 = 0.30 s -> 1.80 s (RFC 5798 §6.1).
constexpr auto kAdvert = 500ms;
constexpr auto kMasterDown100 = 1800ms;
// keepalived start-up (config parse, netlink dumps, VRRP child fork) on a loaded host: < 2 s.
constexpr auto kStartup = 2s;

class KeepalivedInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kKeepalived, X_OK) != 0) GTEST_SKIP() << "keepalived not installed";
    dir_ = "/tmp/vigil-net-ka-" + std::to_string(::getpid());
    ::mkdir(dir_.c_str(), 0700);
  }
  void TearDown() override {
    keepalived_.reset();
    if (!dir_.empty()) testing::run("rm -rf " + dir_);
  }
  void start_keepalived(const Topology::Node& node, const std::string& instance) {
    std::string conf = dir_ + "/" + node.role + ".conf";
    std::ofstream(conf) << "global_defs {\n  router_id " << node.ns << "\n}\n" << instance;
    keepalived_.emplace(node.ns, std::vector<std::string>{
        "ip", "netns", "exec", node.ns, kKeepalived, "-n", "-P", "-f", conf,
        "-p", dir_ + "/" + node.role + ".pid", "-r", dir_ + "/" + node.role + "-vrrp.pid"});
  }
  std::string dir_;
  std::optional<ChildProcess> keepalived_;
  Topology topo{"vka", {"a", "b"}};
};

TEST_F(KeepalivedInterop, KeepalivedAdvertPassesCodecWithOurMetadata) {
  const auto& a = topo.node("a");
  const auto& b = topo.node("b");
  int b_ifindex = 0;
  auto rx = [&] {
    NetnsScope in(b.ns);
    b_ifindex = test::ifindex("eth0");
    return VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = b_ifindex});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  start_keepalived(a, "vrrp_instance VI_61 {\n  state MASTER\n  interface eth0\n  virtual_router_id 61\n"
                      "  priority 150\n  advert_int 0.5\n  version 3\n"
                      "  virtual_ipaddress {\n    10.99.0.100/24\n  }\n}\n");

  const std::array<vrrp::IpAddress, 1> vips{ip("10.99.0.100")};
  vrrp::Expectations expect{.version = vrrp::Version::v3, .family = vrrp::Family::inet,
                            .vrid = {61}, .advert_interval = vrrp::Centiseconds{50}, .vips = vips};
  RecvBatch batch;
  std::optional<vrrp::Verdict> verdict;
  vrrp::RxMeta seen{};
  int priority = -1;
  bool got = testing::wait_until([&] {
    auto r = batch.drain(rx->fd(), rx->family(), 64, [&](const RecvPacket& p) {
      vrrp::RxMeta meta = p.meta;
      auto advert = vrrp::decode_ipv4(p.ip_packet, meta);
      if (!advert || advert->vrid.value != 61) return;
      verdict = vrrp::validate(*advert, meta, expect);
      seen = p.meta;  // what src/net itself reported, before the codec re-read the header
      priority = advert->priority.value;
    });
    return !r || verdict.has_value();
  }, kStartup + 1710ms + kAdvert + 1s);  // start-up + master down (prio 150) + one advert + slack
  ASSERT_TRUE(got) << "no advert from keepalived";
  EXPECT_TRUE(verdict->accepted()) << static_cast<int>(*verdict->drop);
  EXPECT_EQ(priority, 150);
  EXPECT_EQ(seen.ttl, 255);
  EXPECT_EQ(seen.source, ip(a.ipv4));
  EXPECT_EQ(seen.destination, vrrp_group(vrrp::Family::inet));
  EXPECT_TRUE(seen.destination_multicast);
  EXPECT_EQ(seen.ifindex, static_cast<unsigned>(b_ifindex));
}

// IPv6: the payload has no IP header, so the checksum check (pseudo-header) depends entirely
// on the source/destination src/net took from msg_name and IPV6_PKTINFO.
TEST_F(KeepalivedInterop, KeepalivedIpv6AdvertPassesCodecWithOurMetadata) {
  const auto& a = topo.node("a");
  const auto& b = topo.node("b");
  auto rx = [&] {
    NetnsScope in(b.ns);
    return VrrpReceiver::open({.family = vrrp::Family::inet6, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  start_keepalived(a, "vrrp_instance VI_63 {\n  state MASTER\n  interface eth0\n  virtual_router_id 63\n"
                      "  priority 150\n  advert_int 0.5\n  version 3\n"
                      "  virtual_ipaddress {\n    fe80::63/64\n    fd99::163/64\n  }\n}\n");
  const std::array<vrrp::IpAddress, 2> vips{ip("fe80::63"), ip("fd99::163")};
  vrrp::Expectations expect{.version = vrrp::Version::v3, .family = vrrp::Family::inet6,
                            .vrid = {63}, .advert_interval = vrrp::Centiseconds{50}, .vips = vips};
  RecvBatch batch;
  std::optional<vrrp::Verdict> verdict;
  vrrp::RxMeta seen{};
  bool got = testing::wait_until([&] {
    auto r = batch.drain(rx->fd(), rx->family(), 64, [&](const RecvPacket& p) {
      auto advert = vrrp::decode(p.payload, vrrp::Family::inet6);
      if (!advert || advert->vrid.value != 63) return;
      verdict = vrrp::validate(*advert, p.meta, expect);
      seen = p.meta;
    });
    return !r || verdict.has_value();
  }, kStartup + 1710ms + kAdvert + 1s);  // start-up + master down (prio 150) + one advert + slack
  ASSERT_TRUE(got) << "no IPv6 advert from keepalived";
  EXPECT_TRUE(verdict->accepted()) << static_cast<int>(*verdict->drop);
  EXPECT_EQ(seen.ttl, 255);
  EXPECT_EQ(seen.source, ip(a.ll6));  // keepalived sends from the interface's link-local
  EXPECT_EQ(seen.destination, vrrp_group(vrrp::Family::inet6));
}

TEST_F(KeepalivedInterop, OurAdvertsHoldKeepalivedInBackup) {
  const auto& a = topo.node("a");
  const auto& b = topo.node("b");
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(tx) << tx.error().str();
  // Adverts from b (keepalived) are seen on the bridge.
  testing::PacketCapture cap(topo.bridge_ns(), "br0");
  auto from_b = [&](const testing::PacketCapture::Frame& f) {
    const auto& x = f.bytes;
    return f.ethertype() == 0x0800 && x.size() >= 34 && x[23] == 112 &&
           std::equal(x.begin() + 26, x.begin() + 30, ip(b.ipv4).data());
  };

  const std::array<vrrp::IpAddress, 1> vips{ip("10.99.0.100")};
  std::uint16_t id = 1;
  auto send_advert = [&] {
    vrrp::AdvertFields fields{.version = vrrp::Version::v3, .family = vrrp::Family::inet, .vrid = {62},
                              .priority = {200}, .interval = vrrp::Centiseconds{50}, .addresses = vips};
    std::array<std::uint8_t, 64> buf{};
    auto n = vrrp::encode_ipv4(fields, {.source = ip(a.ipv4), .destination = vrrp_group(vrrp::Family::inet), .id = id++},
                               {}, buf);
    ASSERT_TRUE(n);
    auto st = tx->send(std::span<const std::uint8_t>(buf.data(), *n), vrrp_group(vrrp::Family::inet));
    ASSERT_TRUE(st) << st.error().str();
  };

  send_advert();
  start_keepalived(b, "vrrp_instance VI_62 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 62\n"
                      "  priority 100\n  advert_int 0.5\n  version 3\n"
                      "  virtual_ipaddress {\n    10.99.0.100/24\n  }\n}\n");
  // Keep advertising every 0.5 s (our advert interval) for start-up + 2 master-down intervals.
  auto until = std::chrono::steady_clock::now() + kStartup + 2 * kMasterDown100;
  while (std::chrono::steady_clock::now() < until) {
    send_advert();
    std::this_thread::sleep_for(kAdvert);  // the protocol's own send timer
    ASSERT_FALSE(cap.next(from_b, 0ms)) << "keepalived took over while we advertised priority 200";
  }
  EXPECT_EQ(testing::sh(b.exec("ip -o addr show dev eth0")).find("10.99.0.100"), std::string::npos);

  // Positive control: we go silent, keepalived becomes master after Master_Down_Interval.
  EXPECT_TRUE(cap.next(from_b, kMasterDown100 + 2s)) << "keepalived never advertised";
}

}  // namespace
}  // namespace vigil::net
