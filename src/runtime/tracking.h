// runtime/tracking.h — vrrp_script trackers feeding instance priorities (reference §3.4, §4.5).
//
// One track::ScriptRunner runs every configured vrrp_script; each instance lists the scripts it
// tracks with the weight and direction that apply to it. When a script's health changes, the
// engine recomputes the contributions of the instances tracking it (track::PriorityTracker):
// a changed sum becomes Event::weights(total), a weight-0 failure track_fault / track_ok.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/model.h"
#include "track/contribution.h"

namespace vigil::runtime {

struct TrackedScript {
  std::size_t script = 0;   // index in the engine's ScriptRunner
  std::int32_t weight = 0;  // the track_script entry's weight, else the script's
  bool reverse = false;
};

// The instance's track_script entries resolved against the runner's script indexes (by name);
// entries naming a script that is not running are skipped.
std::vector<TrackedScript> tracked_scripts_of(const config::Config& cfg, const config::VrrpInstance& vi,
                                              const std::map<std::string, std::size_t>& index_by_name);

}  // namespace vigil::runtime
