// One test per MASTER and FAULT row of the transition table in vrrp/instance.h (RFC 5798 §6.4.3
// and reference §4.4/§4.10/§4.11).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "fsm_harness.h"

namespace vigil::vrrp::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

// MASTER since t = 10 s (garp_delay @ 15 s, advert @ 11 s).
Harness master(InstanceConfig c = basic_config()) {
  Harness h{std::move(c)};
  h.make_master(10s);
  return h;
}

TEST(FsmMaster, AdvertTimerSendsAndRearms) {
  Harness h = master();
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 11s),
              ElementsAre("send_advert prio=100", "arm_timer advert @+12000000us"));
}

TEST(FsmMaster, TimerExpiredBackupStepsDownWhenFarTooLate) {
  InstanceConfig c = basic_config();
  c.nopreempt = true;
  c.timer_expired_backup = Priority{254};
  Harness h = master(c);  // last advert at 10 s
  // Limit: 3 × 1 s + skew(254) = 3007812 us of silence. 13.007812 s is still in time.
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 13007812us),
              ElementsAre("send_advert prio=100", "arm_timer advert @+14007812us"));
  auto late = h.step(EventKind::advert_timer_expired, 17100000us);  // 4.092188 s silent
  ASSERT_FALSE(late.empty());
  EXPECT_EQ(late[0], "log (VI_1) VRRP thread timer expired 3.092188 seconds ago");
  EXPECT_EQ(h.vi.state(), State::backup);
}

TEST(FsmMaster, LateTimerWithoutTheOptionJustAdvertises) {
  Harness h = master();
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 30s),
              ElementsAre("send_advert prio=100", "arm_timer advert @+31000000us"));
}

TEST(FsmMaster, PriorityZeroIsAnsweredAtOnce) {
  // RFC 5798 §6.4.3: "Send an ADVERTISEMENT; Reset the Adver_Timer".
  Harness h = master();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 0), 10500ms),
              ElementsAre("log (VI_1) Master received priority 0 message", "send_advert prio=100",
                          "arm_timer advert @+11500000us"));
  EXPECT_EQ(h.vi.state(), State::master);
}

TEST(FsmMaster, LowerPriorityForcesNewElection) {
  Harness h = master();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 10500ms),
              ElementsAre("log (VI_1) Received advert from 10.0.0.9 with lower priority 50, ours "
                          "100, forcing new election",
                          "send_advert prio=100", "send_garp x5",
                          "arm_timer lower_prio_garp @+15500000us",
                          "notify_master_rx_lower_pri 50"));
}

TEST(FsmMaster, LowerPrioNoAdvertStaysQuiet) {
  InstanceConfig c = basic_config();
  c.lower_prio_no_advert = true;
  c.garp.lower_prio_repeat = 0;
  Harness h = master(c);
  EXPECT_THAT(h.rx(advert("10.0.0.9", 50), 10500ms),
              ElementsAre("log (VI_1) Received advert from 10.0.0.9 with lower priority 50, ours 100",
                          "notify_master_rx_lower_pri 50"));
}

TEST(FsmMaster, EqualPriorityFromLowerAddressForcesNewElection) {
  Harness h = master();
  auto lines = h.rx(advert("10.0.0.1", 100), 10500ms);
  EXPECT_THAT(lines, Contains("send_advert prio=100"));
  EXPECT_EQ(h.vi.state(), State::master);
}

TEST(FsmMaster, HigherPriorityYields) {
  Harness h = master();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 200), 10500ms),
              ElementsAre("log (VI_1) Master received advert from 10.0.0.9 with higher priority 200, "
                          "ours 100",
                          "cancel_timer advert", "cancel_timer garp_delay",
                          "state_changed MASTER -> BACKUP", "log (VI_1) Entering BACKUP STATE",
                          "remove_vips", "remove_routes", "remove_rules", "notify BACKUP 100",
                          "arm_timer master_down @+14109375us"));
  EXPECT_EQ(h.vi.state(), State::backup);
}

TEST(FsmMaster, EqualPriorityFromHigherAddressYields) {
  Harness h = master();
  auto lines = h.rx(advert("10.0.0.3", 100), 10500ms);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0],
            "log (VI_1) Master received advert from 10.0.0.3 with same priority 100 but higher IP "
            "address than ours");
  EXPECT_EQ(h.vi.state(), State::backup);
}

