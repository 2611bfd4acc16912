// NetlinkWorker (net/netlink_worker.h) in a test namespace: batches committed on its thread in
// submit order, each request's error matched back, completion signalled on the eventfd.
#include "net/netlink_worker.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "net/interfaces.h"
#include "net_test_util.h"
#include "netns_harness.h"

namespace vigil::net {
namespace {

using namespace std::chrono_literals;
using test::ip;
using testing::NetnsScope;
using testing::Topology;

class NetlinkWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NetnsScope in(topo.node("a").ns);
    auto w = NetlinkWorker::open();
    ASSERT_TRUE(w) << w.error().str();
    worker = std::move(*w);
    auto n = Netlink::open();
    ASSERT_TRUE(n) << n.error().str();
    nl.emplace(std::move(*n));
    eth0 = test::ifindex("eth0");
    ASSERT_GT(eth0, 0);
  }
  int ours() {  // addresses of eth0 in 10.95.0.0/16
    auto all = nl->dump_addresses(AF_INET);
    EXPECT_TRUE(all);
    if (!all) return -1;
    return static_cast<int>(std::count_if(all->begin(), all->end(), [&](const AddressEvent& a) {
      return a.ifindex == eth0 && a.address.to_string().starts_with("10.95.");
    }));
  }
  static std::string addr(int i) { return "10.95." + std::to_string(i / 250) + "." + std::to_string(1 + i % 250); }

  Topology topo{"vnw", {"a"}};
  std::unique_ptr<NetlinkWorker> worker;
  std::optional<Netlink> nl;
  int eth0 = 0;
};

TEST_F(NetlinkWorkerTest, BatchesRunInSubmitOrderWithErrorsMatched) {
  constexpr int kCount = 300;  // three chunks
  NetlinkBatch add = worker->batch();
  for (int i = 0; i < kCount; ++i) {
    // Two refused requests (no such interface), one at a chunk's last place.
    const bool bad = i == 5 || i == static_cast<int>(Netlink::kMaxPerSend) - 1;
    add.add(Op::add, AddressSpec{.ifindex = bad ? 999999 : eth0, .address = ip(addr(i)), .prefix = 32});
  }
  NetlinkBatch remove = worker->batch();
  for (int i = 0; i < 100; ++i) remove.add(Op::remove, AddressSpec{.ifindex = eth0, .address = ip(addr(i)), .prefix = 32});
  // Submitted back to back: the removals only work if the adds went first.
  worker->submit(add);
  worker->submit(remove);
  EXPECT_EQ(worker->pending(), 2u);
  // Completion is signalled on the eventfd; each chunk is bounded by kReplyTimeout.
  ASSERT_TRUE(test::readable(worker->event_fd(), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                     2 * Netlink::kReplyTimeout)));
  worker->wait_all();
  auto done = worker->take_completed();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(worker->pending(), 0u);
  EXPECT_FALSE(test::readable(worker->event_fd(), 0ms));  // cleared by take_completed()
  ASSERT_TRUE(done[0]) << done[0].error().str();
  ASSERT_EQ(done[0]->size(), static_cast<std::size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    const bool bad = i == 5 || i == static_cast<int>(Netlink::kMaxPerSend) - 1;
    const Status& st = (*done[0])[static_cast<std::size_t>(i)];
    if (bad) {
      ASSERT_FALSE(st) << i;
      EXPECT_EQ(st.error().code, ENODEV) << i;
    } else {
      EXPECT_TRUE(st) << i << ": " << st.error().str();
    }
  }
  ASSERT_TRUE(done[1]) << done[1].error().str();
  for (int i = 0; i < 100; ++i) {
    const Status& st = (*done[1])[static_cast<std::size_t>(i)];
    if (i == 5) {  // never added: already gone
      ASSERT_FALSE(st);
      EXPECT_EQ(st.error().code, EADDRNOTAVAIL) << st.error().str();
    } else {
      EXPECT_TRUE(st) << i << ": " << st.error().str();
    }
  }
  EXPECT_EQ(ours(), kCount - 2 - 99);  // 298 added, 99 of them removed again
}

TEST_F(NetlinkWorkerTest, WaitAllWithNothingSubmittedReturnsAndDestructionIsClean) {
  worker->wait_all();
  EXPECT_TRUE(worker->take_completed().empty());
  NetlinkBatch add = worker->batch();
  add.add(Op::add, AddressSpec{.ifindex = eth0, .address = ip("10.95.9.9"), .prefix = 32});
  worker->submit(add);
  worker.reset();  // joins the thread (the batch in progress finishes, nothing is left running)
  EXPECT_LE(ours(), 1);
}

}  // namespace
}  // namespace vigil::net
