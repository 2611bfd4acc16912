// daemon/runtime.h — what the VRRP child runs: the seam where the VRRP engine plugs in.
//
// The child process (daemon/child.h) owns the loop, signals and pidfile; everything VRRP goes
// through this interface:
//   start(cfg)        after the config is loaded (engine: open sockets, enter INIT → BACKUP/MASTER)
//   reload(cfg)       SIGHUP (engine: match instances old↔new by reload_key, keep state/stats)
//   stop_phase1()     SIGTERM (engine: priority-0 adverts, release VIPs, STOP notifies); returns
//                     how long to linger before phase 2 (keepalived: ~1 s for IGMP leaves)
//   stop_phase2()     after the linger (engine: delete VMACs, restore sysctls)
//   dump_data/stats/json, clear_stats: the SIGUSR1 / SIGUSR2 / STATS_CLEAR / JSON dumps.
//
// Implementations: EngineRuntime (daemon/engine_runtime.h, the real engine from src/runtime,
// written by the runtime side and what the child runs) and ConfigOnlyRuntime below — the
// configuration held as records (name, VRID, interface, configured state and priority) with the
// state INIT and zeroed counters: the protocol-free double the dump and reload tests use.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/run_config.h"

namespace vigil::daemon {

// keepalived's per-instance counters (the .stats file and the JSON "stats" object).
struct InstanceStats {
  std::uint64_t advert_rcvd = 0, advert_sent = 0, become_master = 0, release_master = 0;
  std::uint64_t packet_len_err = 0, advert_interval_err = 0, ip_ttl_err = 0;
  std::uint64_t invalid_type_rcvd = 0, addr_list_err = 0;
  std::uint64_t invalid_authtype = 0, authtype_mismatch = 0, auth_failure = 0;
  std::uint64_t pri_zero_rcvd = 0, pri_zero_sent = 0;
};

// One instance as the dumps show it.
struct InstanceRecord {
  InstanceConfig config;
  VrrpState state = VrrpState::init;
  int effective_priority = 0;
  int master_priority = 0;  // priority in the current master's adverts (our own while MASTER)
  std::chrono::microseconds master_adver_int{0};  // 0: not known yet, the configured one is shown
  bool vipset = false;      // the VIPs are installed (MASTER)
  std::chrono::system_clock::time_point last_transition{};
  InstanceStats stats;
};

class VrrpRuntime {
 public:
  virtual ~VrrpRuntime() = default;
  virtual void start(RunConfig cfg) = 0;
  // After start(): a configured interface does not exist (no dynamic_interfaces) → exit CONFIG.
  virtual bool missing_interface() const { return false; }
  virtual void reload(RunConfig cfg) = 0;
  // A moment after start() or reload(): let go of what only building the runtime needed.
  virtual void compact() {}
  virtual std::chrono::milliseconds stop_phase1() = 0;
  virtual void stop_phase2() = 0;
  virtual std::string dump_data() const = 0;
  virtual std::string dump_stats() const = 0;
  virtual std::optional<std::string> dump_json() const = 0;  // nullopt: no instances, no file
  virtual void clear_stats() = 0;
  virtual std::size_t instance_count() const = 0;
};

class ConfigOnlyRuntime final : public VrrpRuntime {
 public:
  // `now` stamps last_transition (the moment an instance entered INIT).
  explicit ConfigOnlyRuntime(std::chrono::system_clock::time_point (*now)() =
                                 &std::chrono::system_clock::now)
      : now_(now) {}

  void start(RunConfig cfg) override;
  void reload(RunConfig cfg) override;
  std::chrono::milliseconds stop_phase1() override { return std::chrono::milliseconds(0); }
  void stop_phase2() override {}
  std::string dump_data() const override;
  std::string dump_stats() const override;
  std::optional<std::string> dump_json() const override;
  void clear_stats() override;
  std::size_t instance_count() const override { return records_.size(); }

  const std::vector<InstanceRecord>& records() const { return records_; }

 private:
  std::chrono::system_clock::time_point (*now_)();
  RunConfig config_;
  std::vector<InstanceRecord> records_;
};

}  // namespace vigil::daemon
