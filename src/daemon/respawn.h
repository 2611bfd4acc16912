// daemon/respawn.h — keepalived's child restart back-off (reference §1.2). Pure.
//
// A child that ran for more than 60 s is restarted at once and the sequence starts over.
// Otherwise successive restarts wait 0, 1, 2, 4, 8, 16, 32, then 60, 60, … seconds: the next
// delay doubles, and once the delay just used exceeds 30 s the next one is pinned at 60 s.
//
//   RespawnBackoff backoff;
//   auto delay = backoff.next_delay(now - child_started);  // then log + restart after `delay`
#pragma once

#include <chrono>

namespace vigil::daemon {

class RespawnBackoff {
 public:
  static constexpr std::chrono::seconds kStableRun{60};  // ran longer than this: reset
  static constexpr std::chrono::seconds kMaxDelay{60};

  // The child just died after running for `ran_for`: how long to wait before restarting it.
  std::chrono::seconds next_delay(std::chrono::steady_clock::duration ran_for);

 private:
  std::chrono::seconds next_{0};
};

}  // namespace vigil::daemon
