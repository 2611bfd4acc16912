// track/priority.h — an instance's effective priority from its trackers, pure (reference §4.5).
//
//   effective = clamp(base + Σ deltas, 1, 254); an owner (base 255) ignores deltas and stays 255;
//   any faulting contribution puts the instance in FAULT (owners included).
//
//   PriorityTracker t("VI_1", Priority{100});
//   auto u = t.update(contributions);          // u.log: "(VI_1) Changing effective priority from 100 to 90"
//   if (u.priority_changed) machine.step(Event::weights(u.total_delta));
//   if (u.fault_changed) machine.step(Event::of(u.fault ? track_fault : track_ok));
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "track/contribution.h"
#include "vrrp/types.h"

namespace vigil::track {

struct PriorityResult {
  vrrp::Priority effective;
  std::int64_t total_delta = 0;  // Σ deltas (before clamping), for the state machine
  bool fault = false;            // a weight-0 tracker failed, a file ≤ -254, ...
  bool pending = false;          // a weight-0 tracker has no result yet
};

PriorityResult compute_priority(vrrp::Priority base, std::span<const Contribution> parts);

// keepalived's log line for a change of effective priority.
std::string priority_change_line(std::string_view instance, vrrp::Priority from, vrrp::Priority to);

struct PriorityUpdate {
  PriorityResult now;
  bool priority_changed = false;
  bool fault_changed = false;
  std::optional<std::string> log;  // the "Changing effective priority" line, when it changed
};

// Remembers an instance's last result so changes (and only changes) are reported.
class PriorityTracker {
 public:
  PriorityTracker(std::string instance, vrrp::Priority base);
  PriorityUpdate update(std::span<const Contribution> parts);
  const PriorityResult& current() const { return current_; }
  vrrp::Priority base() const { return base_; }
  // A reload rebuilt the trackers: changes are reported against what was in force before.
  void carry_over(const PriorityResult& r) { current_ = r; }

 private:
  std::string instance_;
  vrrp::Priority base_;
  PriorityResult current_;
};

}  // namespace vigil::track
