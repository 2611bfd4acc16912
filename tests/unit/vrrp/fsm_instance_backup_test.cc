// One test per BACKUP row of the transition table in vrrp/instance.h (RFC 5798 §6.4.2 and
// reference §4.3/§4.4/§4.9).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fsm_harness.h"

namespace vigil::vrrp::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Harness backup(InstanceConfig c = basic_config()) {
  Harness h{std::move(c)};
  h.step(EventKind::startup, 0us);
  return h;
}

TEST(FsmBackup, PriorityZeroSetsDownTimerToSkew) {
  Harness h = backup();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 0), 1s),
              ElementsAre("log (VI_1) Backup received priority 0 advertisement",
                          "arm_timer master_down @+1609375us"));
}

TEST(FsmBackup, HigherPriorityRestartsDownTimer) {
  Harness h = backup();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 200), 1s), ElementsAre("arm_timer master_down @+4609375us"));
  EXPECT_EQ(h.vi.master_address(), addr("10.0.0.9"));
  EXPECT_EQ(h.vi.master_priority(), Priority{200});
}

TEST(FsmBackup, EqualPriorityIsAcceptedWhateverTheAddress) {
  // RFC 5798 §6.4.2: "greater than or equal to the local Priority" — no address tie-break here.
  Harness h = backup();
  EXPECT_THAT(h.rx(advert("10.0.0.1", 100), 2s), ElementsAre("arm_timer master_down @+5609375us"));
}

TEST(FsmBackup, LowerPriorityIsDiscardedAndTimerKeepsRunning) {
  Harness h = backup();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 1s),
              ElementsAre("log (VI_1) received lower priority (50) advert from 10.0.0.9 - "
                          "discarding"));
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3609375);
  // Logged once per state (keepalived rate-limits), still discarded.
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 2s), IsEmpty());
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3609375);
}

TEST(FsmBackup, NopreemptAcceptsLowerPriority) {
  InstanceConfig c = basic_config();
  c.nopreempt = true;
  Harness h = backup(c);
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 1s), ElementsAre("arm_timer master_down @+4609375us"));
}

TEST(FsmBackup, PreemptDelayAcceptsLowerPriorityUntilItExpires) {
  InstanceConfig c = basic_config();
  c.preempt_delay = 3s;
  Harness h = backup(c);
  // First lower-prio advert at 1 s starts the clock; accepted until 4 s.
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 1s), ElementsAre("arm_timer master_down @+4609375us"));
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 3999999us),
              ElementsAre("arm_timer master_down @+7609374us"));
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 4s),
              ElementsAre("log (VI_1) received lower priority (50) advert from 10.0.0.9 - "
                          "discarding"));
  EXPECT_EQ(h.deadline_us(Timer::master_down), 7609374);
}

TEST(FsmBackup, PreemptDelayClockStopsOnHigherPriority) {
  InstanceConfig c = basic_config();
  c.preempt_delay = 3s;
  Harness h = backup(c);
  h.rx(advert("10.0.0.9", 50), 1s);
  h.rx(advert("10.0.0.8", 200), 2s);  // higher master seen: the clock stops
  // A new lower-prio master at 5 s starts a fresh 3 s delay.
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 5s), ElementsAre("arm_timer master_down @+8609375us"));
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 7s), ElementsAre("arm_timer master_down @+10609375us"));
}

TEST(FsmBackup, V3AdoptsTheMastersInterval) {
  InstanceConfig c = basic_config();
  c.version = Version::v3;
  Harness h = backup(c);
  // 3 × 500 ms + (156 × 500 ms) / 256 = 1.5 s + 304687 us
  EXPECT_THAT(h.rx(advert("10.0.0.9", 200, 500ms, Version::v3), 1s),
              ElementsAre("arm_timer master_down @+2804687us"));
  EXPECT_EQ(h.vi.master_adver_interval(), 500ms);
}

TEST(FsmBackup, V2IntervalMismatchIsDroppedWithoutTouchingTheTimer) {
  Harness h = backup();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 200, 2s), 1s),
              ElementsAre("log (VI_1) advertisement interval mismatch with 10.0.0.9 mine=1 sec "
                          "rcv'd=2 sec"));
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3609375);
}

TEST(FsmBackup, AddressListMismatchIsIgnored) {
  Harness h = backup();
  ReceivedAdvert a = advert("10.0.0.9", 200);
  a.addresses_match = false;
  EXPECT_THAT(h.rx(a, 1s), IsEmpty());
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3609375);
}

TEST(FsmBackup, WrongVersionIsIgnored) {
  Harness h = backup();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 200, 1s, Version::v3), 1s), IsEmpty());
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3609375);
}

TEST(FsmBackup, DownTimerExpiryBecomesMaster) {
  Harness h = backup();
  EXPECT_THAT(h.step(EventKind::master_down_expired, 3609375us),
              ElementsAre("log (VI_1) Receive advertisement timeout", "state_changed BACKUP -> MASTER",
                          "send_advert prio=100", "log (VI_1) Entering MASTER STATE", "install_vips",
                          "install_routes", "install_rules", "send_garp x5",
                          "arm_timer garp_delay @+8609375us", "arm_timer advert @+4609375us",
                          "notify MASTER 100"));
  EXPECT_EQ(h.vi.state(), State::master);
}

