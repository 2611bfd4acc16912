// runtime/tracking.h — every tracked object of the running config, feeding instance priorities
// (reference §3.4–3.6, §4.5, §4.13).
//
// Trackers owns the vrrp_script runner, the track_file watcher, the vrrp_track_process tracker
// and the link state of every tracked interface, and answers track::TrackedStates for the
// instances' track::InstanceTracking. A change of any of them is reported through `on_change`
// (kind, index); the engine recomputes the instances whose refs name it.
//
//   Trackers t(loop, spawner, log, [&](TrackedKind k, std::size_t i) { recompute_tracking_of(k, i); });
//   t.configure(cfg, nl);                      // start and every reload
//   auto refs = t.refs_of(cfg, vi, log);      // vi's track_* plus its sync group's
//   t.start();                                 // scripts' first runs, process scan
//   t.on_link(ifindex, up);                    // from the engine's link monitor
//
// Reload: a vrrp_script whose definition is unchanged keeps running with its state (same
// index); a changed or new one starts running; a removed one is retired. Files and processes
// are re-read from scratch (their state is the file's content / the process table).
// Sync groups (reference §4.5): without sync_group_tracking_weight, a member tracker whose
// weight comes from the tracked object's own definition is dropped (scripts, processes) or made
// weight 0 (files, interfaces), as keepalived does; explicit weights were zeroed by the config.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"
#include "event/loop.h"
#include "net/netlink.h"
#include "track/instance_tracking.h"
#include "track/process_tracker.h"
#include "track/script_runner.h"
#include "track/spawn.h"
#include "track/track_file.h"

namespace vigil::runtime {

struct TrackedInterface {
  std::string name;
  int ifindex = 0;  // 0: does not exist (down)
  bool up = false;
};

class Trackers final : public track::TrackedStates {
 public:
  using OnChange = std::function<void(track::TrackedKind, std::size_t)>;

  Trackers(event::Loop& loop, track::Spawner* spawner, track::LogFn log, OnChange on_change);
  ~Trackers() override;
  Trackers(const Trackers&) = delete;
  Trackers& operator=(const Trackers&) = delete;

  // Sets up (or, at a reload, brings up to date) every tracker `cfg` defines.
  void configure(const config::Config& cfg, net::Netlink& nl);
  // First runs of the scripts configured so far; the process tracker's first scan.
  void start();
  // A link event: updates a tracked interface, reports it. Returns whether one changed.
  bool on_link(int ifindex, bool up);

  // vi's tracking entries (and its sync group's, if any) resolved against the trackers.
  std::vector<track::TrackedRef> refs_of(const config::Config& cfg, const config::VrrpInstance& vi,
                                         const std::function<void(std::string_view)>& log_warning);

  track::Health interface_health(std::size_t i) const override;
  track::Health script_health(std::size_t i) const override;
  track::Health process_health(std::size_t i) const override;
  std::int64_t file_value(std::size_t i) const override;

  void set_spawner(track::Spawner* spawner) { spawner_ = spawner; }
  track::ScriptRunner* scripts() { return scripts_.get(); }
  track::ProcessTracker* processes() { return processes_.get(); }

 private:
  void configure_scripts(const config::Config& cfg);
  void configure_files(const config::Config& cfg);
  void configure_processes(const config::Config& cfg);
  std::size_t interface_index(const std::string& name, net::Netlink* nl);

  event::Loop& loop_;
  track::Spawner* spawner_;
  track::LogFn log_;
  OnChange on_change_;
  bool started_ = false;
  net::Netlink* nl_ = nullptr;  // for tracked interfaces first named at a reload

  std::unique_ptr<track::ScriptRunner> scripts_;
  struct ScriptSlot {
    std::size_t index = 0;
    std::string definition;  // what must match for a reload to keep it running
  };
  std::map<std::string, ScriptSlot, std::less<>> script_by_name_;
  std::unique_ptr<track::TrackFileWatcher> files_;
  std::map<std::string, std::size_t, std::less<>> file_by_name_;
  std::unique_ptr<track::ProcessTracker> processes_;
  std::map<std::string, std::size_t, std::less<>> process_by_name_;
  std::vector<TrackedInterface> interfaces_;
};

}  // namespace vigil::runtime
