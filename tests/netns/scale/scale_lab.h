// tests/netns/scale/scale_lab.h — many VRRP instances on two routers, measured from outside:
// the shared lab of bench/scale (issue 8's goal table) and the scale ctest.
//
//   ScaleLab lab("bsc", 4);                      // routers a, b with eth0..eth3, one bridge per ethN
//   Workload w{.instances = 1000, .interval_ms = 1000, .ifaces = 4};   // 250 VRIDs per interface
//   Daemon a(lab.node("a"), Daemon::Kind::vigil, scale_config(w, 150, "a"));
//   a.start();                                   // ip netns exec NS vigild -n -l -D -P -G ...
//   wait_until([&] { return lab.vip_count("a") == 1000; }, ...);
//   WireCapture cap(lab);                        // every VRRP advert crossing the bridge
//   auto g = cap.gaps(t0, t1);                   // per (interface, VRID) gaps between adverts
//   a.cpu_seconds(); a.rss_kb(); a.transitions();  // /proc and the JSON dump
//
// VRIDs are per interface, so 1,000 instances need several broadcast domains: each router gets
// `ifaces` interfaces eth<k> (10.(100+k).0.<n>/16), eth<k> of both routers on bridge br<k> of the
// switch namespace (this kernel has neither 802.1q nor bridge VLAN filtering, so one bridge per
// domain rather than VLANs on one bridge); instance (k, v) has VRID v on eth<k> and VIP
// 10.(100+k).1.<v>/16. All traffic stays in the namespaces.
// Processes are killed by PID and namespaces deleted on destruction (and by remove_stale_*).
#pragma once

#include <linux/if_packet.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "netns_harness.h"

namespace vigil::testing::scale {

struct Workload {
  int instances = 100;
  int interval_ms = 100;
  int ifaces = 4;  // interfaces (broadcast domains); instances are spread evenly (VRIDs 1..instances/ifaces on each)
  int per_iface() const { return (instances + ifaces - 1) / ifaces; }
};

// keepalived-syntax configuration of one router (priority: 150 master, 100 backup).
std::string scale_config(const Workload& w, int priority, const std::string& router_id);

class ScaleLab {
 public:
  ScaleLab(const std::string& prefix, int ifaces);
  const Topology::Node& node(const std::string& role) const { return topo_.node(role); }
  const std::string& bridge_ns() const { return topo_.bridge_ns(); }
  // VIPs (10.x.1.y) present on the router's eth<k> now, by rtnetlink dump.
  int vip_count(const std::string& role);
  int ifaces() const { return ifaces_; }
  // Removes every VIP from both routers (a kill -9 leaves them behind): call between runs.
  void flush_vips();

 private:
  Topology topo_;
  int ifaces_;
};

// VIPs (10.x.1.y) appearing and vanishing on one router, followed through rtnetlink address
// events (no polling dumps competing with the daemon for the CPU during a failover).
class VipWatch {
 public:
  VipWatch(ScaleLab& lab, const std::string& role);  // subscribes, then counts by one dump
  ~VipWatch();
  VipWatch(const VipWatch&) = delete;
  VipWatch& operator=(const VipWatch&) = delete;
  // Reads events until `count` VIPs are present; false after `timeout`.
  bool wait_for(int count, std::chrono::milliseconds timeout);
  int count() const { return static_cast<int>(present_.size()); }
  // When the first VIP appeared (steady clock), if one has since the watch began.
  std::optional<std::chrono::steady_clock::time_point> first_added() const { return first_added_; }

 private:
  void read_events(int timeout_ms);
  int fd_ = -1;
  std::set<std::uint32_t> present_;
  std::optional<std::chrono::steady_clock::time_point> first_added_;
};

// How the daemon's console output is consumed.
enum class LogSink { file, slow_pipe };  // slow_pipe: a reader that blocks 1 ms per line

class Daemon {
 public:
  enum class Kind { vigil, keepalived };
  Daemon(const Topology::Node& node, Kind kind, const std::string& config, LogSink sink = LogSink::file);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  void start();
  void term();   // SIGTERM to the parent
  void hup();    // SIGHUP to the parent
  void kill9();  // SIGKILL child then parent
  bool wait_exit(std::chrono::milliseconds timeout);
  bool ready();  // VRRP child up and handling signals
  pid_t parent() const { return pid_; }
  std::optional<pid_t> child() const;

  double cpu_seconds() const;  // utime + stime of parent + child
  long rss_kb() const;         // VmRSS of parent + child
  long parent_rss_kb() const;
  long child_rss_kb() const;
  // JSON dump (SIGRTMIN+2 → $TMPDIR/keepalived.json); nullopt after `timeout`.
  std::optional<nlohmann::json> json(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  struct States {
    int master = 0, backup = 0, other = 0;
    long transitions = 0;  // Σ become_master + release_master
  };
  std::optional<States> states();
  std::size_t log_lines() const { return lines_.load(); }
  std::string log_path() const { return dir_ + "/log"; }
  Kind kind() const { return kind_; }

 private:
  const Topology::Node& node_;
  Kind kind_;
  LogSink sink_;
  std::string dir_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int pipe_rd_ = -1;
  std::thread reader_;
  std::atomic<std::size_t> lines_{0};
};

// One advert seen on a bridge port (not the copies the bridge sends out).
struct Advert {
  std::int64_t t_ns;  // kernel receive time, CLOCK_REALTIME
  std::uint16_t iface;  // k of eth<k>
  std::uint8_t vrid;
  std::uint8_t priority;
  std::uint32_t source;
};

std::int64_t realtime_ns();

struct GapStats {
  std::size_t adverts = 0;  // priority > 0 adverts in the window
  std::size_t keys = 0;     // (interface, VRID) pairs seen
  double p99_ms = 0, max_ms = 0, median_ms = 0;
};

class WireCapture {
 public:
  explicit WireCapture(const ScaleLab& lab);  // starts capturing
  ~WireCapture();
  // Gaps between consecutive priority>0 adverts of each (interface, VRID) inside [t0, t1] (realtime ns).
  GapStats gaps(std::int64_t t0, std::int64_t t1) const;
  std::size_t dropped() const;  // kernel drops (PACKET_STATISTICS)
  // Priority-0 adverts (a master stopping) seen after t0: how many, first and last time.
  struct Span {
    std::size_t count = 0;
    std::int64_t first_ns = 0, last_ns = 0;
  };
  Span priority_zero_after(std::int64_t t0) const;
  // The first advert with `priority` of each (interface, VRID) after t0 (a takeover): how many
  // VRIDs, the earliest and the latest of those firsts.
  Span first_with_priority_after(std::uint8_t priority, std::int64_t t0) const;

 private:
  using Buffers = std::vector<std::array<std::uint8_t, 256>>;
  void run();
  void read_port(int fd, std::uint16_t iface, Buffers& bufs, Buffers& ctl, std::vector<sockaddr_ll>& from,
                 std::vector<iovec>& iov, std::vector<mmsghdr>& msgs, std::vector<Advert>& local);
  std::vector<int> fds_;     // one per bridge port
  std::vector<int> port_if_;  // k of the port's eth<k>
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<Advert> seen_;
  std::thread thread_;
  mutable std::size_t drops_ = 0;
  std::atomic<std::int64_t> read_until_{0};  // every frame up to this realtime has been read
  void catch_up() const;
};

double percentile(std::vector<double> v, double p);

}  // namespace vigil::testing::scale
