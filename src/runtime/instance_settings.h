// runtime/instance_settings.h — what the dump files show of an instance's configuration.
//
//   InstanceSettings s = settings_of(rt_instance);   // a running instance: from what it runs
//   InstanceSettings s = settings_of(model_entry);   // one that could not start: from the model
//
// The VRRP child used to keep a digest of every configured instance for its dumps (~0.3 KB
// each) beside the RtInstance that already holds the same values. The engine now answers from
// the instance itself (Engine::snapshot); the model entry is read only for the instances it
// does not run (their entries stay in the compacted model, model_slim.cc). The two mappings
// sit side by side in instance_settings.cc and must agree (runtime_instance_settings_test).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "config/model.h"

namespace vigil::runtime {

struct RtInstance;

struct InstanceSettings {
  std::string interface;                        // the configured interface
  int vrid = 0;
  int priority = 0;                             // configured (base) priority
  int version = 2;
  bool want_master = false;                     // `state MASTER`
  std::chrono::microseconds advert_int{};
  bool accept = true, nopreempt = false, promote_secondaries = false;
  std::chrono::microseconds preempt_delay{};
  std::chrono::microseconds garp_delay{}, garp_refresh{}, garp_lower_prio_delay{};
  std::uint32_t garp_repeat = 0, garp_refresh_repeat = 0, garp_lower_prio_repeat = 0;
  std::uint32_t down_timer_adverts = 3;
  bool lower_prio_no_advert = false, higher_prio_send_advert = false;
  bool dont_track_primary = false, skip_check_adv_addr = false, strict_mode = false;
  int auth_type = 0;                            // 0 none, 1 PASS, 2 AH
  std::vector<std::string> vips, evips;         // "10.0.0.1/24 dev eth0 scope global"
  friend bool operator==(const InstanceSettings&, const InstanceSettings&) = default;
};

InstanceSettings settings_of(const config::VrrpInstance& vi);
InstanceSettings settings_of(const RtInstance& in);

}  // namespace vigil::runtime
