#include "daemon/respawn.h"

namespace vigil::daemon {

std::chrono::seconds RespawnBackoff::next_delay(std::chrono::steady_clock::duration ran_for) {
  using std::chrono::seconds;
  if (ran_for > kStableRun) next_ = seconds{0};
  const seconds delay = next_;
  if (delay > seconds{30}) {
    next_ = kMaxDelay;
  } else if (delay == seconds{0}) {
    next_ = seconds{1};
  } else {
    next_ = delay * 2;
  }
  return delay;
}

}  // namespace vigil::daemon
