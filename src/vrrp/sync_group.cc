#include "vrrp/sync_group.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace vigil::vrrp {

namespace {
constexpr std::size_t kNobody = static_cast<std::size_t>(-1);
}  // namespace

SyncGroup::SyncGroup(std::string name, std::size_t member_count)
    : name_(std::move(name)), members_(member_count, State::init),
      wants_master_(member_count, false) {}

void SyncGroup::on_member_state(std::size_t member, State to, std::vector<SyncAction>& out) {
  members_.at(member) = to;
  wants_master_[member] = false;
  if (to == State::stop) {  // the group stops (notify_stop) with its last member
    const bool all = std::all_of(members_.begin(), members_.end(),
                                 [](State s) { return s == State::stop; });
    if (all && state_ != State::stop) {
      state_ = State::stop;
      out.push_back({.kind = SyncAction::Kind::notify_group, .state = State::stop});
    }
    return;
  }
  if (to == State::init || to == state_) return;
  sync_to(to, member, out);
}

void SyncGroup::on_member_wants_master(std::size_t member, std::vector<SyncAction>& out) {
  wants_master_.at(member) = true;
  if (state_ != State::backup && state_ != State::init) return;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    const bool wants = members_[i] == State::master ||
                       (members_[i] == State::backup && wants_master_[i]);
    if (!wants) return;  // prefer BACKUP: the member retries after its down timer
  }
  sync_to(State::master, kNobody, out);
}

void SyncGroup::sync_to(State s, std::size_t except, std::vector<SyncAction>& out) {
  const State before = state_;
  state_ = s;
  if (before != State::init) out.push_back({.kind = SyncAction::Kind::log_sync, .state = s});
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (i == except || members_[i] == s) continue;
    if (members_[i] == State::init || members_[i] == State::stop) continue;
    out.push_back({.kind = SyncAction::Kind::force_member, .member = i, .state = s});
  }
  out.push_back({.kind = SyncAction::Kind::notify_group, .state = s});
}

std::string SyncGroup::format_log(const SyncAction& a) const {
  return fmt::format("VRRP_Group({}) Syncing instances to {} state", name_, to_string(a.state));
}

}  // namespace vigil::vrrp