TEST(FsmMaster, HigherPrioSendAdvertSendsOneBeforeYielding) {
  InstanceConfig c = basic_config();
  c.higher_prio_send_advert = true;
  Harness h = master(c);
  auto lines = h.rx(advert("10.0.0.9", 200), 10500ms);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[1], "send_advert prio=100");
  EXPECT_EQ(h.vi.state(), State::backup);
}

TEST(FsmMaster, V3YieldAdoptsTheNewMastersInterval) {
  InstanceConfig c = basic_config();
  c.version = Version::v3;
  Harness h = master(c);
  h.rx(advert("10.0.0.9", 200, 200ms, Version::v3), 10500ms);
  // 3 × 200 ms + (156 × 200 ms) / 256 = 600000 + 121875 us
  EXPECT_EQ(h.deadline_us(Timer::master_down), 10500000 + 721875);
}

TEST(FsmMaster, EqualPriorityFromOurOwnAddressWarns) {
  Harness h = master();
  EXPECT_THAT(h.rx(advert("10.0.0.2", 100), 10500ms),
              ElementsAre("log (VI_1) WARNING - equal priority advert received from remote host "
                          "with our IP address."));
  EXPECT_EQ(h.vi.state(), State::master);
}

InstanceConfig owner_config(const char* address) {
  InstanceConfig c = basic_config();
  c.priority = Priority{255};
  c.want_master = true;
  c.primary_address = addr(address);
  return c;
}

TEST(FsmMaster, TwoOwnersLowerAddressYields) {
  Harness h{owner_config("10.0.0.2")};
  h.make_master(1us);
  auto lines = h.rx(advert("10.0.0.9", 255), 1s);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "log (VI_1) CONFIGURATION ERROR: local instance and 10.0.0.9 are both "
                      "configured as address owner, please resolve");
  EXPECT_EQ(h.vi.state(), State::backup);
}

TEST(FsmMaster, TwoOwnersHigherAddressReducesThenRestores) {
  Harness h{owner_config("10.0.0.9")};
  h.make_master(1us);
  // First rogue advert: logged, answered.
  auto first = h.rx(advert("10.0.0.2", 255), 1s);
  EXPECT_EQ(first[0], "log (VI_1) CONFIGURATION ERROR: local instance and 10.0.0.2 are both "
                      "configured as address owner, please resolve");
  EXPECT_THAT(first, Contains("send_advert prio=255"));
  // Patience: 2 × 1 s + 1.2 × 1 s = 3.2 s after the first one.
  EXPECT_THAT(h.rx(advert("10.0.0.2", 255), 4199999us), Not(Contains(::testing::HasSubstr("reducing"))));
  EXPECT_EQ(h.vi.effective_priority(), Priority{255});
  auto later = h.rx(advert("10.0.0.2", 255), 4200000us);
  EXPECT_THAT(later, Contains("log (VI_1) 10.0.0.2 is still advertising as address owner, please "
                              "resolve - reducing our priority"));
  EXPECT_EQ(h.vi.effective_priority(), Priority{254});
  // Now the rogue outranks us: we yield.
  h.rx(advert("10.0.0.2", 255), 5s);
  EXPECT_EQ(h.vi.state(), State::backup);
  // The rogue goes quiet; our down timer runs out and we come back as 255.
  auto back = h.step(EventKind::master_down_expired, 10s);
  EXPECT_THAT(back, Contains("log (VI_1) Restoring our priority to 255"));
  EXPECT_EQ(h.vi.effective_priority(), Priority{255});
  EXPECT_EQ(h.vi.state(), State::master);
}

TEST(FsmMaster, OwnerIgnoreAdverts) {
  InstanceConfig c = owner_config("10.0.0.2");
  c.owner_ignore_adverts = true;
  Harness h{c};
  h.make_master(1us);
  EXPECT_THAT(h.rx(advert("10.0.0.9", 255), 1s), IsEmpty());
  EXPECT_EQ(h.vi.state(), State::master);
}

TEST(FsmMaster, SecondGarpBurstAfterDelay) {
  Harness h = master();
  EXPECT_THAT(h.step(EventKind::garp_delay_expired, 15s), ElementsAre("send_garp x5"));
}

TEST(FsmMaster, GarpRefreshRepeats) {
  InstanceConfig c = basic_config();
  c.garp.master_refresh = 60s;
  c.garp.master_refresh_repeat = 2;
  Harness h = master(c);
  EXPECT_EQ(h.deadline_us(Timer::garp_refresh), 70000000);
  EXPECT_THAT(h.step(EventKind::garp_refresh_expired, 70s),
              ElementsAre("send_garp x2", "arm_timer garp_refresh @+130000000us"));
}

