// track/instance_tracking.cc — summing an instance's tracker contributions.
#include "track/instance_tracking.h"

#include <algorithm>

namespace vigil::track {

namespace {

std::int32_t up_down_weight(std::int64_t w) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(w, -254, 254));
}

}  // namespace

Contribution contribution_of(const TrackedRef& ref, const TrackedStates& states) {
  switch (ref.kind) {
    case TrackedKind::interface:
      return up_down_contribution(up_down_weight(ref.weight), ref.reverse,
                                  states.interface_health(ref.index));
    case TrackedKind::script:
      return up_down_contribution(up_down_weight(ref.weight), ref.reverse,
                                  states.script_health(ref.index));
    case TrackedKind::process:
      return up_down_contribution(up_down_weight(ref.weight), ref.reverse,
                                  states.process_health(ref.index));
    case TrackedKind::file:
      return file_contribution(states.file_value(ref.index), ref.weight, ref.reverse);
  }
  return {};
}

InstanceTracking::InstanceTracking(std::string instance, vrrp::Priority base,
                                   std::vector<TrackedRef> refs)
    : tracker_(std::move(instance), base), refs_(std::move(refs)) {
  parts_.reserve(refs_.size());
}

bool InstanceTracking::tracks(TrackedKind kind, std::size_t index) const {
  return std::any_of(refs_.begin(), refs_.end(),
                     [&](const TrackedRef& r) { return r.kind == kind && r.index == index; });
}

PriorityUpdate InstanceTracking::recompute(const TrackedStates& states) {
  parts_.clear();
  for (const TrackedRef& r : refs_) parts_.push_back(contribution_of(r, states));
  return tracker_.update(parts_);
}

}  // namespace vigil::track
