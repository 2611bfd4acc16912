// GarpPacer (runtime/garp_pacer.h) on a ManualClock: frames per interface and family at most one
// per interval, the rest queued in order and drained by the loop's timer; interval 0 sends at
// once; forget() drops what an instance queued.
#include <gtest/gtest.h>

#include <chrono>
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
  };
  std::vector<Sent> sent;
  GarpPacer pacer{loop, [this](RtInstance& in, const vrrp::IpAddress& addr) {
                    sent.push_back({in.name, addr.to_string(), clock.now()});
                  }};
  RtInstance a{vrrp::InstanceConfig{}}, b{vrrp::InstanceConfig{}};
  vrrp::IpAddress v1 = *vrrp::IpAddress::parse("10.0.0.1"), v2 = *vrrp::IpAddress::parse("10.0.0.2");
  vrrp::IpAddress n1 = *vrrp::IpAddress::parse("fd00::1");

  void SetUp() override {
    a.name = "A";
    b.name = "B";
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

TEST_F(GarpPacerTest, IntervalZeroSendsAtOnce) {
  for (int i = 0; i < 5; ++i) pacer.submit(a, v1);
  EXPECT_EQ(sent.size(), 5u);
  EXPECT_EQ(pacer.queued(), 0u);
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
  b.ifindex = 4;        // no interval set on 4
  pacer.submit(b, v1);
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

}  // namespace
}  // namespace vigil::runtime
