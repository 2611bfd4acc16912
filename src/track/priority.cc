// track/priority.cc — effective priority arithmetic and its change log.
#include "track/priority.h"

#include <fmt/format.h>

#include <algorithm>

namespace vigil::track {

PriorityResult compute_priority(vrrp::Priority base, std::span<const Contribution> parts) {
  PriorityResult r;
  for (const Contribution& c : parts) {
    r.total_delta += c.delta;
    r.fault = r.fault || c.fault;
    r.pending = r.pending || c.pending;
  }
  if (base.is_owner()) {
    r.effective = base;
    r.total_delta = 0;
  } else {
    const std::int64_t total = std::int64_t{base.value} + r.total_delta;
    r.effective = vrrp::Priority{static_cast<std::uint8_t>(std::clamp<std::int64_t>(total, 1, 254))};
  }
  return r;
}

std::string priority_change_line(std::string_view instance, vrrp::Priority from,
                                 vrrp::Priority to) {
  return fmt::format("({}) Changing effective priority from {} to {}", instance, from.value,
                     to.value);
}

PriorityTracker::PriorityTracker(std::string instance, vrrp::Priority base)
    : instance_(std::move(instance)), base_(base) {
  current_.effective = base;
}

PriorityUpdate PriorityTracker::update(std::span<const Contribution> parts) {
  PriorityUpdate u;
  u.now = compute_priority(base_, parts);
  u.priority_changed = u.now.effective != current_.effective;
  u.fault_changed = u.now.fault != current_.fault;
  if (u.priority_changed) u.log = priority_change_line(instance_, current_.effective, u.now.effective);
  current_ = u.now;
  return u;
}

}  // namespace vigil::track
