// vrrp::SyncGroup on its own (one test per table row in sync_group.h), then wired to real
// Instances the way the daemon glue does it (reference §4.13).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "fsm_harness.h"
#include "vrrp/sync_group.h"

namespace vigil::vrrp::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using K = SyncAction::Kind;

SyncAction force(std::size_t m, State s) { return {.kind = K::force_member, .member = m, .state = s}; }
SyncAction log_sync(State s) { return {.kind = K::log_sync, .state = s}; }
SyncAction notify(State s) { return {.kind = K::notify_group, .state = s}; }

// Three members, all reported BACKUP (init).
SyncGroup started_group(std::vector<SyncAction>& out) {
  SyncGroup g{"G1", 3};
  for (std::size_t i = 0; i < 3; ++i) g.on_member_state(i, State::backup, out);
  out.clear();
  return g;
}

TEST(FsmSyncGroup, FirstBackupReportNotifiesWithoutSyncLog) {
  SyncGroup g{"G1", 2};
  std::vector<SyncAction> out;
  g.on_member_state(0, State::backup, out);
  EXPECT_THAT(out, ElementsAre(notify(State::backup)));
  out.clear();
  g.on_member_state(1, State::backup, out);
  EXPECT_THAT(out, IsEmpty());
  EXPECT_EQ(g.state(), State::backup);
}

TEST(FsmSyncGroup, MasterOnlyWhenEveryMemberWantsIt) {
  std::vector<SyncAction> out;
  SyncGroup g = started_group(out);
  g.on_member_wants_master(0, out);
  g.on_member_wants_master(2, out);
  EXPECT_THAT(out, IsEmpty());
  EXPECT_EQ(g.state(), State::backup);
  g.on_member_wants_master(1, out);
  EXPECT_THAT(out, ElementsAre(log_sync(State::master), force(0, State::master),
                               force(1, State::master), force(2, State::master),
                               notify(State::master)));
  EXPECT_EQ(g.format_log(out[0]), "VRRP_Group(G1) Syncing instances to MASTER state");
}

TEST(FsmSyncGroup, WithdrawnWishIsForgotten) {
  std::vector<SyncAction> out;
  SyncGroup g = started_group(out);
  g.on_member_wants_master(0, out);
  g.on_member_wants_master(1, out);
  g.on_member_withdraws_master(0);
  g.on_member_wants_master(2, out);
  EXPECT_THAT(out, IsEmpty());
  EXPECT_EQ(g.state(), State::backup);
}

TEST(FsmSyncGroup, MemberToBackupPullsTheOthers) {
  std::vector<SyncAction> out;
  SyncGroup g = started_group(out);
  for (std::size_t i = 0; i < 3; ++i) g.on_member_wants_master(i, out);
  for (std::size_t i = 0; i < 3; ++i) g.on_member_state(i, State::master, out);
  out.clear();
  g.on_member_state(1, State::backup, out);
  EXPECT_THAT(out, ElementsAre(log_sync(State::backup), force(0, State::backup),
                               force(2, State::backup), notify(State::backup)));
}

TEST(FsmSyncGroup, MemberToFaultPullsTheOthers) {
  std::vector<SyncAction> out;
  SyncGroup g = started_group(out);
  g.on_member_state(2, State::fault, out);
  EXPECT_THAT(out, ElementsAre(log_sync(State::fault), force(0, State::fault),
                               force(1, State::fault), notify(State::fault)));
  EXPECT_EQ(g.format_log(out[0]), "VRRP_Group(G1) Syncing instances to FAULT state");
}

TEST(FsmSyncGroup, ReportMatchingGroupStateDoesNothing) {
  std::vector<SyncAction> out;
  SyncGroup g = started_group(out);
  g.on_member_state(2, State::fault, out);
  out.clear();
  g.on_member_state(0, State::fault, out);  // the forced member confirming
  EXPECT_THAT(out, IsEmpty());
}

TEST(FsmSyncGroup, StopsWithItsLastMember) {
  std::vector<SyncAction> out;
  SyncGroup g = started_group(out);
  g.on_member_state(0, State::stop, out);
  g.on_member_state(1, State::stop, out);
  EXPECT_THAT(out, IsEmpty());
  g.on_member_state(2, State::stop, out);
  EXPECT_THAT(out, ElementsAre(notify(State::stop)));
  EXPECT_EQ(g.state(), State::stop);
}

