// vrrp/actions.h: keepalived's exact wording for every log line the machine emits (reference
// §5.1, checked against keepalived 2.2.7's strings), and the ActionBuffer contract.
#include <gtest/gtest.h>

#include "fsm_harness.h"

namespace vigil::vrrp::testing {
namespace {

Action log_action(LogEvent e, std::int64_t a = 0, std::int64_t b = 0, const char* from = "10.0.0.9") {
  Action x = Action::of(ActionKind::log);
  x.log_event = e;
  x.a = a;
  x.b = b;
  x.address = addr(from);
  return x;
}

TEST(FsmActions, EveryLogLineInKeepalivedWording) {
  struct Row {
    LogEvent e;
    std::int64_t a, b;
    const char* text;
  };
  const Row rows[] = {
      {LogEvent::entering_backup_init, 0, 0, "(VI_1) Entering BACKUP STATE (init)"},
      {LogEvent::entering_fault_init, 0, 0, "(VI_1) Entering FAULT STATE (init)"},
      {LogEvent::entering_master, 0, 0, "(VI_1) Entering MASTER STATE"},
      {LogEvent::entering_backup, 0, 0, "(VI_1) Entering BACKUP STATE"},
      {LogEvent::entering_fault, 0, 0, "(VI_1) Entering FAULT STATE"},
      {LogEvent::receive_advert_timeout, 0, 0, "(VI_1) Receive advertisement timeout"},
      {LogEvent::backup_received_prio0, 0, 0, "(VI_1) Backup received priority 0 advertisement"},
      {LogEvent::master_received_prio0, 0, 0, "(VI_1) Master received priority 0 message"},
      {LogEvent::lower_prio_discarding, 50, 0,
       "(VI_1) received lower priority (50) advert from 10.0.0.9 - discarding"},
      {LogEvent::forcing_new_election, 50, 100,
       "(VI_1) Received advert from 10.0.0.9 with lower priority 50, ours 100, forcing new "
       "election"},
      {LogEvent::received_lower_prio, 50, 100,
       "(VI_1) Received advert from 10.0.0.9 with lower priority 50, ours 100"},
      {LogEvent::master_rx_higher_prio, 200, 100,
       "(VI_1) Master received advert from 10.0.0.9 with higher priority 200, ours 100"},
      {LogEvent::master_rx_same_prio_higher_ip, 100, 0,
       "(VI_1) Master received advert from 10.0.0.9 with same priority 100 but higher IP address "
       "than ours"},
      {LogEvent::equal_prio_own_address, 0, 0,
       "(VI_1) WARNING - equal priority advert received from remote host with our IP address."},
      {LogEvent::changing_effective_priority, 100, 90,
       "(VI_1) Changing effective priority from 100 to 90"},
      {LogEvent::sent_zero_priority, 0, 0, "(VI_1) sent 0 priority"},
      {LogEvent::interval_mismatch, 1000000, 2500000,
       "(VI_1) advertisement interval mismatch with 10.0.0.9 mine=1 sec rcv'd=2.5 sec"},
      {LogEvent::delaying_startup, 30000000, 0, "Delaying startup for 30 seconds"},
      {LogEvent::delayed_start_completed, 0, 0, "Delayed start completed"},
      {LogEvent::unexpected_event, static_cast<std::int64_t>(EventKind::vip_lost),
       static_cast<std::int64_t>(State::fault), "(VI_1) unexpected event vip_lost in state FAULT - ignored"},
  };
  for (const Row& r : rows) EXPECT_EQ(format_log(log_action(r.e, r.a, r.b), "VI_1"), r.text);
}

TEST(FsmActions, BufferKeepsOrderAndClears) {
  ActionBuffer out;
  out.push(Action::of(ActionKind::install_vips));
  Action& arm = out.emplace(ActionKind::arm_timer);
  arm.timer = Timer::advert;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].kind, ActionKind::install_vips);
  EXPECT_EQ(out[1].kind, ActionKind::arm_timer);
  EXPECT_EQ(out[1].timer, Timer::advert);
  out.clear();
  EXPECT_TRUE(out.empty());
  // A reused slot starts from a default Action, not from what was there before.
  EXPECT_EQ(out.emplace(ActionKind::send_advert).timer, Timer::master_down);
}

TEST(FsmActionsDeathTest, OverflowIsABrokenInvariant) {
  EXPECT_DEATH(
      {
        ActionBuffer out;
        for (std::size_t i = 0; i <= ActionBuffer::kCapacity; ++i) out.push(Action{});
      },
      "ActionBuffer overflow");
}

}  // namespace
}  // namespace vigil::vrrp::testing
