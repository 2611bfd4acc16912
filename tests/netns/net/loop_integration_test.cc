// src/net sockets driven by the real event loop (src/event): the loop is level-triggered, so a
// drain pass that stops at its limit leaves the fd readable and the loop comes back — after
// giving other due work its turn (what the per-pass limit is for).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event/loop.h"
#include "net/netlink_monitor.h"
#include "net/recv_batch.h"
#include "net/vrrp_socket.h"
#include "net_test_util.h"
#include "netns_harness.h"

namespace vigil::net {
namespace {

using namespace std::chrono_literals;
using test::ip;
using testing::NetnsScope;

TEST(LoopIntegration, FloodIsDrainedInPassesWithOtherWorkInBetween) {
  testing::Topology topo("vli", {"a", "b"});
  const auto& a = topo.node("a");
  auto rx = [&] {
    NetnsScope in(topo.node("b").ns);
    return VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0"), .rcvbuf = 1 << 20});
  }();
  ASSERT_TRUE(rx) << rx.error().str();
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(tx) << tx.error().str();
  auto mon = [&] {
    NetnsScope in(topo.node("b").ns);
    return NetlinkMonitor::open();
  }();
  ASSERT_TRUE(mon) << mon.error().str();

  auto group = vrrp_group(vrrp::Family::inet);
  std::vector<std::uint8_t> pkt = {0x45, 0xc0, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x00, 0x00,
                                   10, 99, 0, 1, 224, 0, 0, 18,
                                   0x31, 0x34, 0x96, 0x01, 0x00, 0x64, 0x00, 0x00, 10, 99, 0, 100};
  constexpr std::size_t kCount = 200, kLimit = 64;
  ASSERT_TRUE(tx->send(pkt, group));
  // One frame over veth + bridge: microseconds; 2 s bounds a loaded machine.
  ASSERT_TRUE(test::readable(rx->fd(), 2s));
  std::uint32_t per = test::queued_bytes(rx->fd());
  for (std::size_t i = 1; i < kCount; ++i) ASSERT_TRUE(tx->send(pkt, group));
  ASSERT_TRUE(test::wait_queued(rx->fd(), kCount, per, 2s));  // all queued before the loop runs

  event::MonotonicClock clock;
  event::Loop loop(clock);
  // Loop callbacks hold at most 32 bytes of capture: they get one pointer to this.
  struct State {
    event::Loop* loop;
    VrrpReceiver* rx;
    NetlinkMonitor* mon;
    RecvBatch batch{16};
    std::vector<std::string> order = {};  // "pass:N", "timer", "link-down"
    std::size_t received = 0;
    event::TaskHandle timer = {};
  } st{&loop, &*rx, &*mon};
  event::TaskHandle read = loop.add_read(rx->fd(), [s = &st](const event::Fired& f) {
    if (!f.ok()) return;
    auto r = s->batch.drain(s->rx->fd(), s->rx->family(), kLimit, [s](const RecvPacket&) { ++s->received; });
    ASSERT_TRUE(r);
    s->order.push_back("pass:" + std::to_string(r->packets));
    // Something else becomes due while packets are still queued.
    if (s->order.size() == 1) {
      s->timer = s->loop->add_timer(0ms, [s](const event::Fired&) { s->order.push_back("timer"); });
    }
  }, std::nullopt, {.persistent = true});
  event::TaskHandle links = loop.add_read(mon->fd(), [s = &st](const event::Fired& f) {
    if (!f.ok()) return;
    auto r = s->mon->drain([s](const NetlinkMessage& m) {
      if (auto* l = std::get_if<LinkEvent>(&m); l && l->name == "eth0" && !l->admin_up()) {
        s->order.push_back("link-down");
      }
    });
    ASSERT_TRUE(r);
  }, std::nullopt, {.persistent = true});
  auto& order = st.order;
  auto& received = st.received;

  // Everything is already queued in the kernel; 2 s bounds a loaded machine.
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (received < kCount && std::chrono::steady_clock::now() < deadline) loop.run_once(false);
  ASSERT_EQ(received, kCount);
  // All 200 were queued before the first pass; the timer, due after pass 1, runs before pass 2.
  EXPECT_EQ(order, (std::vector<std::string>{"pass:64", "timer", "pass:64", "pass:64", "pass:8"}));

  // The monitor on the same loop: a link change made with `ip`.
  testing::sh(topo.node("b").exec("ip link set eth0 down"));
  // The notification is queued before `ip` exits; 2 s bounds a loaded machine.
  deadline = std::chrono::steady_clock::now() + 2s;
  while (order.back() != "link-down" && std::chrono::steady_clock::now() < deadline) loop.run_once(false);
  EXPECT_EQ(order.back(), "link-down");
}

}  // namespace
}  // namespace vigil::net
