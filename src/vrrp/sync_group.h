// vrrp/sync_group.h — a keepalived vrrp_sync_group as its own pure state machine (reference §4.13).
//
// Members are Instances with `in_sync_group` set. The glue feeds the group every member
// `state_changed` and `want_master` action; the group answers with SyncActions: force member i to
// a state (deliver Event::of(EventKind::sync_force_*) to that member), log the sync line, run the
// GROUP notify (want_master_withdrawn just clears the wish). Rules:
//   * any member → FAULT: all others forced to FAULT;
//   * any member → BACKUP: all others forced to BACKUP;
//   * MASTER only when every member wants MASTER ("prefer backup to avoid thrashing"): a member
//     whose down timer ran out asks (want_master); when the last one asks, all are forced MASTER;
//   * a member forced while faulted itself answers state_changed FAULT→FAULT, which pulls the
//     group (and so everyone) back to FAULT.
//
//   group | member report             | action                        | next
//   ------+---------------------------+-------------------------------+-------
//   any≠F | state_changed → FAULT     | force others FAULT, notify    | FAULT
//   any≠B | state_changed → BACKUP    | force others BACKUP, notify   | BACKUP
//   any≠M | state_changed → MASTER    | force others MASTER, notify   | MASTER
//   B/I   | want_master, all want     | force all MASTER, notify      | MASTER
//   B/I   | want_master, not all      | (remember)                    | same
//   same  | state_changed → group's   | (nothing)                     | same
//   any   | last member → STOP        | notify                        | STOP
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vrrp/state.h"

namespace vigil::vrrp {

struct SyncAction {
  enum class Kind : std::uint8_t { force_member, log_sync, notify_group };
  Kind kind = Kind::notify_group;
  std::size_t member = 0;  // force_member
  State state = State::init;
  friend bool operator==(const SyncAction&, const SyncAction&) = default;
};

class SyncGroup {
 public:
  SyncGroup(std::string name, std::size_t member_count);

  void on_member_state(std::size_t member, State to, std::vector<SyncAction>& out);
  void on_member_wants_master(std::size_t member, std::vector<SyncAction>& out);
  void on_member_withdraws_master(std::size_t member) { wants_master_.at(member) = false; }

  State state() const { return state_; }
  const std::string& name() const { return name_; }
  // "VRRP_Group(G) Syncing instances to MASTER state"
  std::string format_log(const SyncAction& a) const;

 private:
  void sync_to(State s, std::size_t except, std::vector<SyncAction>& out);

  std::string name_;
  State state_ = State::init;
  std::vector<State> members_;
  std::vector<bool> wants_master_;
};

}  // namespace vigil::vrrp