TEST(FsmSyncGroup, WantMasterWhileFaultIsRemembered) {
  std::vector<SyncAction> out;
  SyncGroup g = started_group(out);
  g.on_member_state(2, State::fault, out);
  out.clear();
  g.on_member_wants_master(0, out);
  EXPECT_THAT(out, IsEmpty());
  EXPECT_EQ(g.state(), State::fault);
}

// ---- the group wired to real instances -------------------------------------------------------

// Delivers every member action to the group and every group force back to the members, the
// way the daemon glue does, until quiet.
struct Wired {
  explicit Wired(std::size_t n) : group("G1", n) {
    for (std::size_t i = 0; i < n; ++i) {
      InstanceConfig c = basic_config();
      c.name = "VI_" + std::to_string(i + 1);
      c.in_sync_group = true;
      members.emplace_back(c);
    }
  }
  void step(std::size_t m, const Event& ev, Duration at) {
    std::deque<std::pair<std::size_t, Event>> queue{{m, ev}};
    while (!queue.empty()) {
      auto [i, e] = queue.front();
      queue.pop_front();
      ActionBuffer out;
      members[i].step(e, epoch + at, out);
      std::vector<SyncAction> sync;
      for (const Action& a : out) {
        if (a.kind == ActionKind::state_changed) group.on_member_state(i, a.state, sync);
        if (a.kind == ActionKind::want_master) group.on_member_wants_master(i, sync);
        if (a.kind == ActionKind::want_master_withdrawn) group.on_member_withdraws_master(i);
      }
      for (const SyncAction& s : sync) {
        if (s.kind == K::log_sync) logs.push_back(group.format_log(s));
        if (s.kind != K::force_member) continue;
        const EventKind k = s.state == State::master   ? EventKind::sync_force_master
                            : s.state == State::backup ? EventKind::sync_force_backup
                                                       : EventKind::sync_force_fault;
        queue.emplace_back(s.member, Event::of(k));
      }
    }
  }
  std::vector<State> states() const {
    std::vector<State> s;
    for (const auto& m : members) s.push_back(m.state());
    return s;
  }
  TimePoint epoch = TimePoint{} + std::chrono::hours{1};
  std::vector<Instance> members;
  SyncGroup group;
  std::vector<std::string> logs;
};

TEST(FsmSyncGroupWired, MembersBecomeMasterTogether) {
  Wired w{2};
  w.step(0, Event::of(EventKind::startup), 0us);
  w.step(1, Event::of(EventKind::startup), 0us);
  w.step(0, Event::of(EventKind::master_down_expired), 3609375us);
  EXPECT_THAT(w.states(), ElementsAre(State::backup, State::backup));
  w.step(1, Event::of(EventKind::master_down_expired), 3609375us);
  EXPECT_THAT(w.states(), ElementsAre(State::master, State::master));
  EXPECT_THAT(w.logs, ElementsAre("VRRP_Group(G1) Syncing instances to MASTER state"));
}

TEST(FsmSyncGroupWired, OneMemberSeeingAHigherMasterPullsTheOtherToBackup) {
  Wired w{2};
  for (std::size_t i = 0; i < 2; ++i) w.step(i, Event::of(EventKind::startup), 0us);
  for (std::size_t i = 0; i < 2; ++i) w.step(i, Event::of(EventKind::master_down_expired), 4s);
  w.step(1, Event::advert_from(advert("10.0.0.9", 200)), 5s);
  EXPECT_THAT(w.states(), ElementsAre(State::backup, State::backup));
}

TEST(FsmSyncGroupWired, FaultSpreadsAndRecoveryFollowsTheLastFault) {
  Wired w{2};
  for (std::size_t i = 0; i < 2; ++i) w.step(i, Event::of(EventKind::startup), 0us);
  w.step(0, Event::of(EventKind::interface_down), 1s);
  EXPECT_THAT(w.states(), ElementsAre(State::fault, State::fault));
  // Member 1 (forced FAULT) now fails on its own too, then member 0 recovers: the group tries
  // BACKUP, member 1 refuses, everyone returns to FAULT.
  w.step(1, Event::of(EventKind::track_fault), 2s);
  w.step(0, Event::of(EventKind::interface_up), 3s);
  EXPECT_THAT(w.states(), ElementsAre(State::fault, State::fault));
  w.step(1, Event::of(EventKind::track_ok), 4s);
  EXPECT_THAT(w.states(), ElementsAre(State::backup, State::backup));
  EXPECT_EQ(w.group.state(), State::backup);
}

}  // namespace
}  // namespace vigil::vrrp::testing
