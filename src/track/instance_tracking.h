// track/instance_tracking.h — one VRRP instance's trackers → its effective priority and fault
// flag, pure (reference §4.5). The glue between the trackers (scripts, files, processes,
// interfaces) and the VRRP state machine:
//
//   InstanceTracking vi("VI_1", Priority{100}, {
//       {.kind = TrackedKind::script, .index = chk, .weight = -20},
//       {.kind = TrackedKind::interface, .index = eth1, .weight = 0},         // down → FAULT
//       {.kind = TrackedKind::file, .index = tf, .weight = 1, .reverse = true}});
//   // whenever any tracker of vi changes:
//   PriorityUpdate u = vi.recompute(states);        // states: the daemon's TrackedStates
//   if (u.log) log(*u.log);                         // "(VI_1) Changing effective priority from 100 to 80"
//   if (u.priority_changed) instance.step(Event::weights(u.now.total_delta));
//   if (u.fault_changed) instance.step(Event::of(u.now.fault ? track_fault : track_ok));
//
// Weights come from the tracking entry (`track_script { chk weight -20 }`) or, when it gives
// none, from the tracked object's own definition; the caller resolves that before building the
// refs. A weight on an owner (priority 255) is ignored; a weight-0 fault still applies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "track/contribution.h"
#include "track/priority.h"

namespace vigil::track {

enum class TrackedKind : std::uint8_t { interface, script, file, process };

struct TrackedRef {
  TrackedKind kind = TrackedKind::script;
  std::size_t index = 0;    // in the daemon's table of that kind (ScriptRunner index, ...)
  std::int64_t weight = 0;  // files: -2^31+1 .. 2^31-1; others: -254 .. 254
  bool reverse = false;
};

// Where the current state of every tracked object is read from.
class TrackedStates {
 public:
  virtual ~TrackedStates() = default;
  virtual Health interface_health(std::size_t i) const = 0;
  virtual Health script_health(std::size_t i) const = 0;
  virtual Health process_health(std::size_t i) const = 0;
  virtual std::int64_t file_value(std::size_t i) const = 0;
};

Contribution contribution_of(const TrackedRef& ref, const TrackedStates& states);

class InstanceTracking {
 public:
  InstanceTracking(std::string instance, vrrp::Priority base, std::vector<TrackedRef> refs);

  PriorityUpdate recompute(const TrackedStates& states);
  // True while a weight-0 tracker has no result yet (keepalived keeps the instance waiting).
  bool pending() const { return tracker_.current().pending; }
  const PriorityResult& current() const { return tracker_.current(); }
  const std::vector<TrackedRef>& refs() const { return refs_; }
  bool tracks(TrackedKind kind, std::size_t index) const;
  void carry_over(const PriorityResult& r) { tracker_.carry_over(r); }

 private:
  PriorityTracker tracker_;
  std::vector<TrackedRef> refs_;
  std::vector<Contribution> parts_;  // scratch, reused
};

}  // namespace vigil::track
