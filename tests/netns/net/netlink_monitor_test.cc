// The monitor sees link down/up and address add/remove made by `ip` in the namespace.
#include "net/netlink_monitor.h"

#include <linux/if_addr.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "net/netlink.h"
#include "net_test_util.h"
#include "netns_harness.h"

namespace vigil::net {
namespace {

using namespace std::chrono_literals;
using test::ip;
using testing::NetnsScope;
using testing::sh;
using testing::Topology;

// rtnetlink notifications are queued while the `ip` command runs, before it exits; 2 s only
// covers a slow machine scheduling us.
constexpr auto kNotify = 2s;

class MonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NetnsScope in(topo.node("a").ns);
    auto m = NetlinkMonitor::open();
    ASSERT_TRUE(m) << m.error().str();
    mon.emplace(std::move(*m));
    eth0 = test::ifindex("eth0");
  }
  // Drains events until `pred` matches one of them (or the timeout passes).
  template <class Pred>
  bool saw(Pred pred) {
    bool found = false;
    testing::wait_until([&] {
      auto r = mon->drain([&](const NetlinkMessage& m) { found = found || pred(m); });
      EXPECT_TRUE(r);
      if (r) overruns += r->overrun;
      return found;
    }, kNotify);
    return found;
  }
  Topology topo{"vmon", {"a"}};
  std::optional<NetlinkMonitor> mon;
  int eth0 = 0;
  int overruns = 0;
};

TEST_F(MonitorTest, LinkDownAndUp) {
  sh(topo.node("a").exec("ip link set eth0 down"));
  EXPECT_TRUE(saw([&](const NetlinkMessage& m) {
    auto* l = std::get_if<LinkEvent>(&m);
    return l && l->ifindex == eth0 && l->name == "eth0" && !l->admin_up() && !l->oper_up();
  }));
  sh(topo.node("a").exec("ip link set eth0 up"));
  EXPECT_TRUE(saw([&](const NetlinkMessage& m) {
    auto* l = std::get_if<LinkEvent>(&m);
    return l && l->ifindex == eth0 && l->admin_up() && l->oper_up();
  }));
  EXPECT_EQ(overruns, 0);
}

TEST_F(MonitorTest, AddressAddedAndRemoved) {
  const auto& a = topo.node("a");
  sh(a.exec("ip addr add 10.99.0.77/24 dev eth0 label eth0:m"));
  EXPECT_TRUE(saw([&](const NetlinkMessage& m) {
    auto* e = std::get_if<AddressEvent>(&m);
    return e && !e->deleted && e->ifindex == eth0 && e->address == ip("10.99.0.77") &&
           e->prefix == 24 && e->label == "eth0:m" && (e->flags & IFA_F_SECONDARY);
  }));
  sh(a.exec("ip addr del 10.99.0.77/24 dev eth0"));
  EXPECT_TRUE(saw([&](const NetlinkMessage& m) {
    auto* e = std::get_if<AddressEvent>(&m);
    return e && e->deleted && e->address == ip("10.99.0.77");
  }));
  sh(a.exec("ip addr add fd99::77/64 dev eth0 nodad"));
  EXPECT_TRUE(saw([&](const NetlinkMessage& m) {
    auto* e = std::get_if<AddressEvent>(&m);
    return e && !e->deleted && e->family == vrrp::Family::inet6 && e->address == ip("fd99::77") &&
           e->prefix == 64;
  }));
  sh(a.exec("ip addr del fd99::77/64 dev eth0"));
  EXPECT_TRUE(saw([&](const NetlinkMessage& m) {
    auto* e = std::get_if<AddressEvent>(&m);
    return e && e->deleted && e->address == ip("fd99::77");
  }));
}

TEST_F(MonitorTest, LinkAddedAndDeleted) {
  const auto& a = topo.node("a");
  sh(a.exec("ip link add mon0 type veth peer name mon1"));
  EXPECT_TRUE(saw([&](const NetlinkMessage& m) {
    auto* l = std::get_if<LinkEvent>(&m);
    return l && !l->deleted && l->name == "mon0" && l->kind == "veth";
  }));
  sh(a.exec("ip link del mon0"));
  EXPECT_TRUE(saw([&](const NetlinkMessage& m) {
    auto* l = std::get_if<LinkEvent>(&m);
    return l && l->deleted && l->name == "mon0";
  }));
}

// A monitor that cannot keep up says so (ENOBUFS -> overrun) instead of failing or going quiet.
TEST_F(MonitorTest, OverrunIsReportedAndMonitorKeepsWorking) {
  std::optional<NetlinkMonitor> tiny;
  std::optional<Netlink> nl;
  {
    NetnsScope in(topo.node("a").ns);
    auto m = NetlinkMonitor::open({}, 1);  // the kernel rounds this up to its minimum (~2 KiB)
    ASSERT_TRUE(m) << m.error().str();
    tiny.emplace(std::move(*m));
    auto n = Netlink::open();
    ASSERT_TRUE(n);
    nl.emplace(std::move(*n));
  }
  NetlinkBatch b = nl->batch();
  for (int i = 0; i < 200; ++i) {
    b.add(Op::add, AddressSpec{.ifindex = eth0, .address = ip("10.99.7." + std::to_string(i + 1)), .prefix = 32});
  }
  auto r = nl->commit(b);
  ASSERT_TRUE(r);
  bool overrun = false;
  auto d = tiny->drain([](const NetlinkMessage&) {});
  ASSERT_TRUE(d) << d.error().str();
  overrun = d->overrun;
  EXPECT_TRUE(overrun);  // 200 notifications (~100 B each) cannot fit a ~2 KiB buffer
  // Still usable afterwards: the next change is seen.
  sh(topo.node("a").exec("ip addr del 10.99.7.1/32 dev eth0"));
  bool seen = false;
  EXPECT_TRUE(testing::wait_until([&] {
    auto more = tiny->drain([&](const NetlinkMessage& m) {
      auto* e = std::get_if<AddressEvent>(&m);
      seen = seen || (e && e->deleted && e->address == ip("10.99.7.1"));
    });
    return !more || seen;
  }, kNotify));
  EXPECT_TRUE(seen);
}