TEST(FsmMaster, GarpOnExtraInterfacesRepeats) {
  InstanceConfig c = basic_config();
  c.garp.extra_if_interval = 30s;
  Harness h = master(c);
  EXPECT_EQ(h.deadline_us(Timer::garp_extra_if), 40000000);
  EXPECT_THAT(h.step(EventKind::garp_extra_if_expired, 40s),
              ElementsAre("send_garp_extra_if", "arm_timer garp_extra_if @+70000000us"));
  // Leaving MASTER cancels it with the other master timers.
  EXPECT_THAT(h.rx(advert("10.0.0.9", 200), 41s), Contains("cancel_timer garp_extra_if"));
}

TEST(FsmMaster, LowerPrioGarpSecondBurst) {
  InstanceConfig c = basic_config();
  c.garp.lower_prio_repeat = 3;
  c.garp.lower_prio_delay = 2s;
  Harness h = master(c);
  h.rx(advert("10.0.0.9", 50), 10500ms);
  EXPECT_EQ(h.deadline_us(Timer::lower_prio_garp), 12500000);
  EXPECT_THAT(h.step(EventKind::lower_prio_garp_expired, 12500ms), ElementsAre("send_garp x3"));
}

TEST(FsmMaster, NoSecondBurstWhenDelayIsZero) {
  InstanceConfig c = basic_config();
  c.garp.master_delay = 0s;
  Harness h = master(c);
  EXPECT_FALSE(h.vi.deadline(Timer::garp_delay));
}

TEST(FsmMaster, SyncForceBackupYields) {
  Harness h = master();
  auto lines = h.step(EventKind::sync_force_backup, 10500ms);
  EXPECT_THAT(lines, Contains("remove_vips"));
  EXPECT_EQ(h.vi.state(), State::backup);
  EXPECT_EQ(h.deadline_us(Timer::master_down), 10500000 + 3609375);
}

TEST(FsmMaster, SyncForceMasterDoesNothing) {
  Harness h = master();
  EXPECT_THAT(h.step(EventKind::sync_force_master, 10500ms), IsEmpty());
}

TEST(FsmMaster, InterfaceDownReleasesWithPriorityZero) {
  Harness h = master();
  EXPECT_THAT(h.step(EventKind::interface_down, 10500ms),
              ElementsAre("cancel_timer advert", "cancel_timer garp_delay",
                          "state_changed MASTER -> FAULT", "send_advert prio=0",
                          "log (VI_1) sent 0 priority", "log (VI_1) Entering FAULT STATE",
                          "remove_vips", "remove_routes", "remove_rules", "notify FAULT 100"));
}

TEST(FsmMaster, TrackerFaultAndSyncForceFaultRelease) {
  Harness a = master();
  a.step(EventKind::track_fault, 10500ms);
  EXPECT_EQ(a.vi.state(), State::fault);
  Harness b = master();
  b.step(EventKind::sync_force_fault, 10500ms);
  EXPECT_EQ(b.vi.state(), State::fault);
}

TEST(FsmMaster, InterfaceUpChangesNothing) {
  Harness h = master();
  EXPECT_THAT(h.step(EventKind::interface_up, 10500ms), IsEmpty());
}

TEST(FsmMaster, PriorityChangeNotifiesAndKeepsTimers) {
  Harness h = master();
  EXPECT_THAT(h.step(Event::weights(-20), 10500ms),
              ElementsAre("log (VI_1) Changing effective priority from 100 to 80",
                          "notify_priority MASTER 80"));
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 11s),
              ElementsAre("send_advert prio=80", "arm_timer advert @+12000000us"));
}

TEST(FsmMaster, ReloadAdvertisesAtOnce) {
  Harness h = master();
  InstanceConfig c = basic_config();
  c.advert_interval = 2s;
  EXPECT_THAT(h.step(Event::reload_with(c), 10500ms),
              ElementsAre("send_advert prio=100", "arm_timer advert @+12500000us"));
  EXPECT_EQ(h.vi.state(), State::master);
}

