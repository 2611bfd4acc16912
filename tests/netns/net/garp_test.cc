// GARP and unsolicited NA: byte-exact against keepalived's captures, and on the wire between
// two namespaces (captured with an AF_PACKET socket in the receiving namespace).
#include "net/garp.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "net/sysctl.h"
#include "net_test_util.h"
#include "netns_harness.h"

namespace vigil::net {
namespace {

using namespace std::chrono_literals;
using test::ip;
using testing::NetnsScope;
using testing::Topology;

// shared/captures/v2-ipv4-mcast.txt, frame 6 (first GARP): kc-a 02:77:00:00:00:01, VIP 10.77.0.100.
const std::vector<std::uint8_t> kCapturedGarp = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x77, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x01,
    0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x77, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x4d, 0x00, 0x64,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0a, 0x4d, 0x00, 0x64};

// v3-ipv6-mcast.txt (forwarding 0) and v3-ipv6-mcast-forwarding.txt (forwarding 1), frame 6:
// NA for fe80::53 from 02:77:00:00:00:01. They differ in the flags and the checksum.
std::vector<std::uint8_t> captured_na(bool router) {
  std::vector<std::uint8_t> f = {
      0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x77, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd, 0x60, 0x00,
      0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x53, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00, 0x56, 0x80, 0x20, 0x00, 0x00, 0x00, 0xfe, 0x80,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53, 0x02, 0x01,
      0x02, 0x77, 0x00, 0x00, 0x00, 0x01};
  if (router) {
    f[0x38] = 0xd6;  // checksum 0xd67f
    f[0x39] = 0x7f;
    f[0x3a] = 0xa0;  // R + O
  }
  return f;
}

constexpr Mac kCaptureMac = {0x02, 0x77, 0x00, 0x00, 0x00, 0x01};

TEST(GarpFrames, GarpMatchesKeepalivedCapture) {
  auto f = build_garp_frame(kCaptureMac, ip("10.77.0.100"));
  EXPECT_EQ(std::vector<std::uint8_t>(f.begin(), f.end()), kCapturedGarp);
}

TEST(GarpFrames, VmacGarpMatchesKeepalivedCapture) {
  // v3-ipv4-vmac.txt: sender MAC is the VMAC 00:00:5e:00:01:3a.
  std::vector<std::uint8_t> want = kCapturedGarp;
  for (std::size_t off : {6u, 22u}) {
    const std::uint8_t vmac[] = {0x00, 0x00, 0x5e, 0x00, 0x01, 0x3a};
    std::copy(std::begin(vmac), std::end(vmac), want.begin() + static_cast<std::ptrdiff_t>(off));
  }
  auto f = build_garp_frame({0x00, 0x00, 0x5e, 0x00, 0x01, 0x3a}, ip("10.77.0.100"));
  EXPECT_EQ(std::vector<std::uint8_t>(f.begin(), f.end()), want);
}

TEST(GarpFrames, NaMatchesKeepalivedCaptureWithAndWithoutRouterFlag) {
  auto plain = build_na_frame(kCaptureMac, ip("fe80::53"), false);
  EXPECT_EQ(std::vector<std::uint8_t>(plain.begin(), plain.end()), captured_na(false));
  auto router = build_na_frame(kCaptureMac, ip("fe80::53"), true);
  EXPECT_EQ(std::vector<std::uint8_t>(router.begin(), router.end()), captured_na(true));
}

// A frame crosses two veths and a bridge in microseconds; 2 s covers a loaded machine.
constexpr auto kDelivery = 2s;

class GarpWireTest : public ::testing::Test {
 protected:
  Topology topo{"vgarp", {"a", "b"}};
};

Mac mac_of(const std::string& text) {
  Mac m{};
  std::sscanf(text.c_str(), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]);
  return m;
}

