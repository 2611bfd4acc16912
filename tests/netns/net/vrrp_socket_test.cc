// Raw VRRP sockets between two namespaces on a bridge: multicast and unicast, IPv4 and IPv6,
// metadata from control messages, and the per-pass drain limit under a flood.
#include "net/vrrp_socket.h"

#include <gtest/gtest.h>

#include <time.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "net/recv_batch.h"
#include "net_test_util.h"
#include "netns_harness.h"

namespace vigil::net {
namespace {

using namespace std::chrono_literals;
using test::ip;
using testing::NetnsScope;
using testing::Topology;

// One frame crossing two veths and a bridge takes microseconds; 2 s also covers ARP/ND
// resolution for unicast (one request/reply on the same bridge) on a loaded CI machine.
constexpr auto kDelivery = 2s;

// A v3 advert for VRID 52, priority 150, one VIP (from the captures; checksum not relevant here).
const std::vector<std::uint8_t> kAdvert = {0x31, 0x34, 0x96, 0x01, 0x00, 0x64, 0x00, 0x00,
                                           0x0a, 0x4d, 0x00, 0x64};

// IPv4 header as keepalived builds it (TOS 0xc0, TTL 255, DF clear); the kernel fills the checksum.
std::vector<std::uint8_t> ipv4_packet(const vrrp::IpAddress& src, const vrrp::IpAddress& dst,
                                      std::uint16_t id, const std::vector<std::uint8_t>& payload) {
  std::size_t total = 20 + payload.size();
  std::vector<std::uint8_t> p = {0x45, 0xc0, static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total),
                                 static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id), 0, 0,
                                 255, 112, 0, 0};
  p.insert(p.end(), src.data(), src.data() + 4);
  p.insert(p.end(), dst.data(), dst.data() + 4);
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

struct Received {
  std::vector<std::uint8_t> payload;
  vrrp::RxMeta meta;
  std::int64_t arrival_ns = 0;
};

std::vector<Received> receive_all(const VrrpReceiver& rx, RecvBatch& batch) {
  std::vector<Received> out;
  if (!test::readable(rx.fd(), kDelivery)) return out;
  auto r = batch.drain(rx.fd(), rx.family(), 64, [&](const RecvPacket& p) {
    out.push_back({{p.payload.begin(), p.payload.end()}, p.meta, p.arrival_ns});
  });
  EXPECT_TRUE(r) << r.error().str();
  return out;
}

class VrrpSocketTest : public ::testing::Test {
 protected:
  Topology topo{"vnet", {"a", "b"}};
};

// An IPv4 advert from a to b's group: payload, TTL, source and destination arrive as sent —
// from IP_PKTINFO/IP_TTL, or without them (the engine's receivers) from the IP header.
void expect_ipv4_advert_arrives(Topology& topo, bool packet_info) {
  const auto& a = topo.node("a");
  const auto& b = topo.node("b");
  int b_ifindex = 0;
  auto rx = [&] {
    NetnsScope in(b.ns);
    b_ifindex = test::ifindex("eth0");
    return VrrpReceiver::open(
        {.family = vrrp::Family::inet, .ifindex = b_ifindex, .ipv4_packet_info = packet_info});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(tx) << tx.error().str();

  auto group = vrrp_group(vrrp::Family::inet);
  auto sent = tx->send(ipv4_packet(ip(a.ipv4), group, 1, kAdvert), group);
  ASSERT_TRUE(sent) << sent.error().str();

  RecvBatch batch;
  auto got = receive_all(*rx, batch);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, kAdvert);
  EXPECT_EQ(got[0].meta.ttl, 255);
  EXPECT_EQ(got[0].meta.source, ip(a.ipv4));
  EXPECT_EQ(got[0].meta.destination, group);
  if (packet_info) {
    EXPECT_EQ(got[0].meta.ifindex, static_cast<unsigned>(b_ifindex));
  }
  EXPECT_TRUE(got[0].meta.destination_multicast);
}

TEST_F(VrrpSocketTest, Ipv4MetadataFromTheHeaderWithoutPacketInfo) { expect_ipv4_advert_arrives(topo, false); }

TEST_F(VrrpSocketTest, Ipv4MulticastArrivesWithTtlAndMetadata) { expect_ipv4_advert_arrives(topo, true); }

std::int64_t wall_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Each packet carries the time the kernel received it (the engine counts an advert's timers
// from there): after the send, no later than the socket turned readable, however late the
// batch is read (here 5 ms after that). The kernel turns receive stamps on lazily (a deferred
// work item after the first socket asks): a packet that came before gets the time it is read,
// so the first packets may; within 20 one must carry its arrival.
TEST_F(VrrpSocketTest, EachPacketCarriesTheTimeItArrived) {
  auto rx = [&] {
    NetnsScope in(topo.node("b").ns);
    return VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0"),
                               .ipv4_packet_info = false});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  auto tx = [&] {
    NetnsScope in(topo.node("a").ns);
    return VrrpSender::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(tx) << tx.error().str();
  const auto group = vrrp_group(vrrp::Family::inet);
  bool stamped_on_arrival = false;
  for (int attempt = 0; attempt < 20 && !stamped_on_arrival; ++attempt) {
    const std::int64_t before = wall_ns();
    ASSERT_TRUE(tx->send(ipv4_packet(ip(topo.node("a").ipv4), group, 1, kAdvert), group));
    ASSERT_TRUE(test::readable(rx->fd(), kDelivery));
    const std::int64_t readable = wall_ns();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a late read, on purpose
    RecvBatch batch;
    auto got = receive_all(*rx, batch);
    ASSERT_EQ(got.size(), 1u);
    ASSERT_GE(got[0].arrival_ns, before);  // stamped (0 would mean no stamp at all)
    stamped_on_arrival = got[0].arrival_ns <= readable;
  }
  EXPECT_TRUE(stamped_on_arrival);
}

// send_many: several adverts in one sendmmsg; a packet the socket refuses (wrong family) gets its
// own error and the packets after it still go out, in order.
TEST_F(VrrpSocketTest, SendManyDeliversEveryPacketAndReportsEachFailureAlone) {
  const auto& a = topo.node("a");
  const auto& b = topo.node("b");
  auto rx = [&] {
    NetnsScope in(b.ns);
    return VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(tx) << tx.error().str();

  const auto group = vrrp_group(vrrp::Family::inet);
  std::vector<std::vector<std::uint8_t>> bytes;
  for (std::uint16_t id = 1; id <= 4; ++id) bytes.push_back(ipv4_packet(ip(a.ipv4), group, id, kAdvert));
  std::vector<VrrpSender::Packet> packets;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    packets.push_back({bytes[i], i == 2 ? vrrp_group(vrrp::Family::inet6) : group});
  }
  std::vector<Status> results(packets.size());
  tx->send_many(packets, results);
  EXPECT_TRUE(results[0]);
  EXPECT_TRUE(results[1]);
  ASSERT_FALSE(results[2]);
  EXPECT_EQ(results[2].error().code, EINVAL);
  EXPECT_TRUE(results[3]);

  RecvBatch batch;
  std::vector<Received> got;
  // Three datagrams; they may arrive in more than one readable wake-up (kDelivery each).
  while (got.size() < 3) {
    auto more = receive_all(*rx, batch);
    if (more.empty()) break;
    got.insert(got.end(), more.begin(), more.end());
  }
  ASSERT_EQ(got.size(), 3u);
  for (const auto& r : got) EXPECT_EQ(r.payload, kAdvert);
}

// On the wire (captured on the bridge): the IPv4 header exactly as the caller built it, with the
// kernel's header checksum, and the Ethernet multicast MAC for 224.0.0.18.
TEST_F(VrrpSocketTest, Ipv4AdvertOnTheWireKeepsOurHeader) {
  const auto& a = topo.node("a");
  testing::PacketCapture cap(topo.bridge_ns(), "br0");
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(tx) << tx.error().str();
  auto group = vrrp_group(vrrp::Family::inet);
  auto packet = ipv4_packet(ip(a.ipv4), group, 0x1234, kAdvert);
  ASSERT_TRUE(tx->send(packet, group));
  auto f = cap.next([](const auto& fr) { return fr.ethertype() == 0x0800 && fr.bytes.size() > 23 && fr.bytes[23] == 112; },
                    kDelivery);
  ASSERT_TRUE(f);
  const auto& b = f->bytes;
  ASSERT_EQ(b.size(), 14 + packet.size());  // 46 bytes, unpadded on veth (as in the captures)
  EXPECT_EQ(std::vector<std::uint8_t>(b.begin(), b.begin() + 6),
            (std::vector<std::uint8_t>{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12}));
  EXPECT_EQ(b[15], 0xc0);                  // TOS
  EXPECT_EQ(b[18], 0x12);                  // IP ID as given
  EXPECT_EQ(b[19], 0x34);
  EXPECT_EQ(b[20] & 0x40, 0);              // DF clear
  EXPECT_EQ(b[22], 255);                   // TTL
  EXPECT_EQ(test::sum16(b.data() + 14, 20), 0xffffu);  // header checksum filled by the kernel
  EXPECT_TRUE(std::equal(packet.begin() + 12, packet.end(), b.begin() + 26));  // addresses + VRRP
}

// IPv6: the kernel's header carries traffic class 0xc0 and hop limit 255.
TEST_F(VrrpSocketTest, Ipv6AdvertOnTheWire) {
  const auto& a = topo.node("a");
  testing::PacketCapture cap(topo.bridge_ns(), "br0");
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet6, .ifindex = test::ifindex("eth0"),
                             .source6 = ip(a.ll6)});
  }();
  ASSERT_TRUE(tx) << tx.error().str();
  std::vector<std::uint8_t> msg = {0x31, 0x35, 0x96, 0x01, 0x00, 0x64, 0x00, 0x00};
  auto vip = ip("fe80::53");
  msg.insert(msg.end(), vip.data(), vip.data() + 16);
  ASSERT_TRUE(tx->send(msg, vrrp_group(vrrp::Family::inet6)));
  auto f = cap.next([](const auto& fr) { return fr.ethertype() == 0x86dd && fr.bytes.size() > 20 && fr.bytes[20] == 112; },
                    kDelivery);
  ASSERT_TRUE(f);
  const auto& b = f->bytes;
  ASSERT_EQ(b.size(), 14u + 40u + msg.size());
  EXPECT_EQ(std::vector<std::uint8_t>(b.begin(), b.begin() + 6),
            (std::vector<std::uint8_t>{0x33, 0x33, 0x00, 0x00, 0x00, 0x12}));
  EXPECT_EQ(((b[14] & 0x0f) << 4) | (b[15] >> 4), 0xc0);  // traffic class
  EXPECT_EQ(b[21], 255);                                  // hop limit
  EXPECT_TRUE(std::equal(b.begin() + 22, b.begin() + 38, ip(a.ll6).data()));
}

