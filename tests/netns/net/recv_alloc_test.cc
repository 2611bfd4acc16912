// RecvBatch::drain allocates nothing: the claim in recv_batch.h, checked by counting every
// operator new in this test binary while a pass drains real packets.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <cstdlib>
#include <new>

#include "net/recv_batch.h"
#include "net/vrrp_socket.h"
#include "net_test_util.h"
#include "netns_harness.h"
#include "counting_new.h"

namespace vigil::net {
namespace {

using namespace std::chrono_literals;
using test::ip;
using testing::NetnsScope;

TEST(RecvBatchAllocations, DrainPassAllocatesNothing) {
  {  // Control: the counter sees allocations in this binary.
    long c = vigil::testing::allocations();
    auto v = std::make_unique<std::vector<int>>(100);
    EXPECT_GE(vigil::testing::allocations(), c + 2);
  }
  testing::Topology topo("vra", {"a", "b"});
  const auto& a = topo.node("a");
  auto rx = [&] {
    NetnsScope in(topo.node("b").ns);
    return VrrpReceiver::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(rx);
  auto tx = [&] {
    NetnsScope in(a.ns);
    return VrrpSender::open({.family = vrrp::Family::inet, .ifindex = test::ifindex("eth0")});
  }();
  ASSERT_TRUE(tx);
  auto group = vrrp_group(vrrp::Family::inet);
  std::vector<std::uint8_t> pkt = {0x45, 0xc0, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x00, 0x00,
                                   10, 99, 0, 1, 224, 0, 0, 18,
                                   0x31, 0x34, 0x96, 0x01, 0x00, 0x64, 0x00, 0x00, 10, 99, 0, 100};
  constexpr int kCount = 50;
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE(tx->send(pkt, group));
  RecvBatch batch(16);  // allocated here, before counting
  // One frame over veth + bridge: microseconds; 2 s covers a loaded machine.
  ASSERT_TRUE(test::readable(rx->fd(), 2s));

  std::size_t got = 0, bytes = 0;
  bool all = testing::wait_until([&] {
    long pass_before = vigil::testing::allocations();
    auto r = batch.drain(rx->fd(), rx->family(), 64, [&](const RecvPacket& p) {
      ++got;
      bytes += p.payload.size();
    });
    // Count only the drain itself (wait_until's own bookkeeping is outside this window).
    EXPECT_EQ(vigil::testing::allocations(), pass_before);
    return !r || got >= kCount;
  }, 2s);
  ASSERT_TRUE(all);
  EXPECT_EQ(got, static_cast<std::size_t>(kCount));
  EXPECT_EQ(bytes, kCount * 12u);
}

}  // namespace
}  // namespace vigil::net