TEST_F(GarpWireTest, GarpArrivesInOtherNamespace) {
  const auto& a = topo.node("a");
  testing::PacketCapture cap(topo.node("b").ns, "eth0");
  auto tx = [&] { NetnsScope in(a.ns); return GarpSender::open(test::ifindex("eth0"), mac_of(a.mac)); }();
  ASSERT_TRUE(tx) << tx.error().str();
  ASSERT_TRUE(tx->send_garp(ip("10.99.0.100")));
  auto f = cap.next([](const auto& fr) { return fr.ethertype() == ETH_P_ARP; }, kDelivery);
  ASSERT_TRUE(f);
  auto want = build_garp_frame(mac_of(a.mac), ip("10.99.0.100"));
  EXPECT_EQ(f->bytes, std::vector<std::uint8_t>(want.begin(), want.end()));
  EXPECT_EQ(f->bytes.size(), 42u);  // veth: not padded
}

// A burst in one sendmmsg: every frame arrives, in order, byte for byte, each with its own MAC.
TEST_F(GarpWireTest, SendFramesDeliversABurstInOrder) {
  const auto& a = topo.node("a");
  testing::PacketCapture cap(topo.node("b").ns, "eth0");
  auto tx = [&] { NetnsScope in(a.ns); return GarpSender::open(test::ifindex("eth0"), mac_of(a.mac)); }();
  ASSERT_TRUE(tx) << tx.error().str();
  std::vector<std::array<std::uint8_t, kGarpFrameSize>> frames;
  for (int i = 0; i < 20; ++i) {  // more than one sendmmsg's worth
    Mac m = mac_of(a.mac);
    m[5] = static_cast<std::uint8_t>(i);
    frames.push_back(build_garp_frame(m, ip("10.99.1." + std::to_string(i + 1))));
  }
  frames.push_back(build_garp_frame(mac_of(a.mac), ip("10.99.1.200")));
  std::vector<std::span<const std::uint8_t>> views(frames.begin(), frames.end());
  std::vector<Status> results(views.size(), make_error(EINVAL, "not sent"));
  tx->send_frames(views, results);
  for (const auto& r : results) EXPECT_TRUE(r) << r.error().str();
  for (const auto& want : frames) {
    auto f = cap.next([](const auto& fr) { return fr.ethertype() == ETH_P_ARP; }, kDelivery);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->bytes, std::vector<std::uint8_t>(want.begin(), want.end()));
  }
}

TEST_F(GarpWireTest, NaArrivesWithRouterFlagFromForwardingSysctl) {
  const auto& a = topo.node("a");
  testing::PacketCapture cap(topo.node("b").ns, "eth0");
  auto is_na = [](const testing::PacketCapture::Frame& fr) {
    return fr.bytes.size() >= 55 && fr.ethertype() == ETH_P_IPV6 && fr.bytes[20] == 58 && fr.bytes[54] == 136;
  };
  for (bool forwarding : {false, true}) {
    bool router = false;
    auto tx = [&] {
      NetnsScope in(a.ns);
      EXPECT_TRUE(sysctl_write("net/ipv6/conf/eth0/forwarding", forwarding ? "1" : "0"));
      router = ipv6_forwarding("eth0").value();
      return GarpSender::open(test::ifindex("eth0"), mac_of(a.mac));
    }();
    ASSERT_TRUE(tx) << tx.error().str();
    EXPECT_EQ(router, forwarding);
    ASSERT_TRUE(tx->send_na(ip("fd99::100"), router));
    auto got = cap.next(is_na, kDelivery);
    ASSERT_TRUE(got);
    const std::vector<std::uint8_t>* f = &got->bytes;
    auto want = build_na_frame(mac_of(a.mac), ip("fd99::100"), router);
    EXPECT_EQ(*f, std::vector<std::uint8_t>(want.begin(), want.end()));
    EXPECT_EQ((*f)[21], 255);                          // hop limit
    EXPECT_EQ(((*f)[58] & 0x80) != 0, forwarding);    // Router flag
    EXPECT_EQ((*f)[58] & 0x20, 0x20);                  // Override flag
    // ICMPv6 checksum verifies: pseudo-header + message sums to 0xffff.
    std::uint32_t acc = test::sum16(f->data() + 22, 32);
    acc += 32 + 58;
    EXPECT_EQ(test::sum16(f->data() + 54, 32, acc), 0xffffu);
  }
}

TEST(GarpErrors, WrongFamilyAndBadInterfaceAreErrors) {
  EXPECT_FALSE(GarpSender::open(0, kCaptureMac));
  EXPECT_FALSE(GarpSender::open(999999, kCaptureMac));
}

}  // namespace
}  // namespace vigil::net
