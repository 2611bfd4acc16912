// vrrp/state.h — the states of one VRRP instance (RFC 5798 §6.4 plus keepalived's FAULT and STOP).
//
// INIT is RFC 5798's Initialize; FAULT is keepalived's state for "interface or tracker down";
// STOP is what keepalived reports to notify scripts after shutdown. The numeric values match
// keepalived's JSON `state` field (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT).
#pragma once

#include <cstdint>
#include <string_view>

namespace vigil::vrrp {

enum class State : std::uint8_t { init = 0, backup = 1, master = 2, fault = 3, stop = 4 };

// "INIT", "BACKUP", "MASTER", "FAULT", "STOP": the words keepalived logs and passes to notify.
constexpr std::string_view to_string(State s) {
  switch (s) {
    case State::init: return "INIT";
    case State::backup: return "BACKUP";
    case State::master: return "MASTER";
    case State::fault: return "FAULT";
    case State::stop: return "STOP";
  }
  return "?";
}

}  // namespace vigil::vrrp