// Found by fuzz_vrrp_fsm: a reload that turned Accept_Mode on while MASTER left the no-accept
// filter installed for good (leaving MASTER removes it only when the *new* config filters), and
// one that turned it off removed a filter that was never installed.
TEST(FsmMaster, ReloadChangingAcceptModeInstallsOrRemovesTheFilter) {
  InstanceConfig no_accept = basic_config();
  no_accept.accept = false;
  Harness h = master(no_accept);
  InstanceConfig accept = basic_config();
  accept.accept = true;
  EXPECT_THAT(h.step(Event::reload_with(accept), 10500ms),
              ElementsAre("remove_no_accept_filter", "send_advert prio=100",
                          "arm_timer advert @+11500000us"));
  EXPECT_THAT(h.step(EventKind::shutdown, 10600ms), Not(Contains("remove_no_accept_filter")));

  Harness g = master(accept);
  EXPECT_THAT(g.step(Event::reload_with(no_accept), 10500ms),
              ElementsAre("install_no_accept_filter", "send_advert prio=100",
                          "arm_timer advert @+11500000us"));
  EXPECT_THAT(g.step(EventKind::shutdown, 10600ms), Contains("remove_no_accept_filter"));
}

// The same for a reload that makes us the address owner (owners always accept) or not.
TEST(FsmMaster, ReloadChangingOwnershipInstallsOrRemovesTheFilter) {
  InstanceConfig plain = basic_config();
  plain.accept = false;
  InstanceConfig owner = plain;
  owner.priority = Priority{Priority::kOwner};
  Harness h = master(plain);
  EXPECT_THAT(h.step(Event::reload_with(owner), 10500ms), Contains("remove_no_accept_filter"));
  EXPECT_THAT(h.step(Event::reload_with(plain), 10600ms), Contains("install_no_accept_filter"));
  EXPECT_THAT(h.step(Event::reload_with(plain), 10700ms),
              Not(Contains(::testing::HasSubstr("no_accept_filter"))));
}

// Found by fuzz_vrrp_fsm: a reload that turned garp_master_refresh (or garp_extra_if) off while
// its timer ran re-armed it at `now` on every expiry — a loop firing it back to back, a GARP
// storm. The timer now fires its last burst and stops.
TEST(FsmMaster, ReloadTurningGarpRefreshOffStopsItsTimer) {
  InstanceConfig c = basic_config();
  c.garp.master_refresh = 2s;
  c.garp.extra_if_interval = 3s;
  Harness h = master(c);
  ASSERT_EQ(h.deadline_us(Timer::garp_refresh), 12'000'000);
  InstanceConfig off = c;
  off.garp.master_refresh = Duration::zero();
  off.garp.extra_if_interval = Duration::zero();
  h.step(Event::reload_with(off), 10500ms);
  EXPECT_THAT(h.step(EventKind::garp_refresh_expired, 12s), ElementsAre("send_garp x1"));
  EXPECT_EQ(h.deadline_us(Timer::garp_refresh), -1);
  EXPECT_THAT(h.step(EventKind::garp_extra_if_expired, 13s), ElementsAre("send_garp_extra_if"));
  EXPECT_EQ(h.deadline_us(Timer::garp_extra_if), -1);
}

TEST(FsmMaster, ShutdownResignsWithPriorityZero) {
  Harness h = master();
  EXPECT_THAT(h.step(EventKind::shutdown, 10500ms),
              ElementsAre("cancel_timer advert", "cancel_timer garp_delay",
                          "state_changed MASTER -> STOP", "send_advert prio=0",
                          "log (VI_1) sent 0 priority", "remove_vips", "remove_routes",
                          "remove_rules", "notify STOP 100"));
}

TEST(FsmMaster, NoAcceptInstallsAndRemovesTheFilter) {
  InstanceConfig c = basic_config();
  c.accept = false;
  Harness h{c};
  h.step(EventKind::startup, 0us);
  auto up = h.step(EventKind::master_down_expired, 4s);
  EXPECT_THAT(up, Contains("install_no_accept_filter"));
  auto down = h.rx(advert("10.0.0.9", 200), 5s);
  EXPECT_THAT(down, Contains("remove_no_accept_filter"));
}

TEST(FsmMaster, OwnerAlwaysAccepts) {
  InstanceConfig c = owner_config("10.0.0.2");
  c.accept = false;
  Harness h{c};
  h.step(EventKind::startup, 0us);
  EXPECT_THAT(h.step(EventKind::master_down_expired, 1us), Not(Contains("install_no_accept_filter")));
}

// ---- FAULT ---------------------------------------------------------------------------------------

Harness faulted(InstanceConfig c = basic_config()) {
  Harness h{std::move(c)};
  h.step(EventKind::startup, 0us);
  h.step(EventKind::interface_down, 1s);
  return h;
}

