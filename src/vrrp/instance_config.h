// vrrp/instance_config.h — what one VRRP instance's state machine needs from the configuration.
//
// A plain struct with keepalived's defaults (reference §3.2/§3.3). The config engineer's typed
// model is richer; the daemon maps it onto this. Intervals are std::chrono durations: v2 advert
// intervals are whole seconds, v3 multiples of 10 ms (the config layer rounds and clamps).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "vrrp/types.h"

namespace vigil::vrrp {

// Gratuitous ARP / unsolicited NA scheduling (reference §4.11). A "burst" is `repeat` GARPs (or
// NAs) per VIP; the glue rate-limits them per interface.
struct GarpConfig {
  Duration master_delay = std::chrono::seconds{5};      // 2nd burst after becoming master; 0 = none
  std::uint32_t master_repeat = 5;                      // per burst on becoming master
  Duration master_refresh = Duration::zero();           // periodic burst while master; 0 = off
  std::uint32_t master_refresh_repeat = 1;
  Duration lower_prio_delay = std::chrono::seconds{5};  // 2nd burst after a lower-prio advert
  std::uint32_t lower_prio_repeat = 5;                  // 0 = no GARP on lower-prio adverts
  Duration extra_if_interval = Duration::zero();        // garp_extra_if: other interfaces; 0 = off
};

struct InstanceConfig {
  std::string name{};                                   // "VI_1": logged as "(VI_1) …"
  Vrid vrid{1};
  Version version = Version::v2;
  Family family = Family::inet;
  Priority priority{Priority::kDefault};                // base priority; 255 = address owner
  Duration advert_interval = std::chrono::seconds{1};   // own Advertisement_Interval
  bool want_master = false;                             // `state MASTER` (only matters for owners)
  bool nopreempt = false;                               // RFC 5798 Preempt_Mode = !nopreempt
  Duration preempt_delay = Duration::zero();
  std::uint32_t down_timer_adverts = 3;                 // 1..100; RFC's fixed 3
  bool lower_prio_no_advert = false;
  bool higher_prio_send_advert = false;
  bool owner_ignore_adverts = false;
  // timer_expired_backup [P] (nopreempt only, reference §4.9): a MASTER whose advert timer fires
  // so late that its last advert is older than 3 × advert_int + Skew_Time(P) assumes another
  // router took over meanwhile and drops to BACKUP. Unset = off; the keyword's default P is 254.
  std::optional<Priority> timer_expired_backup{};
  GarpConfig garp{};
  Duration startup_delay = Duration::zero();            // vrrp_startup_delay (max with delay_after_boot)
  IpAddress primary_address{};                          // our advert source: the tie-breaker
  bool accept = true;                                   // RFC 5798 Accept_Mode; owners always accept
  bool in_sync_group = false;                           // a sync group decides when we become MASTER

  bool is_owner() const { return priority.is_owner(); }
};

}  // namespace vigil::vrrp