TEST_F(VrrpSocketTest, Ipv4UnicastToPeer) {
  const auto& a = topo.node("a");
  const auto& b = topo.node("b");
  auto rx = [&] {
    NetnsScope in(b.ns);
    return VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0"),
                               .unicast_source = ip(b.ipv4)});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0"),
                             .unicast_source = ip(a.ipv4)});
  }();
  ASSERT_TRUE(tx) << tx.error().str();
  auto sent = tx->send(ipv4_packet(ip(a.ipv4), ip(b.ipv4), 7, kAdvert), ip(b.ipv4));
  ASSERT_TRUE(sent) << sent.error().str();

  RecvBatch batch;
  auto got = receive_all(*rx, batch);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, kAdvert);
  EXPECT_EQ(got[0].meta.ttl, 255);
  EXPECT_EQ(got[0].meta.source, ip(a.ipv4));
  EXPECT_EQ(got[0].meta.destination, ip(b.ipv4));
  EXPECT_FALSE(got[0].meta.destination_multicast);
}

TEST_F(VrrpSocketTest, UnicastReceiverBindsAddressNotYetPresent) {
  // IP_FREEBIND: a backup opens its socket before the address exists (keepalived does too).
  NetnsScope in(topo.node("b").ns);
  auto rx = VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0"),
                                .unicast_source = ip("10.99.0.200")});
  EXPECT_TRUE(rx) << rx.error().str();
}

