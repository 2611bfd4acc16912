// tests/netns/vrrp/vrrp_lab.h — routers running real vigild (or keepalived) in the namespace
// topology of tests/netns/lib, observed the way an operator would: the JSON dump (SIGRTMIN+2 →
// $TMPDIR/keepalived.json) for states and priorities, the kernel's address list for VIPs.
//
//   Topology topo("vv", {"a", "b"});                       // declared first: removed last
//   Router a(topo.node("a"), Router::Kind::vigil, lab_config({.priority = 150}));
//   a.start();
//   ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, 5s));   // timeout derivation beside it
//   EXPECT_TRUE(a.owns("10.99.0.100"));
//   a.kill9();                                              // parent and VRRP child, SIGKILL
//
// Every router has its own temp dir (config, pidfiles, TMPDIR, log); the processes are killed
// by PID when the Router goes away.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "net/netlink.h"
#include "netns_harness.h"

namespace vigil::testing {

inline constexpr int kInit = 0, kBackup = 1, kMaster = 2, kFault = 3;

// One vrrp_instance VI_1 on eth0, VRRPv3 at `advert_ms` unless told otherwise.
struct LabInstance {
  int priority = 100;
  int vrid = 51;
  int version = 3;
  int advert_ms = 100;
  std::string vip = "10.99.0.100/24";
  std::string extra = "";           // more instance keywords, one per line
  std::string global_extra = "";    // more global_defs keywords
  std::string state = "BACKUP";
};
std::string lab_config(const LabInstance& li, const std::string& router_id = "lab");

class Router {
 public:
  enum class Kind { vigil, keepalived };
  Router(const Topology::Node& node, Kind kind, const std::string& config);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  void start();
  // SIGKILL the VRRP child, then the parent (so the parent can neither respawn nor forward).
  void kill9();
  // SIGTERM to the parent: graceful stop. Returns when the parent exited (or after `timeout`).
  bool stop(std::chrono::milliseconds timeout);
  // SIGTERM to the parent, without waiting.
  void term();
  bool running();
  // The daemon's exit code once it has exited on its own (nullopt: still running, or killed).
  std::optional<int> exit_code();
  // Started and handling its signals (safe to send the JSON dump signal).
  bool ready();
  void set_config(const std::string& config);
  void reload();  // SIGHUP to the parent

  // The JSON dump of the VRRP child (nullopt: no answer within 2 s — process start-up or death).
  std::optional<nlohmann::json> json();
  // State of instance `iname` from the JSON dump, or -1.
  int state(const std::string& iname = "VI_1");
  int effective_priority(const std::string& iname = "VI_1");
  // The VIP (address text without prefix) is on eth0 right now (netlink, no process spawned).
  bool owns(const std::string& vip);
  // The same on another interface of the router (e.g. a VMAC); false if it does not exist.
  bool owns_on(const std::string& vip, const std::string& ifname);
  // Runs `cmd` inside the router's namespace; its stdout.
  std::string exec(const std::string& cmd) const;
  std::string log() const;
  const Topology::Node& node() const { return node_; }
  const std::string& dir() const { return dir_; }

 private:
  std::optional<pid_t> pid_from(const std::string& file) const;
  const Topology::Node& node_;
  Kind kind_;
  std::string dir_;
  std::unique_ptr<ChildProcess> proc_;
  std::optional<net::Netlink> nl_;
  int eth0_ = 0;
  std::size_t log_offset_ = 0;  // where the current run's log lines start
};

// Milliseconds since `t0`.
inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace vigil::testing
