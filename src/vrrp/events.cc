#include "vrrp/events.h"

namespace vigil::vrrp {

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::startup: return "startup";
    case EventKind::startup_delay_expired: return "startup_delay_expired";
    case EventKind::shutdown: return "shutdown";
    case EventKind::advert_received: return "advert_received";
    case EventKind::master_down_expired: return "master_down_expired";
    case EventKind::advert_timer_expired: return "advert_timer_expired";
    case EventKind::garp_delay_expired: return "garp_delay_expired";
    case EventKind::garp_refresh_expired: return "garp_refresh_expired";
    case EventKind::lower_prio_garp_expired: return "lower_prio_garp_expired";
    case EventKind::garp_extra_if_expired: return "garp_extra_if_expired";
    case EventKind::interface_up: return "interface_up";
    case EventKind::interface_down: return "interface_down";
    case EventKind::track_fault: return "track_fault";
    case EventKind::track_ok: return "track_ok";
    case EventKind::priority_changed: return "priority_changed";
    case EventKind::reload: return "reload";
    case EventKind::vip_lost: return "vip_lost";
    case EventKind::sync_force_master: return "sync_force_master";
    case EventKind::sync_force_backup: return "sync_force_backup";
    case EventKind::sync_force_fault: return "sync_force_fault";
  }
  return "?";
}

}  // namespace vigil::vrrp
