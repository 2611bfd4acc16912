// vrrp/timer_id.h — the timers one instance arms. The machine returns absolute deadlines; the
// loop keeps one timer per (instance, Timer) and feeds Event::expired(t) back when it fires.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigil::vrrp {

enum class Timer : std::uint8_t {
  master_down,      // RFC 5798 Master_Down_Timer (BACKUP)
  advert,           // RFC 5798 Adver_Timer (MASTER)
  garp_delay,       // second GARP/NA burst, garp_master_delay after becoming MASTER
  garp_refresh,     // periodic GARP/NA while MASTER (garp_master_refresh)
  lower_prio_garp,  // second burst after a lower-priority advert (garp_lower_prio_delay)
  startup_delay,    // vrrp_startup_delay
  garp_extra_if,    // periodic GARP on the VIPs' other interfaces while MASTER (garp_extra_if)
};
inline constexpr std::size_t kTimerCount = 7;
constexpr std::size_t index(Timer t) { return static_cast<std::size_t>(t); }

constexpr std::string_view to_string(Timer t) {
  switch (t) {
    case Timer::master_down: return "master_down";
    case Timer::advert: return "advert";
    case Timer::garp_delay: return "garp_delay";
    case Timer::garp_refresh: return "garp_refresh";
    case Timer::lower_prio_garp: return "lower_prio_garp";
    case Timer::startup_delay: return "startup_delay";
    case Timer::garp_extra_if: return "garp_extra_if";
  }
  return "?";
}

}  // namespace vigil::vrrp
