// One test per INIT row of the transition table in vrrp/instance.h, plus startup rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fsm_harness.h"

namespace vigil::vrrp::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(FsmInit, StartupEntersBackupWithFullDownTimer) {
  Harness h;
  EXPECT_THAT(h.step(EventKind::startup, 0us),
              ElementsAre("state_changed INIT -> BACKUP", "log (VI_1) Entering BACKUP STATE (init)",
                          "notify BACKUP 100", "arm_timer master_down @+3609375us"));
  EXPECT_EQ(h.vi.state(), State::backup);
}

TEST(FsmInit, NonOwnerStateMasterGetsNoHeadStart) {
  // Reference §3.3: `state MASTER` below 255 still waits the full Master_Down_Interval.
  InstanceConfig c = basic_config();
  c.want_master = true;
  Harness h{c};
  h.step(EventKind::startup, 0us);
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3609375);
}

TEST(FsmInit, OwnerTakesOverAtOnce) {
  // RFC 5798 §6.4.1 / reference §4.3: priority 255 + MASTER → master after 1 usec.
  InstanceConfig c = basic_config();
  c.priority = Priority{255};
  c.want_master = true;
  Harness h{c};
  // keepalived 2.2.7 logs no "Entering BACKUP STATE (init)" for an owner (checked in a netns):
  // "(VI_1) Receive advertisement timeout", "(VI_1) Entering MASTER STATE" straight away.
  EXPECT_THAT(h.step(EventKind::startup, 0us),
              ElementsAre("state_changed INIT -> BACKUP", "arm_timer master_down @+1us"));
  h.step(EventKind::master_down_expired, 1us);
  EXPECT_EQ(h.vi.state(), State::master);
}

TEST(FsmInit, StartupDelayDefersTheStart) {
  InstanceConfig c = basic_config();
  c.startup_delay = 2s;
  Harness h{c};
  EXPECT_THAT(h.step(EventKind::startup, 0us),
              ElementsAre("log Delaying startup for 2 seconds", "arm_timer startup_delay @+2000000us"));
  EXPECT_EQ(h.vi.state(), State::init);
  // Adverts during the delay are ignored (reference §4.9).
  EXPECT_THAT(h.rx(advert("10.0.0.9", 200), 1s), IsEmpty());
  EXPECT_THAT(h.step(EventKind::startup_delay_expired, 2s),
              ElementsAre("log Delayed start completed", "state_changed INIT -> BACKUP",
                          "log (VI_1) Entering BACKUP STATE (init)", "notify BACKUP 100",
                          "arm_timer master_down @+5609375us"));
}

TEST(FsmInit, StartupDelayPrintsSecondsLikePrintfG) {
  InstanceConfig c = basic_config();
  c.startup_delay = 2500ms;
  Harness h{c};
  EXPECT_THAT(h.step(EventKind::startup, 0us),
              ElementsAre("log Delaying startup for 2.5 seconds",
                          "arm_timer startup_delay @+2500000us"));
}

TEST(FsmInit, StartupWhileFaultedEntersFault) {
  Harness h;
  EXPECT_THAT(h.step(EventKind::interface_down, 0us), IsEmpty());
  EXPECT_THAT(h.step(EventKind::startup, 1us),
              ElementsAre("state_changed INIT -> FAULT", "log (VI_1) Entering FAULT STATE (init)",
                          "notify FAULT 100"));
  EXPECT_FALSE(h.vi.deadline(Timer::master_down));
}

TEST(FsmInit, TrackerFaultBeforeStartupEntersFault) {
  Harness h;
  h.step(EventKind::track_fault, 0us);
  h.step(EventKind::startup, 0us);
  EXPECT_EQ(h.vi.state(), State::fault);
}

TEST(FsmInit, PriorityChangeIsAppliedBeforeStart) {
  Harness h;
  EXPECT_THAT(h.step(Event::weights(-10), 0us),
              ElementsAre("log (VI_1) Changing effective priority from 100 to 90"));
  h.step(EventKind::startup, 0us);
  // skew at 90 = 166/256 s = 648437 us
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3648437);
}

TEST(FsmInit, AdvertIsIgnored) {
  Harness h;
  EXPECT_THAT(h.rx(advert("10.0.0.9", 200), 0us), IsEmpty());
  EXPECT_EQ(h.vi.state(), State::init);
}

TEST(FsmInit, SyncForceIsIgnored) {
  Harness h;
  EXPECT_THAT(h.step(EventKind::sync_force_master, 0us), IsEmpty());
  EXPECT_EQ(h.vi.state(), State::init);
}

TEST(FsmInit, ReloadTakesTheNewConfig) {
  Harness h;
  InstanceConfig c = basic_config();
  c.priority = Priority{150};
  EXPECT_THAT(h.step(Event::reload_with(c), 0us),
              ElementsAre("log (VI_1) Changing effective priority from 100 to 150"));
  EXPECT_EQ(h.vi.effective_priority(), Priority{150});
}

TEST(FsmInit, ShutdownStops) {
  Harness h;
  EXPECT_THAT(h.step(EventKind::shutdown, 0us),
              ElementsAre("state_changed INIT -> STOP", "notify STOP 100"));
}

TEST(FsmInit, ShutdownDuringStartupDelayCancelsIt) {
  InstanceConfig c = basic_config();
  c.startup_delay = 2s;
  Harness h{c};
  h.step(EventKind::startup, 0us);
  EXPECT_THAT(h.step(EventKind::shutdown, 1s),
              ElementsAre("cancel_timer startup_delay", "state_changed INIT -> STOP",
                          "notify STOP 100"));
}

TEST(FsmStop, EverythingIsIgnored) {
  Harness h;
  h.step(EventKind::shutdown, 0us);
  EXPECT_THAT(h.step(EventKind::startup, 1s), IsEmpty());
  EXPECT_THAT(h.rx(advert("10.0.0.9", 0), 1s), IsEmpty());
  EXPECT_THAT(h.step(EventKind::interface_up, 1s), IsEmpty());
  EXPECT_EQ(h.vi.state(), State::stop);
}

TEST(FsmUnexpected, StaleTimerIsLoggedAndIgnored) {
  Harness h;
  h.step(EventKind::startup, 0us);
  EXPECT_THAT(h.step(EventKind::advert_timer_expired, 1s),
              ElementsAre("log (VI_1) unexpected event advert_timer_expired in state BACKUP - "
                          "ignored"));
  EXPECT_EQ(h.vi.state(), State::backup);
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3609375);
}

TEST(FsmUnexpected, ExpiryBeforeTheDeadlineReArmsIt) {
  Harness h;
  h.step(EventKind::startup, 0us);
  EXPECT_THAT(h.step(EventKind::master_down_expired, 3s),
              ElementsAre("log (VI_1) unexpected event master_down_expired in state BACKUP - "
                          "ignored",
                          "arm_timer master_down @+3609375us"));
  EXPECT_EQ(h.vi.state(), State::backup);
}

TEST(FsmUnexpected, SecondStartupIsLoggedAndIgnored) {
  Harness h;
  h.step(EventKind::startup, 0us);
  EXPECT_THAT(h.step(EventKind::startup, 1s),
              ElementsAre("log (VI_1) unexpected event startup in state BACKUP - ignored"));
}

}  // namespace
}  // namespace vigil::vrrp::testing
