#include "vrrp/actions.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "vrrp/events.h"

namespace vigil::vrrp {

void ActionBuffer::overflow() {
  std::fputs("vigil: ActionBuffer overflow (state machine emitted too many actions)\n", stderr);
  std::abort();
}

namespace {

// Seconds for log text as keepalived prints them (printf %g): "5", "2.5".
std::string seconds_text(std::int64_t usec) {
  return fmt::format("{:g}", static_cast<double>(usec) / 1e6);
}

std::string_view kind_name(ActionKind k) {
  switch (k) {
    case ActionKind::send_advert: return "send_advert";
    case ActionKind::arm_timer: return "arm_timer";
    case ActionKind::cancel_timer: return "cancel_timer";
    case ActionKind::install_vips: return "install_vips";
    case ActionKind::remove_vips: return "remove_vips";
    case ActionKind::install_routes: return "install_routes";
    case ActionKind::remove_routes: return "remove_routes";
    case ActionKind::install_rules: return "install_rules";
    case ActionKind::remove_rules: return "remove_rules";
    case ActionKind::install_no_accept_filter: return "install_no_accept_filter";
    case ActionKind::remove_no_accept_filter: return "remove_no_accept_filter";
    case ActionKind::send_garp: return "send_garp";
    case ActionKind::send_garp_extra_if: return "send_garp_extra_if";
    case ActionKind::notify: return "notify";
    case ActionKind::notify_priority: return "notify_priority";
    case ActionKind::notify_master_rx_lower_pri: return "notify_master_rx_lower_pri";
    case ActionKind::state_changed: return "state_changed";
    case ActionKind::want_master: return "want_master";
    case ActionKind::want_master_withdrawn: return "want_master_withdrawn";
    case ActionKind::log: return "log";
  }
  return "?";
}

}  // namespace

std::string format_log(const Action& a, std::string_view name) {
  const std::string src = a.address.to_string();
  switch (a.log_event) {
    case LogEvent::entering_backup_init: return fmt::format("({}) Entering BACKUP STATE (init)", name);
    case LogEvent::entering_fault_init: return fmt::format("({}) Entering FAULT STATE (init)", name);
    case LogEvent::entering_master: return fmt::format("({}) Entering MASTER STATE", name);
    case LogEvent::entering_backup: return fmt::format("({}) Entering BACKUP STATE", name);
    case LogEvent::entering_fault: return fmt::format("({}) Entering FAULT STATE", name);
    case LogEvent::receive_advert_timeout:
      return fmt::format("({}) Receive advertisement timeout", name);
    case LogEvent::backup_received_prio0:
      return fmt::format("({}) Backup received priority 0 advertisement", name);
    case LogEvent::master_received_prio0:
      return fmt::format("({}) Master received priority 0 message", name);
    case LogEvent::lower_prio_discarding:
      return fmt::format("({}) received lower priority ({}) advert from {} - discarding", name, a.a,
                         src);
    case LogEvent::forcing_new_election:
      return fmt::format(
          "({}) Received advert from {} with lower priority {}, ours {}, forcing new election", name,
          src, a.a, a.b);
    case LogEvent::received_lower_prio:
      return fmt::format("({}) Received advert from {} with lower priority {}, ours {}", name, src,
                         a.a, a.b);
    case LogEvent::master_rx_higher_prio:
      return fmt::format("({}) Master received advert from {} with higher priority {}, ours {}",
                         name, src, a.a, a.b);
    case LogEvent::master_rx_same_prio_higher_ip:
      return fmt::format(
          "({}) Master received advert from {} with same priority {} but higher IP address than "
          "ours",
          name, src, a.a);
    case LogEvent::equal_prio_own_address:
      return fmt::format(
          "({}) WARNING - equal priority advert received from remote host with our IP address.",
          name);
    case LogEvent::owner_conflict:
      return fmt::format(
          "({}) CONFIGURATION ERROR: local instance and {} are both configured as address owner, "
          "please resolve",
          name, src);
    case LogEvent::owner_conflict_reducing:
      return fmt::format(
          "({}) {} is still advertising as address owner, please resolve - reducing our priority",
          name, src);
    case LogEvent::owner_priority_restored:
      return fmt::format("({}) Restoring our priority to 255", name);
    case LogEvent::changing_effective_priority:
      return fmt::format("({}) Changing effective priority from {} to {}", name, a.a, a.b);
    case LogEvent::sent_zero_priority: return fmt::format("({}) sent 0 priority", name);
    case LogEvent::interval_mismatch:
      return fmt::format("({}) advertisement interval mismatch with {} mine={} sec rcv'd={} sec",
                         name, src, seconds_text(a.a), seconds_text(a.b));
    case LogEvent::timer_expired_late:
      return fmt::format("({}) VRRP thread timer expired {:.6f} seconds ago", name,
                         static_cast<double>(a.a) / 1e6);
    case LogEvent::delaying_startup:
      return fmt::format("Delaying startup for {} seconds", seconds_text(a.a));
    case LogEvent::delayed_start_completed: return "Delayed start completed";
    case LogEvent::unexpected_event:
      return fmt::format("({}) unexpected event {} in state {} - ignored", name,
                         to_string(static_cast<EventKind>(a.a)),
                         to_string(static_cast<State>(a.b)));
  }
  return fmt::format("({}) ?", name);
}

std::string describe(const Action& a, TimePoint epoch) {
  switch (a.kind) {
    case ActionKind::send_advert:
      return fmt::format("send_advert prio={}", a.priority.value);
    case ActionKind::arm_timer:
      return fmt::format("arm_timer {} @+{}us", to_string(a.timer),
                         std::chrono::duration_cast<Duration>(a.deadline - epoch).count());
    case ActionKind::cancel_timer: return fmt::format("cancel_timer {}", to_string(a.timer));
    case ActionKind::send_garp: return fmt::format("send_garp x{}", a.count);
    case ActionKind::notify:
    case ActionKind::notify_priority:
      return fmt::format("{} {} {}", kind_name(a.kind), to_string(a.state), a.priority.value);
    case ActionKind::notify_master_rx_lower_pri:
      return fmt::format("notify_master_rx_lower_pri {}", a.priority.value);
    case ActionKind::state_changed:
      return fmt::format("state_changed {} -> {}", to_string(a.from), to_string(a.state));
    case ActionKind::log: return fmt::format("log {}", format_log(a, "VI"));
    default: return std::string(kind_name(a.kind));
  }
}

}  // namespace vigil::vrrp