// The VRRPv3 IPv6 checksum: RFC 1071 over the pseudo-header {src, dst, length, 112} + message.
bool ipv6_checksum_ok(const vrrp::IpAddress& src, const vrrp::IpAddress& dst,
                      const std::vector<std::uint8_t>& msg) {
  std::uint32_t acc = test::sum16(src.data(), 16);
  acc = test::sum16(dst.data(), 16, acc);
  acc += static_cast<std::uint32_t>(msg.size()) + 112;
  return test::sum16(msg.data(), msg.size(), acc) == 0xffff;
}

TEST_F(VrrpSocketTest, Ipv6MulticastHopLimitAndKernelChecksum) {
  const auto& a = topo.node("a");
  const auto& b = topo.node("b");
  int b_ifindex = 0;
  auto rx = [&] {
    NetnsScope in(b.ns);
    b_ifindex = test::ifindex("eth0");
    return VrrpReceiver::open({.family = vrrp::Family::inet6, .ifindex = b_ifindex});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet6, .ifindex = test::ifindex("eth0"),
                             .source6 = ip(a.ll6)});
  }();
  ASSERT_TRUE(tx) << tx.error().str();
  // v3 IPv6 advert, VRID 53, one VIP fe80::53; checksum zero: the kernel writes it.
  std::vector<std::uint8_t> msg = {0x31, 0x35, 0x96, 0x01, 0x00, 0x64, 0x00, 0x00};
  auto vip = ip("fe80::53");
  msg.insert(msg.end(), vip.data(), vip.data() + 16);
  auto group = vrrp_group(vrrp::Family::inet6);
  auto sent = tx->send(msg, group);
  ASSERT_TRUE(sent) << sent.error().str();

  RecvBatch batch;
  auto got = receive_all(*rx, batch);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].payload.size(), msg.size());
  EXPECT_TRUE(std::equal(msg.begin() + 8, msg.end(), got[0].payload.begin() + 8));
  EXPECT_EQ(got[0].meta.ttl, 255);
  EXPECT_EQ(got[0].meta.source, ip(a.ll6));
  EXPECT_EQ(got[0].meta.destination, group);
  EXPECT_EQ(got[0].meta.ifindex, static_cast<unsigned>(b_ifindex));
  EXPECT_TRUE(got[0].meta.destination_multicast);
  EXPECT_TRUE(ipv6_checksum_ok(ip(a.ll6), group, got[0].payload));
}

