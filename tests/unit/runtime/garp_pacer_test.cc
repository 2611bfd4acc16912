// GarpPacer (runtime/garp_pacer.h) on a ManualClock: frames per interface and family at most one
// per interval, the rest queued in order and drained by the loop's timer; interval 0 sends in
// batches from the next loop pass, yielding to anything due; forget() drops what an instance queued.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/garp_pacer.h"

namespace vigil::runtime {
namespace {

using namespace std::chrono_literals;

struct GarpPacerTest : ::testing::Test {
  event::ManualClock clock;
  event::Loop loop{clock};
  struct Sent {
    std::string instance;
    std::string address;
    event::TimePoint at;
    int ifindex;
  };
  std::size_t calls = 0;  // send calls (one sendmmsg each)
  std::vector<Sent> sent;
  GarpPacer pacer{loop, [this](int ifindex, std::span<const GarpPacer::Item> items) {
                    ++calls;
                    for (const auto& i : items) sent.push_back({i.in->name, i.address.to_string(), clock.now(), ifindex});
                  }};
  RtInstance a{vrrp::InstanceConfig{.name = "A"}}, b{vrrp::InstanceConfig{.name = "B"}};  // name: the fsm's
  vrrp::IpAddress v1 = *vrrp::IpAddress::parse("10.0.0.1"), v2 = *vrrp::IpAddress::parse("10.0.0.2");
  vrrp::IpAddress n1 = *vrrp::IpAddress::parse("fd00::1");

  void SetUp() override {
    a.ifindex = b.ifindex = 3;
  }
  // Runs the loop to `until` in 1 ms steps (timers fire when their deadline has passed).
  void run_to(event::TimePoint until) {
    while (clock.now() < until) {
      clock.advance(1ms);
      loop.run_until_idle();
    }
  }
};

TEST_F(GarpPacerTest, IntervalZeroSendsInBatchesFromTheNextPass) {
  for (int i = 0; i < 5; ++i) pacer.submit(a, v1);
  EXPECT_EQ(sent.size(), 0u);  // not from inside the caller's callback
  loop.run_until_idle();
  EXPECT_EQ(sent.size(), 5u);
  EXPECT_EQ(calls, 1u);  // one batch
  EXPECT_EQ(pacer.queued(), 0u);
}

TEST_F(GarpPacerTest, IntervalZeroWaitsForDueWork) {
  for (int i = 0; i < 40; ++i) pacer.submit(a, v1);  // 5 batches
  // Something else is due in the same pass: it runs first, then every frame goes.
  std::size_t sent_before_other = 99;
  auto other = loop.add_timer_at(loop.now(), [&](const event::Fired&) { sent_before_other = sent.size(); });
  loop.run_until_idle();
  EXPECT_EQ(sent_before_other, 0u);
  EXPECT_EQ(sent.size(), 40u);
  EXPECT_EQ(calls, 5u);
  EXPECT_EQ(pacer.queued(), 0u);
}

TEST_F(GarpPacerTest, IntervalZeroProgressesOnABusyLoop) {
  for (int i = 0; i < 40; ++i) pacer.submit(a, v1);
  // A loop that always has something due (each callback takes 1 ms and queues the next) for 35 ms.
  const auto t0 = clock.now();
  event::TaskHandle busy;
  std::function<void(const event::Fired&)> work = [&](const event::Fired&) {
    clock.advance(1ms);
    if (clock.now() - t0 < 35ms) busy = loop.add_timer_at(loop.clock().now(), work);
  };
  busy = loop.add_timer_at(loop.now(), work);
  while (clock.now() - t0 < 35ms) loop.run_once(false);
  // One batch per 10 ms while busy.
  ASSERT_GE(sent.size(), 3 * GarpPacer::kBatch);
  EXPECT_LE(sent.size(), 4 * GarpPacer::kBatch);
  EXPECT_GE(sent[0].at - t0, 10ms);
  loop.run_until_idle();
  EXPECT_EQ(sent.size(), 40u);
}

TEST_F(GarpPacerTest, IntervalZeroRoundRobinOverInterfaces) {
  b.ifindex = 4;
  for (int i = 0; i < 16; ++i) pacer.submit(a, v1);
  for (int i = 0; i < 16; ++i) pacer.submit(b, v2);
  auto keep_busy = loop.add_timer_at(loop.now(), [](const event::Fired&) {});
  loop.run_until_idle();
  ASSERT_EQ(sent.size(), 32u);
  // Batches alternate between the interfaces.
  EXPECT_EQ(sent[0].ifindex, 3);
  EXPECT_EQ(sent[GarpPacer::kBatch].ifindex, 4);
  EXPECT_EQ(sent[2 * GarpPacer::kBatch].ifindex, 3);
}

TEST_F(GarpPacerTest, OnePerIntervalInSubmissionOrderAcrossInstances) {
  pacer.set_interval(3, false, 10ms);
  const auto t0 = clock.now();
  pacer.submit(a, v1);
  pacer.submit(a, v2);
  pacer.submit(b, v1);
  ASSERT_EQ(sent.size(), 1u);  // the first goes at once
  EXPECT_EQ(pacer.queued(), 2u);
  run_to(t0 + 50ms);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].address, "10.0.0.2");
  EXPECT_EQ(sent[2].instance, "B");
  EXPECT_EQ(sent[1].at - sent[0].at, 10ms);
  EXPECT_EQ(sent[2].at - sent[1].at, 10ms);
  // After a quiet interval the next frame goes at once again.
  pacer.submit(a, v1);
  EXPECT_EQ(sent.size(), 4u);
}

