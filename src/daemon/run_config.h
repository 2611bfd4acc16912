// daemon/run_config.h — the part of a loaded keepalived.conf the process model works with.
//
// The daemon does not walk the full config model (config/model.h) everywhere: the loader
// (daemon/config_loader.h) digests it into this plain struct, and the parent, the child and the
// dump writers use only this. Everything here is a value; no pointers into the parse result.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
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

// Process-level settings from the file (reference §1.4, §1.5, §3.2): they name the pidfiles,
// syslog idents and dump files, and control reloads. Read even from a file with errors (the
// namespace must be entered before the file's interface names can be checked).
struct ProcessSettings {
  std::string net_namespace;     // top-level `net_namespace NAME` (-s beats it)
  std::string instance;          // top-level `instance NAME`
  bool use_pid_dir = false;      // top-level `use_pid_dir`
  std::string state_dump_file;   // global_defs: override the .data path (a file, or a directory)
  std::string stats_dump_file;   // … the .stats path
  std::string json_dump_file;    // … the .json path
  bool data_use_instance = false;  // `_<namespace>_<instance>` before the dump files' extension
  bool reload_check_config = false;  // `reload_check_config [LOG]`: test a new file in a child first
  std::string reload_check_log;      // its LOG ("" = /dev/null, as keepalived)
};

// The parts `instance NAME` and the network namespace (-s, or `net_namespace`) add to syslog
// idents, pidfile and dump file names. Fixed for the life of the daemon (a reload that would
// change them is refused, as keepalived refuses it).
struct ProcessNames {
  std::string net_namespace;
  std::string instance;
  bool empty() const { return net_namespace.empty() && instance.empty(); }
};

// The bytes of every file a configuration was read from, by the path it was opened with.
using FileTexts = std::map<std::string, std::string, std::less<>>;

struct RunConfig {
  std::vector<InstanceConfig> instances;
  std::string router_id;
  std::chrono::milliseconds child_wait_time{5000};
  int json_version = 1;
  ProcessSettings settings;
  // The whole parsed model, for the VRRP engine (runtime/engine.h); shared and immutable.
  std::shared_ptr<const config::Config> model;
  // The files it was read from: the snapshot a respawned child parses again (the parent holds
  // it in a memfd, daemon/child_link.h).
  std::shared_ptr<const FileTexts> files;
  bool has_instances = false;  // !instances.empty() when it was read
};

}  // namespace vigil::daemon