TEST_F(VrrpSocketTest, Ipv6UnicastHopLimit) {
  const auto& a = topo.node("a");
  const auto& b = topo.node("b");
  auto rx = [&] {
    NetnsScope in(b.ns);
    return VrrpReceiver::open({.family = vrrp::Family::inet6, .ifindex = test::ifindex("eth0"),
                               .unicast_source = ip(b.ipv6)});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet6, .ifindex = test::ifindex("eth0"),
                             .unicast_source = ip(a.ipv6)});  // also the IPv6 source
  }();
  ASSERT_TRUE(tx) << tx.error().str();
  std::vector<std::uint8_t> msg = {0x31, 0x35, 0x96, 0x01, 0x00, 0x64, 0x00, 0x00};
  auto vip = ip("fd99::100");
  msg.insert(msg.end(), vip.data(), vip.data() + 16);
  auto sent = tx->send(msg, ip(b.ipv6));
  ASSERT_TRUE(sent) << sent.error().str();

  RecvBatch batch;
  auto got = receive_all(*rx, batch);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].meta.ttl, 255);
  EXPECT_EQ(got[0].meta.source, ip(a.ipv6));
  EXPECT_EQ(got[0].meta.destination, ip(b.ipv6));
  EXPECT_FALSE(got[0].meta.destination_multicast);
  EXPECT_TRUE(ipv6_checksum_ok(ip(a.ipv6), ip(b.ipv6), got[0].payload));
}