// The filter for our own VIP adds: what one netlink socket adds is not read back; its deletes,
// and another socket's adds, are. The other socket's add goes last: once the monitor has it,
// the kernel has queued (or dropped) the earlier ones.
TEST_F(MonitorTest, OwnAddressAddsAreFilteredDeletesAndOthersArrive) {
  std::optional<Netlink> own, other;
  {
    NetnsScope in(topo.node("a").ns);
    auto n = Netlink::open();
    ASSERT_TRUE(n) << n.error().str();
    own.emplace(std::move(*n));
    auto o = Netlink::open();
    ASSERT_TRUE(o) << o.error().str();
    other.emplace(std::move(*o));
  }
  ASSERT_TRUE(mon->ignore_new_addresses_from(own->portid()));
  const AddressSpec mine{.ifindex = eth0, .address = ip("10.99.8.1"), .prefix = 32};
  const AddressSpec theirs{.ifindex = eth0, .address = ip("10.99.8.2"), .prefix = 32};
  auto change = [&](Netlink& nl, Op op, const AddressSpec& spec) {
    NetlinkBatch b = nl.batch();
    b.add(op, spec);
    auto r = nl.commit(b);
    ASSERT_TRUE(r && r->size() == 1 && (*r)[0]) << (r ? (*r)[0].error().str() : r.error().str());
  };
  change(*own, Op::add, mine);
  change(*own, Op::remove, mine);
  change(*other, Op::add, theirs);
  std::vector<std::pair<bool, vrrp::IpAddress>> seen;  // (deleted, address), in order
  EXPECT_TRUE(saw([&](const NetlinkMessage& m) {
    auto* e = std::get_if<AddressEvent>(&m);
    if (e == nullptr) return false;
    seen.emplace_back(e->deleted, e->address);
    return !e->deleted && e->address == theirs.address;
  }));
  const std::vector<std::pair<bool, vrrp::IpAddress>> want = {{true, mine.address}, {false, theirs.address}};
  EXPECT_EQ(seen, want);
}

TEST_F(MonitorTest, RoutesAndRulesWhenAsked) {
  std::optional<NetlinkMonitor> all;
  {
    NetnsScope in(topo.node("a").ns);
    auto m = NetlinkMonitor::open({.routes = true, .rules = true});
    ASSERT_TRUE(m) << m.error().str();
    all.emplace(std::move(*m));
  }
  auto saw_on = [&](auto pred) {
    bool found = false;
    testing::wait_until([&] {
      auto r = all->drain([&](const NetlinkMessage& m) { found = found || pred(m); });
      return !r || found;
    }, kNotify);
    return found;
  };
  const auto& a = topo.node("a");
  sh(a.exec("ip route add 192.0.2.0/24 via 10.99.0.2 table 100 metric 7 proto 18"));
  EXPECT_TRUE(saw_on([&](const NetlinkMessage& m) {
    auto* r = std::get_if<RouteEvent>(&m);
    return r && !r->deleted && r->dst == ip("192.0.2.0") && r->dst_prefix == 24 &&
           r->gateway == ip("10.99.0.2") && r->table == 100 && r->metric == 7u && r->protocol == 18 &&
           r->oif == eth0;
  }));
  sh(a.exec("ip route del 192.0.2.0/24 table 100"));
  EXPECT_TRUE(saw_on([&](const NetlinkMessage& m) {
    auto* r = std::get_if<RouteEvent>(&m);
    return r && r->deleted && r->dst == ip("192.0.2.0") && r->table == 100;
  }));
  sh(a.exec("ip rule add from 10.99.0.100 fwmark 0x5 table 100 priority 500"));
  EXPECT_TRUE(saw_on([&](const NetlinkMessage& m) {
    auto* r = std::get_if<RuleEvent>(&m);
    return r && !r->deleted && r->from == ip("10.99.0.100") && r->from_prefix == 32 && r->table == 100 &&
           r->priority == 500u && r->fwmark == 5u;
  }));
  sh(a.exec("ip rule del priority 500"));
  EXPECT_TRUE(saw_on([&](const NetlinkMessage& m) {
    auto* r = std::get_if<RuleEvent>(&m);
    return r && r->deleted && r->priority == 500u;
  }));
  // The default monitor (links + addresses) did not subscribe to routes.
  bool route_seen = false;
  auto r = mon->drain([&](const NetlinkMessage& m) { route_seen = route_seen || std::holds_alternative<RouteEvent>(m); });
  ASSERT_TRUE(r);
  EXPECT_FALSE(route_seen);
}

}  // namespace
}  // namespace vigil::net
