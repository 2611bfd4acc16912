// Engine::compact_model — the running engine's configuration without the instances it runs.
//
// The engine builds its instances (rt_instance.h) from config::Config at start and at each reload;
// after that it reads the global settings, scripts, groups and statics, and an instance's entry
// only while the instance waits for its interface (dynamic_interfaces). The instance entries are
// the bulk of the model (~3 KB each: 3 MB of the VRRP child at 1,000 instances), so once the
// instances run the engine keeps a copy of the model holding only the waiting ones. Nothing keeps
// pointers into a model past a reload (the reload replaces it the same way), so the swap is safe.
#include <algorithm>
#include <memory>

#include "runtime/engine.h"

namespace vigil::runtime {

namespace {

std::shared_ptr<const config::Config> without_running_instances(const config::Config& full,
                                                                const std::vector<std::string>& waiting) {
  // Every member, by structured binding: a member added to config::Config stops this compiling
  // rather than being left out of the engine's copy.
  const auto& [global_defs, vrrp_instances, vrrp_scripts, track_files, track_processes, sync_groups,
               garp_groups, static_ipaddress, static_routes, static_rules, net_namespace,
               net_namespace_ipvs, instance, namespace_with_ipsets, use_pid_dir, linkbeat_use_polling,
               child_wait_time, linkbeat_interfaces, interface_up_down_delays, track_groups,
               unsupported_blocks, checker_scripts] = full;
  std::vector<config::VrrpInstance> kept;
  for (const auto& vi : vrrp_instances) {
    if (std::find(waiting.begin(), waiting.end(), vi.name) != waiting.end()) kept.push_back(vi);
  }
  return std::make_shared<const config::Config>(config::Config{
      global_defs, std::move(kept), vrrp_scripts, track_files, track_processes, sync_groups, garp_groups,
      static_ipaddress, static_routes, static_rules, net_namespace, net_namespace_ipvs, instance,
      namespace_with_ipsets, use_pid_dir, linkbeat_use_polling, child_wait_time, linkbeat_interfaces,
      interface_up_down_delays, track_groups, {}, {}});
}

}  // namespace

void Engine::compact_model() {
  if (!config_ || config_->vrrp_instances.size() <= waiting_.size()) return;
  config_ = without_running_instances(*config_, waiting_);
}

}  // namespace vigil::runtime
