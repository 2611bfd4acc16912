// vrrp/actions.h — what the state machine asks the outside world to do: the outputs of
// Instance::step().
//
// The step appends Actions to a caller-provided ActionBuffer (fixed capacity, never allocates: the
// step runs once per received advert). The glue performs them in order. Log actions carry a
// LogEvent and its numbers; format_log() turns one into keepalived's exact wording
// ("(VI_1) Entering MASTER STATE") off the hot path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "vrrp/state.h"
#include "vrrp/timer_id.h"
#include "vrrp/types.h"

namespace vigil::vrrp {

enum class ActionKind : std::uint8_t {
  send_advert,                 // priority: the priority to advertise (0 = resigning)
  arm_timer,                   // timer, deadline (absolute; replaces any earlier deadline)
  cancel_timer,                // timer
  install_vips,                // VIPs and eVIPs
  remove_vips,
  install_routes,              // virtual_routes
  remove_routes,
  install_rules,               // virtual_rules
  remove_rules,
  install_no_accept_filter,    // Accept_Mode false: drop traffic to the VIPs (RFC 5798 §6.4.3)
  remove_no_accept_filter,
  send_garp,                   // count: GARPs / unsolicited NAs per VIP in this burst
  send_garp_extra_if,          // one GARP/NA per VIP on its interface when that is not ours
                               // (garp_extra_if; VMAC interfaces only unless `all`)
  notify,                      // state, priority: notify scripts, FIFO `INSTANCE "VI" STATE PRIO`
  notify_priority,             // state, priority: FIFO MASTER_PRIORITY / BACKUP_PRIORITY
  notify_master_rx_lower_pri,  // priority (the sender's): notify_master_rx_lower_pri, FIFO line
  state_changed,               // from → state: feed to the sync group, stats (became/released master)
  want_master,                 // sync-group member whose down timer ran out: ask the group
  want_master_withdrawn,       // …and that has since accepted a master's advert again
  log,                         // log_event, level, numbers: see format_log()
};

enum class LogLevel : std::uint8_t { debug, info, warning, error };

enum class LogEvent : std::uint8_t {
  entering_backup_init,        // (VI) Entering BACKUP STATE (init)
  entering_fault_init,         // (VI) Entering FAULT STATE (init)
  entering_master,             // (VI) Entering MASTER STATE
  entering_backup,             // (VI) Entering BACKUP STATE
  entering_fault,              // (VI) Entering FAULT STATE
  receive_advert_timeout,      // (VI) Receive advertisement timeout
  backup_received_prio0,       // (VI) Backup received priority 0 advertisement
  master_received_prio0,       // (VI) Master received priority 0 message
  lower_prio_discarding,       // (VI) received lower priority (N) advert from X - discarding
  forcing_new_election,        // (VI) Received advert from X with lower priority N, ours M, forcing new election
  received_lower_prio,         // same without the suffix (lower_prio_no_advert)
  master_rx_higher_prio,       // (VI) Master received advert from X with higher priority N, ours M
  master_rx_same_prio_higher_ip,  // (VI) Master received advert from X with same priority N but higher IP address than ours
  equal_prio_own_address,      // (VI) WARNING - equal priority advert received from remote host with our IP address.
  owner_conflict,              // (VI) CONFIGURATION ERROR: local instance and X are both configured as address owner, please resolve
  owner_conflict_reducing,     // (VI) X is still advertising as address owner, please resolve - reducing our priority
  owner_priority_restored,     // (VI) Restoring our priority to 255
  changing_effective_priority, // (VI) Changing effective priority from A to B
  sent_zero_priority,          // (VI) sent 0 priority
  interval_mismatch,           // (VI) advertisement interval mismatch with X mine=N sec rcv'd=M sec
  timer_expired_late,          // (VI) VRRP thread timer expired X.XXXXXX seconds ago
  delaying_startup,            // Delaying startup for N seconds
  delayed_start_completed,     // Delayed start completed
  unexpected_event,            // (VI) unexpected event E in state S - ignored
};

struct Action {
  ActionKind kind = ActionKind::log;
  Timer timer = Timer::master_down;   // arm_timer, cancel_timer
  State state = State::init;          // notify*, state_changed (new state)
  State from = State::init;           // state_changed
  Priority priority{};                // send_advert, notify*
  std::uint32_t count = 0;            // send_garp
  TimePoint deadline{};               // arm_timer
  LogEvent log_event = LogEvent::unexpected_event;
  LogLevel level = LogLevel::info;
  std::int64_t a = 0, b = 0;          // log numbers (priorities, intervals in usec, event kind)
  IpAddress address{};                // log: the advert's source

  static Action of(ActionKind k) { return Action{.kind = k}; }
  static Action with(ActionKind k, State s, Priority p) {
    return Action{.kind = k, .state = s, .priority = p};
  }
  friend bool operator==(const Action&, const Action&) = default;
};

// Fixed-capacity, non-allocating list of actions. Capacity covers the longest transition
// (BACKUP → MASTER is 13 actions); overflowing it is a broken invariant and aborts.
class ActionBuffer {
 public:
  static constexpr std::size_t kCapacity = 32;

  void push(const Action& a) {
    if (size_ == kCapacity) [[unlikely]] overflow();
    items_[size_++] = a;
  }
  // Appends a default Action of kind `k` and returns it for filling in place: on the hot path
  // this avoids building a temporary and copying it (a store-forwarding stall).
  Action& emplace(ActionKind k) {
    if (size_ == kCapacity) [[unlikely]] overflow();
    Action* a = std::construct_at(&items_[size_++]);  // in place: no temporary
    a->kind = k;
    return *a;
  }
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Action& operator[](std::size_t i) const { return items_[i]; }
  std::span<const Action> view() const { return {items_.data(), size_}; }
  const Action* begin() const { return items_.data(); }
  const Action* end() const { return items_.data() + size_; }

 private:
  [[noreturn]] static void overflow();
  std::array<Action, kCapacity> items_{};
  std::size_t size_ = 0;
};

// keepalived's wording for a log action, prefixed with "(name) " where keepalived does.
std::string format_log(const Action& a, std::string_view instance_name);

// One line describing any action, for tests and debug output: "arm_timer master_down @+3609375us".
std::string describe(const Action& a, TimePoint epoch);

}  // namespace vigil::vrrp
