// vrrp/timers.h — RFC 5798 §6.1 timer arithmetic as keepalived computes it (reference §4.3).
//
// All results are microseconds (keepalived's unit), so the figures match keepalived's to the usec:
// v2, advert 1 s, priority 100 → Master_Down_Interval 3.609375 s.
#pragma once

#include <cstdint>

#include "vrrp/types.h"

namespace vigil::vrrp {

// Skew_Time. v2 (RFC 3768 §6.1): (256 − Priority) / 256 seconds, independent of the interval.
// v3 (RFC 5798 §6.1): ((256 − Priority) × Master_Adver_Interval) / 256.
constexpr Duration skew_time(Version v, Priority p, Duration master_adver_interval) {
  const std::int64_t weight = 256 - static_cast<std::int64_t>(p.value);
  if (v == Version::v2) return Duration{weight * 1'000'000 / 256};
  return Duration{weight * master_adver_interval.count() / 256};
}

// Master_Down_Interval = down_timer_adverts × Master_Adver_Interval + Skew_Time (RFC 5798 §6.1
// with keepalived's configurable 3).
constexpr Duration master_down_interval(Version v, Priority p, Duration master_adver_interval,
                                        std::uint32_t down_timer_adverts) {
  return static_cast<std::int64_t>(down_timer_adverts) * master_adver_interval +
         skew_time(v, p, master_adver_interval);
}

// The smallest skew (priority 255): what a sync-group member that wants MASTER while its group is
// BACKUP, or an owner leaving FAULT, waits beyond one advert interval (reference §4.3).
constexpr Duration minimal_skew(Version v, Duration master_adver_interval) {
  return skew_time(v, Priority{Priority::kOwner}, master_adver_interval);
}

}  // namespace vigil::vrrp
