// track/process_tracker.h — `vrrp_track_process` on the event loop (reference §3.5).
//
// Two ways to learn about processes, chosen at run time:
//  * the kernel proc connector (netlink NETLINK_CONNECTOR, group CN_IDX_PROC): fork / exec /
//    comm / exit events as they happen. Needs CAP_NET_ADMIN and a kernel with CONFIG_PROC_EVENTS;
//    the kernel answers our LISTEN request with an acknowledgement, and only once it has arrived
//    (within `probe_timeout`) is the connector trusted. Lost events (ENOBUFS) → full rescan.
//  * a /proc scan every `scan_interval`, when the connector is unavailable.
// Either way start() first scans /proc once, so counts are right from the beginning.
//
// A change of quorum is reported after fork_delay (gained) or terminate_delay (lost) if it still
// holds then, with keepalived's line "Quorum gained|lost for tracked process X".
//
//   ProcessTracker procs(loop, log, [&](std::size_t i, Health h) { recompute(); });
//   procs.add({.name = "haproxy", .process = "haproxy", .quorum = 1});
//   procs.start();
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "event/loop.h"
#include "net/fd.h"
#include "track/contribution.h"
#include "track/log.h"
#include "track/process_match.h"

namespace vigil::track {

struct ProcessTrackerOptions {
  bool use_connector = true;                            // false: /proc scans only
  event::Duration scan_interval = std::chrono::seconds(1);
  event::Duration probe_timeout = std::chrono::seconds(1);
  std::string proc_root = "/proc";
};

class ProcessTracker {
 public:
  enum class Mode : std::uint8_t { stopped, probing, connector, scan };
  using OnChange = std::function<void(std::size_t index, Health health)>;

  ProcessTracker(event::Loop& loop, LogFn log, OnChange on_change,
                 ProcessTrackerOptions options = {});
  ProcessTracker(const ProcessTracker&) = delete;
  ProcessTracker& operator=(const ProcessTracker&) = delete;

  std::size_t add(TrackProcessConfig config);
  void start();

  Mode mode() const { return mode_; }
  std::uint32_t count(std::size_t i) const { return trackers_.at(i).count; }
  Health health(std::size_t i) const;
  std::uint64_t rescans() const { return rescans_; }

 private:
  struct Tracker {
    TrackProcessConfig config{};
    std::uint32_t count = 0;
    bool reported_up = false;
    bool known = false;  // reported once
    event::TaskHandle delay{};
  };

  bool open_connector();
  void on_connector_readable(const event::Fired& f);
  void on_probe_timeout();
  void schedule_scan();
  void rescan();
  void refresh_pid(pid_t pid);  // re-read one process and update counts
  void forget_pid(pid_t pid);
  std::vector<std::uint32_t> match(pid_t pid) const;
  void adjust(const std::vector<std::uint32_t>& before, const std::vector<std::uint32_t>& after);
  void evaluate(std::size_t i, bool immediate);
  void report(std::size_t i);

  event::Loop& loop_;
  LogFn log_;
  OnChange on_change_;
  ProcessTrackerOptions options_;
  std::vector<Tracker> trackers_;
  std::unordered_map<pid_t, std::vector<std::uint32_t>> matched_;  // pid → tracker indexes
  bool need_cmdline_ = false;
  Mode mode_ = Mode::stopped;
  net::Fd nl_;
  event::TaskHandle nl_watch_;
  event::TaskHandle scan_timer_;
  std::uint64_t rescans_ = 0;
};

}  // namespace vigil::track
