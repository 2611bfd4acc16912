// The MASTER's Adver_Timer schedule (RFC 5798 §6.4.3): the first advert goes at once on becoming
// MASTER; each expiry re-arms one interval after the *due* time, so a loop that wakes late does
// not stretch every later gap; more than one interval behind, the schedule restarts from now.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "fsm_harness.h"

namespace vigil::vrrp::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

// VRRPv3, advert 100 ms, priority 100: Master_Down_Interval 3 × 100 ms + 60.937 ms.
// MASTER at t = 1 s, so adverts fall due at 1.1 s, 1.2 s, ...
Harness fast_master() {
  InstanceConfig c = basic_config();
  c.version = Version::v3;
  c.advert_interval = 100ms;
  Harness h{std::move(c)};
  h.make_master(1s);
  return h;
}

TEST(FsmAdvertSchedule, FirstAdvertAtOnceOnBecomingMaster) {
  InstanceConfig c = basic_config();
  c.version = Version::v3;
  c.advert_interval = 100ms;
  Harness h{std::move(c)};
  h.step(EventKind::startup, 0us);
  auto lines = h.step(EventKind::master_down_expired, 360937us);
  // The advert goes before the VIPs (RFC 5798 §6.4.2), in the same step: no waiting.
  const auto sent = std::find(lines.begin(), lines.end(), "send_advert prio=100");
  ASSERT_NE(sent, lines.end());
  const auto vips = std::find(lines.begin(), lines.end(), "install_vips");
  ASSERT_NE(vips, lines.end());
  EXPECT_LT(sent, vips);
  EXPECT_THAT(lines, Contains("arm_timer advert @+460937us"));
}

TEST(FsmAdvertSchedule, LateWakeUpDoesNotShiftTheNextDeadline) {
  Harness h = fast_master();
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 1103ms),  // 3 ms late
              ElementsAre("send_advert prio=100", "arm_timer advert @+1200000us"));
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 1200050us),
              ElementsAre("send_advert prio=100", "arm_timer advert @+1300000us"));
  // Lateness never accumulates: 100 expiries each 2 ms late stay on the 100 ms grid.
  for (int k = 13; k < 113; ++k) {
    h.step(EventKind::advert_timer_expired, k * 100ms + 2ms);
    ASSERT_EQ(h.deadline_us(Timer::advert), (k + 1) * 100000LL) << "expiry " << k;
  }
}

TEST(FsmAdvertSchedule, NeverSendsEarly) {
  // The loop fires a timer before its deadline: not an expiry, nothing is sent, timer kept.
  Harness h = fast_master();
  auto lines = h.step(EventKind::advert_timer_expired, 1099999us);
  for (const auto& l : lines) EXPECT_NE(l, "send_advert prio=100");
  EXPECT_EQ(h.deadline_us(Timer::advert), 1100000);
}

TEST(FsmAdvertSchedule, MoreThanOneIntervalBehindRestartsFromNow) {
  Harness h = fast_master();
  // Just under one interval late: the next one is still the scheduled one (a short gap).
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 1199999us),
              ElementsAre("send_advert prio=100", "arm_timer advert @+1200000us"));
  // Exactly one interval late (the next is due now): no back-to-back catch-up advert.
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 1300000us),
              ElementsAre("send_advert prio=100", "arm_timer advert @+1400000us"));
  // Seconds late (stopped process): one advert, then one interval from now.
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 6123456us),
              ElementsAre("send_advert prio=100", "arm_timer advert @+6223456us"));
}

TEST(FsmAdvertSchedule, PriorityZeroResetsFromNow) {
  // RFC 5798 §6.4.3: "Send an ADVERTISEMENT; Reset the Adver_Timer to Advertisement_Interval".
  Harness h = fast_master();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 0, 100ms, Version::v3), 1042ms),
              Contains("arm_timer advert @+1142000us"));
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 1142500us),
              ElementsAre("send_advert prio=100", "arm_timer advert @+1242000us"));
}

// The glue's phase (set_advert_offset): the advert after becoming MASTER goes that much early,
// the first one still at once, and the schedule keeps the phase afterwards.
TEST(FsmAdvertSchedule, PhaseOffsetBringsOnlyTheNextAdvertForward) {
  InstanceConfig c = basic_config();
  c.version = Version::v3;
  c.advert_interval = 100ms;
  Harness h{std::move(c)};
  h.vi.set_advert_offset(3125us);
  h.step(EventKind::startup, 0us);
  auto lines = h.step(EventKind::master_down_expired, 1s);
  EXPECT_THAT(lines, Contains("send_advert prio=100"));
  EXPECT_EQ(h.deadline_us(Timer::advert), 1096875);
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 1097000us),
              ElementsAre("send_advert prio=100", "arm_timer advert @+1196875us"));
  // A reload while MASTER sends at once and returns to the phase.
  InstanceConfig same = h.vi.config();
  EXPECT_THAT(h.step(Event::reload_with(same), 1150ms), Contains("arm_timer advert @+1246875us"));
  // A priority-0 advert resets the timer to a whole interval (RFC 5798 §6.4.3).
  EXPECT_THAT(h.rx(advert("10.0.0.9", 0, 100ms, Version::v3), 1200ms),
              Contains("arm_timer advert @+1300000us"));
}

TEST(FsmAdvertSchedule, PhaseOffsetIsCappedAtHalfAnInterval) {
  Harness h;  // v2, advert 1 s
  h.vi.set_advert_offset(900ms);
  h.make_master(10s);
  EXPECT_EQ(h.deadline_us(Timer::advert), 10500000);
}

}  // namespace
}  // namespace vigil::vrrp::testing
