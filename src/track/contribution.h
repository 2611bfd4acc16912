// track/contribution.h — what one tracked object adds to an instance's priority, pure
// (reference §4.5). The glue sums the contributions of an instance's trackers and hands the
// total and the fault flag to compute_priority() (priority.h) and on to the VRRP state machine.
//
//   up/down objects (track_interface, vrrp_script, vrrp_track_process, BFD):
//     weight > 0  : +weight while UP                 reverse: -weight while UP
//     weight < 0  : +weight (i.e. -|w|) while DOWN   reverse: -weight (+|w|) while DOWN
//     weight == 0 : FAULT while DOWN                 reverse: FAULT while UP
//   an object whose state is not known yet (a script before its first result) adds nothing and
//   does not fault; `pending` tells the caller a weight-0 tracker is still waiting.
//
//   track_file: value × weight (× -1 with reverse), capped at +253; FAULT when that is ≤ -254, or
//   when the weight is 0 and the value is not.
#pragma once

#include <cstdint>

namespace vigil::track {

enum class Health : std::uint8_t { unknown, up, down };

struct Contribution {
  std::int32_t delta = 0;  // added to the base priority
  bool fault = false;      // the instance must be in FAULT
  bool pending = false;    // weight 0, state still unknown (keepalived keeps the instance waiting)
  friend bool operator==(const Contribution&, const Contribution&) = default;
};

Contribution up_down_contribution(std::int32_t weight, bool reverse, Health health);

Contribution file_contribution(std::int64_t value, std::int64_t weight, bool reverse);

}  // namespace vigil::track