TEST_F(VrrpSocketTest, FloodIsDrainedInPassesOfAtMostTheLimit) {
  const auto& a = topo.node("a");
  const auto& b = topo.node("b");
  auto rx = [&] {
    NetnsScope in(b.ns);
    return VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0"),
                               .rcvbuf = 1 << 20});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(tx) << tx.error().str();

  // 200 small packets fit the socket buffer (1 MiB asked; ~1 KiB truesize each).
  constexpr int kCount = 200;
  constexpr std::size_t kLimit = 64;
  auto group = vrrp_group(vrrp::Family::inet);
  auto send_seq = [&](int i) {
    std::vector<std::uint8_t> payload = kAdvert;
    payload[6] = static_cast<std::uint8_t>(i >> 8);  // sequence number in the checksum field
    payload[7] = static_cast<std::uint8_t>(i);
    return tx->send(ipv4_packet(ip(a.ipv4), group, static_cast<std::uint16_t>(i + 1), payload), group);
  };
  // Packet 0 alone first: its receive-queue charge tells how many bytes 200 of them take.
  ASSERT_TRUE(send_seq(0));
  ASSERT_TRUE(test::readable(rx->fd(), kDelivery));
  std::uint32_t per = test::queued_bytes(rx->fd());
  ASSERT_GT(per, 0u);
  for (int i = 1; i < kCount; ++i) {
    auto sent = send_seq(i);
    ASSERT_TRUE(sent) << sent.error().str();
  }
  ASSERT_TRUE(test::wait_queued(rx->fd(), kCount, per, kDelivery));

  RecvBatch batch(16);  // smaller than the limit: a pass spans several recvmmsg calls
  std::vector<int> seqs;
  int passes_at_limit = 0;
  bool ok = testing::wait_until([&] {
    auto r = batch.drain(rx->fd(), rx->family(), kLimit, [&](const RecvPacket& p) {
      seqs.push_back(p.payload.size() == kAdvert.size() ? (p.payload[6] << 8 | p.payload[7]) : -1);
    });
    EXPECT_TRUE(r);
    if (!r) return true;
    EXPECT_LE(r->packets, kLimit);
    if (r->limit_reached) {
      EXPECT_EQ(r->packets, kLimit);
      ++passes_at_limit;
    }
    return seqs.size() >= static_cast<std::size_t>(kCount);
  }, kDelivery);
  ASSERT_TRUE(ok) << "received " << seqs.size() << " of " << kCount;
  EXPECT_EQ(passes_at_limit, 3);  // all 200 were queued: 64 + 64 + 64 + 8
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(seqs[static_cast<std::size_t>(i)], i);
}

// RAII: the receiver's group membership lives exactly as long as the object.
TEST_F(VrrpSocketTest, GroupMembershipEndsWithTheReceiver) {
  const auto& b = topo.node("b");
  auto joined = [&] { return testing::sh(b.exec("ip maddr show dev eth0")).find("224.0.0.18") != std::string::npos; };
  EXPECT_FALSE(joined());
  {
    NetnsScope in(b.ns);
    auto rx = VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
    ASSERT_TRUE(rx) << rx.error().str();
    EXPECT_TRUE(joined());
  }
  EXPECT_FALSE(joined());
}

TEST(VrrpSocketErrors, BadInterfaceIsAnErrorNotACrash) {
  auto rx = VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = 999999});
  ASSERT_FALSE(rx);
  EXPECT_NE(rx.error().code, 0);
  auto tx = VrrpSender::open({.family = vrrp::Family::inet6, .ifindex = 0});
  ASSERT_FALSE(tx);
}

}  // namespace
}  // namespace vigil::net
