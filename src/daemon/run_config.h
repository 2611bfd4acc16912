// daemon/run_config.h — the part of a loaded keepalived.conf the process model works with.
//
// The daemon does not walk the full config model (config/model.h) everywhere: the loader
// (daemon/config_loader.h) digests it into this plain struct, and the parent, the child and the
// dump writers use only this. Everything here is a value; no pointers into the parse result.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace vigil::config {
struct Config;
}

namespace vigil::daemon {

enum class VrrpState : int { init = 0, backup = 1, master = 2, fault = 3 };
const char* to_string(VrrpState s);  // "INIT", "BACKUP", "MASTER", "FAULT"

struct InstanceConfig {
  std::string name;
  int vrid = 0;
  bool ipv6 = false;
  std::string interface;
  bool unicast = false;                       // has unicast peers
  VrrpState wanted = VrrpState::backup;        // `state MASTER|BACKUP` (keepalived's wantstate)
  int priority = 100;
  int version = 2;
  std::chrono::microseconds advert_int{std::chrono::seconds(1)};
  bool accept = true;
  bool nopreempt = false;
  std::chrono::microseconds preempt_delay{0};
  bool promote_secondaries = false;
  int garp_delay_s = 5, garp_repeat = 5, garp_refresh_s = 0, garp_refresh_repeat = 1;
  int garp_lower_prio_delay_s = 5, garp_lower_prio_repeat = 5;
  int down_timer_adverts = 3;
  bool lower_prio_no_advert = false, higher_prio_send_advert = false;
  bool dont_track_primary = false, skip_check_adv_addr = false, strict_mode = false;
  int auth_type = 0;  // 0 none, 1 PASS, 2 AH
  std::vector<std::string> vips;   // "10.9.9.9/24 dev eth0 scope global"
  std::vector<std::string> evips;

  // keepalived matches instances across a reload by what they are on the wire, not by name
  // (reference §1.5): VRID, family, configured interface, unicast or multicast.
  auto reload_key() const { return std::tie(vrid, ipv6, interface, unicast); }
};

struct RunConfig {
  std::vector<InstanceConfig> instances;
  std::string router_id;
  std::chrono::milliseconds child_wait_time{5000};
  int json_version = 1;
  // The whole parsed model, for the VRRP engine (runtime/engine.h); shared and immutable.
  std::shared_ptr<const config::Config> model;
};

}  // namespace vigil::daemon