TEST(FsmBackup, DownTimerExpiryInSyncGroupAsksTheGroup) {
  InstanceConfig c = basic_config();
  c.in_sync_group = true;
  Harness h = backup(c);
  // Retry after advert_int + 1/256 s (reference §4.3).
  EXPECT_THAT(h.step(EventKind::master_down_expired, 3609375us),
              ElementsAre("want_master", "arm_timer master_down @+4613281us"));
  EXPECT_EQ(h.vi.state(), State::backup);
  EXPECT_TRUE(h.vi.wants_master());
}

TEST(FsmBackup, AcceptedAdvertWithdrawsTheSyncGroupWish) {
  InstanceConfig c = basic_config();
  c.in_sync_group = true;
  Harness h = backup(c);
  h.step(EventKind::master_down_expired, 3609375us);
  EXPECT_THAT(h.rx(advert("10.0.0.9", 200), 4s),
              ElementsAre("want_master_withdrawn", "arm_timer master_down @+7609375us"));
  EXPECT_FALSE(h.vi.wants_master());
}

TEST(FsmBackup, SyncForceMasterBecomesMaster) {
  Harness h = backup();
  EXPECT_THAT(h.step(EventKind::sync_force_master, 1s),
              ElementsAre("cancel_timer master_down", "state_changed BACKUP -> MASTER",
                          "send_advert prio=100", "log (VI_1) Entering MASTER STATE", "install_vips",
                          "install_routes", "install_rules", "send_garp x5",
                          "arm_timer garp_delay @+6000000us", "arm_timer advert @+2000000us",
                          "notify MASTER 100"));
}

TEST(FsmBackup, SyncForceBackupDoesNothing) {
  Harness h = backup();
  EXPECT_THAT(h.step(EventKind::sync_force_backup, 1s), IsEmpty());
}

TEST(FsmBackup, InterfaceDownEntersFault) {
  Harness h = backup();
  EXPECT_THAT(h.step(EventKind::interface_down, 1s),
              ElementsAre("cancel_timer master_down", "state_changed BACKUP -> FAULT",
                          "log (VI_1) Entering FAULT STATE", "notify FAULT 100"));
}

TEST(FsmBackup, TrackerFaultEntersFault) {
  Harness h = backup();
  h.step(EventKind::track_fault, 1s);
  EXPECT_EQ(h.vi.state(), State::fault);
  EXPECT_TRUE(h.vi.faulted());
}

TEST(FsmBackup, SyncForceFaultEntersFaultWithoutOwnFault) {
  Harness h = backup();
  h.step(EventKind::sync_force_fault, 1s);
  EXPECT_EQ(h.vi.state(), State::fault);
  EXPECT_FALSE(h.vi.faulted());
}

TEST(FsmBackup, InterfaceUpChangesNothing) {
  Harness h = backup();
  EXPECT_THAT(h.step(EventKind::interface_up, 1s), IsEmpty());
}

TEST(FsmBackup, PriorityChangeShiftsDeadlineBySkewChange) {
  Harness h = backup();
  // 100 → 90: skew 609375 → 648437 us, the deadline moves by +39062 us.
  EXPECT_THAT(h.step(Event::weights(-10), 1s),
              ElementsAre("log (VI_1) Changing effective priority from 100 to 90",
                          "notify_priority BACKUP 90", "arm_timer master_down @+3648437us"));
  // 90 → 120: skew 648437 → 531250 us.
  h.step(Event::weights(20), 2s);
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3648437 - 117187);
}

TEST(FsmBackup, PriorityRiseNearTheDeadlineFiresAtOnce) {
  InstanceConfig c = basic_config();
  c.priority = Priority{1};  // skew 996093 us
  Harness h = backup(c);     // deadline 3996093 us
  // 1 → 254 shrinks the skew by 988281 us, which would put the deadline before now.
  EXPECT_THAT(h.step(Event::weights(253), 3500000us),
              ElementsAre("log (VI_1) Changing effective priority from 1 to 254",
                          "notify_priority BACKUP 254", "arm_timer master_down @+3500000us"));
}

TEST(FsmBackup, UnchangedEffectivePriorityIsSilent) {
  InstanceConfig c = basic_config();
  c.priority = Priority{250};
  Harness h = backup(c);
  h.step(Event::weights(10), 1s);  // clamped to 254
  EXPECT_THAT(h.step(Event::weights(20), 2s), IsEmpty());
  EXPECT_EQ(h.vi.effective_priority(), Priority{254});
}

TEST(FsmBackup, ReloadRestartsDownTimerWithNewSettings) {
  Harness h = backup();
  InstanceConfig c = basic_config();
  c.advert_interval = 2s;
  EXPECT_THAT(h.step(Event::reload_with(c), 1s), ElementsAre("arm_timer master_down @+7609375us"));
}

TEST(FsmBackup, ShutdownStops) {
  Harness h = backup();
  EXPECT_THAT(h.step(EventKind::shutdown, 1s),
              ElementsAre("cancel_timer master_down", "state_changed BACKUP -> STOP",
                          "notify STOP 100"));
}

TEST(FsmBackup, DownTimerAdvertsConfigurable) {
  InstanceConfig c = basic_config();
  c.down_timer_adverts = 5;
  Harness h = backup(c);
  EXPECT_EQ(h.deadline_us(Timer::master_down), 5609375);
}

}  // namespace
}  // namespace vigil::vrrp::testing