TEST_F(GarpPacerTest, FamiliesAndInterfacesArePacedSeparately) {
  pacer.set_interval(3, false, 10ms);
  pacer.set_interval(3, true, 20ms);
  pacer.submit(a, v1);
  pacer.submit(a, n1);  // its own lane: not held behind the IPv4 one
  EXPECT_EQ(sent.size(), 2u);
  b.ifindex = 4;        // no interval set on 4: the next loop pass
  pacer.submit(b, v1);
  loop.run_until_idle();
  EXPECT_EQ(sent.size(), 3u);
}

TEST_F(GarpPacerTest, ForgetDropsOnlyThatInstancesFrames) {
  pacer.set_interval(3, false, 10ms);
  const auto t0 = clock.now();
  pacer.submit(a, v1);
  pacer.submit(a, v2);
  pacer.submit(b, v2);
  pacer.forget(a);
  EXPECT_EQ(pacer.queued(), 1u);
  run_to(t0 + 50ms);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].instance, "B");
  pacer.forget(b);  // nothing queued: harmless
}

// forget() is O(1): the frames stay where they are, stale, and are skipped when their turn
// comes; what the instance submits afterwards is live again.
TEST_F(GarpPacerTest, ForgottenFramesAreSkippedAndLaterOnesSent) {
  for (int i = 0; i < 20; ++i) pacer.submit(a, v1);
  pacer.submit(b, v2);
  EXPECT_EQ(a.garp_items, 20u);
  pacer.forget(a);
  EXPECT_EQ(pacer.queued(), 1u);
  pacer.submit(a, v2);  // after the forget: sent
  EXPECT_EQ(pacer.queued(), 2u);
  loop.run_until_idle();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].instance, "B");
  EXPECT_EQ(sent[1].instance, "A");
  EXPECT_EQ(sent[1].address, "10.0.0.2");
  EXPECT_EQ(a.garp_items, 0u);  // the stale frames left the queue too
  EXPECT_EQ(b.garp_items, 0u);
}

// A mass step-down: 1,000 instances with 5 frames each queued forget them; nothing is sent.
TEST_F(GarpPacerTest, MassForgetSendsNothing) {
  std::vector<std::unique_ptr<RtInstance>> many;
  for (int i = 0; i < 1000; ++i) {
    many.push_back(std::make_unique<RtInstance>(vrrp::InstanceConfig{}));
    many.back()->ifindex = 3 + i % 4;
    for (int k = 0; k < 5; ++k) pacer.submit(*many.back(), v1);
  }
  EXPECT_EQ(pacer.queued(), 5000u);
  for (auto& in : many) pacer.forget(*in);
  EXPECT_EQ(pacer.queued(), 0u);
  loop.run_until_idle();
  EXPECT_EQ(sent.size(), 0u);
  for (auto& in : many) EXPECT_EQ(in->garp_items, 0u);
}

// purge() takes the instance's frames (live or forgotten) out of the queues: it can be destroyed
// while the others' frames are still waiting (AddressSanitizer would see a frame that outlived it).
TEST_F(GarpPacerTest, PurgedInstanceCanBeDestroyedWhileOthersWait) {
  pacer.set_interval(3, false, 10ms);
  auto c = std::make_unique<RtInstance>(vrrp::InstanceConfig{});
  c->ifindex = 3;
  pacer.submit(a, v1);  // sent at once: the lane was quiet
  pacer.submit(*c, v1);
  pacer.submit(*c, v2);
  pacer.forget(*c);
  pacer.submit(*c, v1);
  pacer.submit(b, v2);
  EXPECT_EQ(c->garp_items, 3u);
  pacer.purge(*c);
  EXPECT_EQ(c->garp_items, 0u);
  c.reset();
  const auto t0 = clock.now();
  run_to(t0 + 50ms);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].instance, "A");
  EXPECT_EQ(sent[1].instance, "B");
  EXPECT_EQ(pacer.queued(), 0u);
}

}  // namespace
}  // namespace vigil::runtime