TEST(FsmFault, RecoveryEntersBackupWithFullDownTimer) {
  Harness h = faulted();
  EXPECT_THAT(h.step(EventKind::interface_up, 2s),
              ElementsAre("state_changed FAULT -> BACKUP", "log (VI_1) Entering BACKUP STATE",
                          "notify BACKUP 100", "arm_timer master_down @+5609375us"));
}

TEST(FsmFault, StaysWhileAnotherFaultRemains) {
  Harness h = faulted();
  h.step(EventKind::track_fault, 2s);
  EXPECT_THAT(h.step(EventKind::interface_up, 3s), IsEmpty());
  EXPECT_EQ(h.vi.state(), State::fault);
  h.step(EventKind::track_ok, 4s);
  EXPECT_EQ(h.vi.state(), State::backup);
}

TEST(FsmFault, OwnerLeavesFaultAfterOneAdvertPlusSkew) {
  Harness h{owner_config("10.0.0.2")};
  h.step(EventKind::interface_down, 0us);
  h.step(EventKind::startup, 0us);
  h.step(EventKind::interface_up, 2s);
  EXPECT_EQ(h.deadline_us(Timer::master_down), 2000000 + 1000000 + 3906);
}

TEST(FsmFault, SyncForceWhileFaultedReportsFault) {
  Harness h = faulted();
  EXPECT_THAT(h.step(EventKind::sync_force_backup, 2s), ElementsAre("state_changed FAULT -> FAULT"));
  EXPECT_THAT(h.step(EventKind::sync_force_master, 2s), ElementsAre("state_changed FAULT -> FAULT"));
  EXPECT_EQ(h.vi.state(), State::fault);
}

TEST(FsmFault, SyncForceBackupLeavesAForcedFault) {
  Harness h;
  h.step(EventKind::startup, 0us);
  h.step(EventKind::sync_force_fault, 1s);
  h.step(EventKind::sync_force_backup, 2s);
  EXPECT_EQ(h.vi.state(), State::backup);
  EXPECT_EQ(h.deadline_us(Timer::master_down), 5609375);
}

TEST(FsmFault, AdvertsAndSyncForceFaultAreIgnored) {
  Harness h = faulted();
  EXPECT_THAT(h.rx(advert("10.0.0.9", 0), 2s), IsEmpty());
  EXPECT_THAT(h.step(EventKind::sync_force_fault, 2s), IsEmpty());
}

TEST(FsmFault, PriorityChangeIsRecordedQuietly) {
  Harness h = faulted();
  EXPECT_THAT(h.step(Event::weights(5), 2s),
              ElementsAre("log (VI_1) Changing effective priority from 100 to 105"));
}

TEST(FsmFault, ReloadKeepsFault) {
  Harness h = faulted();
  h.step(Event::reload_with(basic_config()), 2s);
  EXPECT_EQ(h.vi.state(), State::fault);
}

TEST(FsmFault, ShutdownStops) {
  Harness h = faulted();
  EXPECT_THAT(h.step(EventKind::shutdown, 2s),
              ElementsAre("state_changed FAULT -> STOP", "notify STOP 100"));
}

}  // namespace
}  // namespace vigil::vrrp::testing

namespace vigil::vrrp::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(FsmMaster, VipLostLeavesMasterToReaddAfterSkew) {
  // Reference §4.10: priority-0 advert, BACKUP with a down timer of just Skew_Time.
  Harness h;
  h.make_master(10s);
  EXPECT_THAT(h.step(EventKind::vip_lost, 10500ms),
              ElementsAre("cancel_timer advert", "cancel_timer garp_delay",
                          "state_changed MASTER -> BACKUP", "send_advert prio=0",
                          "log (VI_1) sent 0 priority", "log (VI_1) Entering BACKUP STATE",
                          "remove_vips", "remove_routes", "remove_rules", "notify BACKUP 100",
                          "arm_timer master_down @+11109375us"));
  auto back = h.step(EventKind::master_down_expired, 11109375us);
  EXPECT_EQ(h.vi.state(), State::master);
  EXPECT_NE(std::find(back.begin(), back.end(), "install_vips"), back.end());
}

TEST(FsmBackup, VipLostIsIgnoredOutsideMaster) {
  Harness h;
  EXPECT_THAT(h.step(EventKind::vip_lost, 0us), IsEmpty());
  h.step(EventKind::startup, 0us);
  EXPECT_THAT(h.step(EventKind::vip_lost, 1s), IsEmpty());
  h.step(EventKind::interface_down, 2s);
  EXPECT_THAT(h.step(EventKind::vip_lost, 3s), IsEmpty());
}

}  // namespace
}  // namespace vigil::vrrp::testing
