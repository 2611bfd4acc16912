// Engine::compact_model — the running engine's configuration without the instances it runs.
//
// The engine builds its instances (rt_instance.h) from config::Config at start and at each reload;
// after that it reads the global settings, scripts, groups and statics, and an instance's entry
// only while the instance does not run: it waits for its interface (dynamic_interfaces), or it
// could not be set up (the dumps show its configuration, instance_settings.h). The instance
// entries are the bulk of the model (~3 KB each: 3 MB of the VRRP child at 1,000 instances), so
// once the instances run the engine keeps a copy of the model holding only those that do not,
// and where each was in the configuration (model_order_: the dumps keep configuration order). Nothing keeps
// pointers into a model past a reload (the reload replaces it the same way), so the swap is safe.
#include <algorithm>
#include <cstdint>
#include <memory>

#include "runtime/engine.h"

namespace vigil::runtime {

namespace {

std::shared_ptr<const config::Config> without_running_instances(const config::Config& full,
                                                                const std::vector<std::string>& not_running,
                                                                std::vector<std::uint32_t>& order) {
  // Every member, by structured binding: a member added to config::Config stops this compiling
  // rather than being left out of the engine's copy.
  const auto& [global_defs, vrrp_instances, vrrp_scripts, track_files, track_processes, sync_groups,
               garp_groups, static_ipaddress, static_routes, static_rules, net_namespace,
               net_namespace_ipvs, instance, namespace_with_ipsets, use_pid_dir, linkbeat_use_polling,
               child_wait_time, linkbeat_interfaces, interface_up_down_delays, track_groups,
               unsupported_blocks, checker_scripts] = full;
  std::vector<config::VrrpInstance> kept;
  order.clear();
  for (std::size_t i = 0; i < vrrp_instances.size(); ++i) {
    const auto& vi = vrrp_instances[i];
    if (std::find(not_running.begin(), not_running.end(), vi.name) == not_running.end()) continue;
    kept.push_back(vi);
    order.push_back(static_cast<std::uint32_t>(i));
  }
  return std::make_shared<const config::Config>(config::Config{
      global_defs, std::move(kept), vrrp_scripts, track_files, track_processes, sync_groups, garp_groups,
      static_ipaddress, static_routes, static_rules, net_namespace, net_namespace_ipvs, instance,
      namespace_with_ipsets, use_pid_dir, linkbeat_use_polling, child_wait_time, linkbeat_interfaces,
      interface_up_down_delays, track_groups, {}, {}});
}

}  // namespace

void Engine::compact_model() {
  // failed_ holds the waiting instances too. Compacted once per configuration: model_order_
  // maps the kept entries back to their places in it.
  if (!config_ || !model_order_.empty() || config_->vrrp_instances.size() <= failed_.size()) return;
  std::vector<std::uint32_t> order;
  auto slim = without_running_instances(*config_, failed_, order);
  config_ = std::move(slim);
  model_order_ = std::move(order);
}

}  // namespace vigil::runtime
