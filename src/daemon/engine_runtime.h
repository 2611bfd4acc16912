// daemon/engine_runtime.h — the VrrpRuntime the VRRP child runs: the real engine
// (runtime/engine.h) behind the daemon's seam (daemon/runtime.h).
//
//   EngineRuntime rt(loop, log);
//   rt.start(run_config);          // run_config.model: the full parsed config the engine needs
//
// The engine runs the protocol; this adapter turns its per-instance views (configuration order,
// running or not, with their settings) into the daemon's InstanceRecords so the dump formatters (daemon/dump_format.h) write the .data,
// .stats and .json files, and routes the engine's log lines into the daemon's Logger
// (debug-level lines only with -D, like keepalived's detailed logging).
#pragma once

#include "daemon/log.h"
#include "daemon/runtime.h"
#include "event/loop.h"
#include "runtime/engine.h"

namespace vigil::daemon {

class EngineRuntime final : public VrrpRuntime {
 public:
  EngineRuntime(event::Loop& loop, Logger& log);
  // -V: leave VIPs, virtual routes and rules in place when stopping.
  void keep_addresses_on_stop(bool keep) { engine_.keep_addresses_on_stop(keep); }
  bool missing_interface() const override { return engine_.missing_interface(); }

  void start(RunConfig cfg) override;
  void reload(RunConfig cfg) override;
  std::chrono::milliseconds stop_phase1() override { return engine_.stop_phase1(); }
  void stop_phase2() override { engine_.stop_phase2(); }
  std::string dump_data() const override;
  std::string dump_stats() const override;
  std::optional<std::string> dump_json() const override;
  void clear_stats() override { engine_.clear_stats(); }
  void compact() override { engine_.compact_model(); }
  std::size_t instance_count() const override { return instance_count_; }

 private:
  std::vector<InstanceRecord> records() const;
  void take(RunConfig cfg);  // keeps the settings, not the digested instance list


  Logger& log_;
  RunConfig config_;
  std::size_t instance_count_ = 0;
  runtime::Engine engine_;
};

}  // namespace vigil::daemon
