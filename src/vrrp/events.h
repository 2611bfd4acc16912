// vrrp/events.h — what can happen to one VRRP instance: the inputs of Instance::step().
//
// An Event is a small value: a kind plus the few fields some kinds carry. "Advert received" holds
// only what the state machine needs (source, priority, interval, version, address-list verdict),
// so the glue fills it from the codec's decoded advert without the machine knowing the codec.
#pragma once

#include <cstdint>
#include <string_view>

#include "vrrp/instance_config.h"
#include "vrrp/timer_id.h"
#include "vrrp/types.h"

namespace vigil::vrrp {

enum class EventKind : std::uint8_t {
  startup,                  // the daemon has learned interfaces and trackers
  startup_delay_expired,    // Timer::startup_delay
  shutdown,                 // SIGTERM / instance deleted
  advert_received,          // a validated advert for our VRID (reference §4.2 already applied)
  master_down_expired,      // Timer::master_down
  advert_timer_expired,     // Timer::advert
  garp_delay_expired,       // Timer::garp_delay (2nd GARP burst after becoming MASTER)
  garp_refresh_expired,     // Timer::garp_refresh
  lower_prio_garp_expired,  // Timer::lower_prio_garp
  garp_extra_if_expired,    // Timer::garp_extra_if
  interface_up,             // our interface (or its VMAC base) came up
  interface_down,
  track_fault,              // a weight-0 tracker failed (glue aggregates: "any failed")
  track_ok,                 // no weight-0 tracker is failing any more
  priority_changed,         // the sum of weighted tracker contributions changed
  reload,                   // SIGHUP: new configuration for this (matched) instance
  vip_lost,                 // a tracked VIP/route/rule of ours was deleted by someone else
  sync_force_master,        // the sync group moves us (reference §4.13)
  sync_force_backup,
  sync_force_fault,
};

std::string_view to_string(EventKind k);

// True for the *_expired kinds: the expiry of one of the instance's timers.
constexpr bool is_expiry(EventKind k) {
  switch (k) {
    case EventKind::master_down_expired:
    case EventKind::advert_timer_expired:
    case EventKind::garp_delay_expired:
    case EventKind::garp_refresh_expired:
    case EventKind::lower_prio_garp_expired:
    case EventKind::garp_extra_if_expired:
    case EventKind::startup_delay_expired: return true;
    default: return false;
  }
}

// The timer whose expiry an *_expired event reports (only meaningful for those kinds).
constexpr Timer timer_of(EventKind k) {
  switch (k) {
    case EventKind::advert_timer_expired: return Timer::advert;
    case EventKind::garp_delay_expired: return Timer::garp_delay;
    case EventKind::garp_refresh_expired: return Timer::garp_refresh;
    case EventKind::lower_prio_garp_expired: return Timer::lower_prio_garp;
    case EventKind::startup_delay_expired: return Timer::startup_delay;
    case EventKind::garp_extra_if_expired: return Timer::garp_extra_if;
    default: return Timer::master_down;
  }
}

// The fields of a received advertisement the state machine uses.
struct ReceivedAdvert {
  IpAddress source{};             // IP source of the advert: RFC 5798 §6.4.3's tie-break
  Priority priority{};
  Duration interval{};            // v2 seconds / v3 centiseconds, converted
  Version version = Version::v2;
  bool addresses_match = true;    // false: a VIP of ours is missing from the list (dropped)
};

struct Event {
  EventKind kind = EventKind::startup;
  ReceivedAdvert advert{};                  // advert_received
  std::int32_t weight_total = 0;            // priority_changed
  const InstanceConfig* config = nullptr;   // reload (the caller keeps it alive for the step)

  static constexpr Event of(EventKind k) { return Event{.kind = k}; }
  static Event advert_from(const ReceivedAdvert& a) {
    return Event{.kind = EventKind::advert_received, .advert = a};
  }
  static constexpr Event weights(std::int32_t total) {
    return Event{.kind = EventKind::priority_changed, .weight_total = total};
  }
  static constexpr Event reload_with(const InstanceConfig& c) {
    return Event{.kind = EventKind::reload, .config = &c};
  }
  // The expiry event of a timer, for the loop that armed it.
  static constexpr Event expired(Timer t) {
    switch (t) {
      case Timer::master_down: return of(EventKind::master_down_expired);
      case Timer::advert: return of(EventKind::advert_timer_expired);
      case Timer::garp_delay: return of(EventKind::garp_delay_expired);
      case Timer::garp_refresh: return of(EventKind::garp_refresh_expired);
      case Timer::lower_prio_garp: return of(EventKind::lower_prio_garp_expired);
      case Timer::startup_delay: return of(EventKind::startup_delay_expired);
      case Timer::garp_extra_if: return of(EventKind::garp_extra_if_expired);
    }
    return of(EventKind::startup);
  }
};

}  // namespace vigil::vrrp
