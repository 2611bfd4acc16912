#include "runtime/tracking.h"

namespace vigil::runtime {

std::vector<TrackedScript> tracked_scripts_of(const config::Config& cfg, const config::VrrpInstance& vi,
                                              const std::map<std::string, std::size_t>& index_by_name) {
  std::vector<TrackedScript> out;
  for (const auto& ref : vi.track_script) {
    auto it = index_by_name.find(ref.name);
    const config::VrrpScript* script = cfg.find_script(ref.name);
    if (it == index_by_name.end() || script == nullptr) continue;
    out.push_back(TrackedScript{.script = it->second,
                                .weight = ref.weight.value_or(*script->weight),
                                .reverse = ref.reverse || *script->weight_reverse});
  }
  return out;
}

}  // namespace vigil::runtime
