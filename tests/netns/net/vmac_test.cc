// VMAC: macvlan private with the VRRP MAC, keepalived's sysctls, all undone on destruction.
#include "net/vmac.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/recv_batch.h"
#include "net/vrrp_socket.h"
#include "net_test_util.h"
#include "netns_harness.h"

namespace vigil::net {
namespace {

using json = nlohmann::json;
using testing::NetnsScope;
using testing::run;
using testing::sh;
using testing::Topology;

class VmacTest : public ::testing::Test {
 protected:
  std::string read(const std::string& path) const {
    auto out = sh(a().exec("cat /proc/sys/net/ipv4/conf/" + path));
    return out.substr(0, out.find('\n'));
  }
  const Topology::Node& a() const { return topo.node("a"); }
  bool link_exists(const std::string& name) const {
    return run(a().exec("ip link show dev " + name + " >/dev/null 2>&1")).status == 0;
  }
  Topology topo{"vvmac", {"a", "b"}};
};

TEST_F(VmacTest, CreatedWithMacModeAndSysctlsThenRemovedAndRestored) {
  // Non-default parent values, to see that the old values (not defaults) come back.
  sh(a().exec("sysctl -qw net.ipv4.conf.eth0.arp_ignore=2 net.ipv4.conf.eth0.arp_filter=0"));
  {
    std::optional<Vmac> v;
    {
      NetnsScope in(a().ns);
      auto r = Vmac::create({.parent_ifindex = test::ifindex("eth0"), .vrid = {52}});
      ASSERT_TRUE(r) << r.error().str();
      v.emplace(std::move(*r));
    }
    EXPECT_EQ(v->name(), "vrrp.52");
    EXPECT_FALSE(v->reused());
    json j = json::parse(sh(a().exec("ip -j -d link show dev vrrp.52")));
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["address"], "00:00:5e:00:01:34");
    EXPECT_EQ(j[0]["link"], "eth0");
    EXPECT_EQ(j[0]["ifindex"], v->ifindex());
    EXPECT_EQ(j[0]["linkinfo"]["info_kind"], "macvlan");
    EXPECT_EQ(j[0]["linkinfo"]["info_data"]["mode"], "private");
    EXPECT_EQ(j[0].value("inet6_addr_gen_mode", ""), "none");
    auto flags = j[0]["flags"];
    EXPECT_NE(std::find(flags.begin(), flags.end(), "UP"), flags.end()) << flags.dump();

    EXPECT_EQ(read("vrrp.52/accept_local"), "1");
    EXPECT_EQ(read("vrrp.52/arp_ignore"), "1");
    EXPECT_EQ(read("vrrp.52/rp_filter"), "0");
    EXPECT_EQ(read("eth0/arp_ignore"), "1");
    EXPECT_EQ(read("eth0/arp_filter"), "1");
    // The destructor runs outside the namespace: it must still act inside it.
  }
  EXPECT_FALSE(link_exists("vrrp.52"));
  EXPECT_EQ(read("eth0/arp_ignore"), "2");
  EXPECT_EQ(read("eth0/arp_filter"), "0");
}

TEST_F(VmacTest, Ipv6MacAndCustomName) {
  NetnsScope in(a().ns);
  auto v = Vmac::create({.parent_ifindex = test::ifindex("eth0"), .vrid = {7},
                         .family = vrrp::Family::inet6, .name = "vrrp6.7"});
  ASSERT_TRUE(v) << v.error().str();
  json j = json::parse(sh(a().exec("ip -j link show dev vrrp6.7")));
  EXPECT_EQ(j[0]["address"], "00:00:5e:00:02:07");
  ASSERT_TRUE(v->remove());
  EXPECT_FALSE(link_exists("vrrp6.7"));
}

TEST_F(VmacTest, ExistingMatchingMacvlanIsReusedAndMismatchRefused) {
  sh(a().exec("ip link add link eth0 name vrrp.9 address 00:00:5e:00:01:09 type macvlan mode private"));
  sh(a().exec("ip link add link eth0 name vrrp.10 address 02:00:00:00:00:10 type macvlan mode private"));
  NetnsScope in(a().ns);
  {
    auto v = Vmac::create({.parent_ifindex = test::ifindex("eth0"), .vrid = {9}});
    ASSERT_TRUE(v) << v.error().str();
    EXPECT_TRUE(v->reused());
  }
  EXPECT_FALSE(link_exists("vrrp.9"));
  auto bad = Vmac::create({.parent_ifindex = test::ifindex("eth0"), .vrid = {10}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, EEXIST);
  EXPECT_TRUE(link_exists("vrrp.10"));  // not ours: left alone
}

TEST_F(VmacTest, GarpLeavesWithTheVmacMac) {
  testing::PacketCapture cap(topo.node("b").ns, "eth0");
  NetnsScope in(a().ns);
  auto v = Vmac::create({.parent_ifindex = test::ifindex("eth0"), .vrid = {58}});
  ASSERT_TRUE(v) << v.error().str();
  auto tx = GarpSender::open(v->ifindex(), v->mac());
  ASSERT_TRUE(tx) << tx.error().str();
  ASSERT_TRUE(tx->send_garp(test::ip("10.99.0.100")));
  // One frame over veth + bridge: microseconds; 2 s covers a loaded machine.
  auto got = cap.next([](const auto& f) { return f.ethertype() == ETH_P_ARP; }, std::chrono::seconds(2));
  ASSERT_TRUE(got);
  auto want = build_garp_frame({0x00, 0x00, 0x5e, 0x00, 0x01, 0x3a}, test::ip("10.99.0.100"));
  EXPECT_EQ(got->bytes, std::vector<std::uint8_t>(want.begin(), want.end()));
}

TEST_F(VmacTest, RelaxAllRpFilterKeepsEffectiveFilteringAndRestores) {
  sh(a().exec("sysctl -qw net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=1 "
              "net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.lo.rp_filter=2"));
  {
    SysctlGuard guard;
    {
      NetnsScope in(a().ns);
      auto nl = Netlink::open();
      ASSERT_TRUE(nl);
      ASSERT_TRUE(relax_all_rp_filter(*nl, guard));
    }
    EXPECT_EQ(read("all/rp_filter"), "0");
    EXPECT_EQ(read("default/rp_filter"), "2");
    EXPECT_EQ(read("eth0/rp_filter"), "2");
    EXPECT_EQ(read("lo/rp_filter"), "2");
    EXPECT_EQ(guard.size(), 3u);  // default, eth0, all (lo already at 2)
  }
  EXPECT_EQ(read("all/rp_filter"), "2");
  EXPECT_EQ(read("default/rp_filter"), "1");
  EXPECT_EQ(read("eth0/rp_filter"), "0");
  EXPECT_EQ(read("lo/rp_filter"), "2");
}

// Adverts go out and come in on the VMACs (keepalived's default unless vmac_xmit_base): sent
// from a's VMAC they carry the VMAC as Ethernet source, and b's VMAC receives them.
TEST_F(VmacTest, AdvertsFlowBetweenVmacs) {
  const auto& b = topo.node("b");
  std::optional<Vmac> va, vb;
  std::optional<VrrpSender> tx;
  std::optional<VrrpReceiver> rx;
  {
    NetnsScope in(a().ns);
    auto v = Vmac::create({.parent_ifindex = test::ifindex("eth0"), .vrid = {70}});
    ASSERT_TRUE(v) << v.error().str();
    va.emplace(std::move(*v));
    auto t = VrrpSender::open({.family = vrrp::Family::inet, .ifindex = va->ifindex()});
    ASSERT_TRUE(t) << t.error().str();
    tx.emplace(std::move(*t));
  }
  {
    NetnsScope in(b.ns);
    auto v = Vmac::create({.parent_ifindex = test::ifindex("eth0"), .vrid = {70}});
    ASSERT_TRUE(v) << v.error().str();
    vb.emplace(std::move(*v));
    auto r = VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = vb->ifindex()});
    ASSERT_TRUE(r) << r.error().str();
    rx.emplace(std::move(*r));
  }
  testing::PacketCapture cap(topo.bridge_ns(), "br0");
  auto group = vrrp_group(vrrp::Family::inet);
  std::vector<std::uint8_t> pkt = {0x45, 0xc0, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x00, 0x00,
                                   10, 99, 0, 1, 224, 0, 0, 18,
                                   0x31, 0x46, 0x96, 0x01, 0x00, 0x64, 0x00, 0x00, 10, 99, 0, 100};
  ASSERT_TRUE(tx->send(pkt, group));
  // One frame over veth + bridge: microseconds; 2 s covers a loaded machine.
  auto f = cap.next([](const auto& fr) { return fr.ethertype() == 0x0800 && fr.bytes[23] == 112; },
                    std::chrono::seconds(2));
  ASSERT_TRUE(f);
  EXPECT_EQ(std::vector<std::uint8_t>(f->bytes.begin() + 6, f->bytes.begin() + 12),
            (std::vector<std::uint8_t>{0x00, 0x00, 0x5e, 0x00, 0x01, 0x46}));
  ASSERT_TRUE(test::readable(rx->fd(), std::chrono::seconds(2)));
  RecvBatch batch;
  std::size_t got = 0;
  auto r = batch.drain(rx->fd(), rx->family(), 8, [&](const RecvPacket& p) {
    ++got;
    EXPECT_EQ(p.meta.ifindex, static_cast<unsigned>(vb->ifindex()));
    EXPECT_EQ(p.meta.ttl, 255);
    EXPECT_EQ(p.payload.size(), 12u);
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(got, 1u);
}

TEST_F(VmacTest, BadParentIsAnError) {
  NetnsScope in(a().ns);
  auto v = Vmac::create({.parent_ifindex = 999999, .vrid = {1}});
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ENODEV);
  EXPECT_FALSE(Vmac::create({.parent_ifindex = test::ifindex("eth0"), .vrid = {0}}));
}

}  // namespace
}  // namespace vigil::net
