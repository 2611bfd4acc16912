// runtime/rt_instance.h — one running VRRP instance: the pure state machine plus everything the
// engine keeps beside it (codec expectations, counters, timers, the kernel objects it uses).
//
// Built by instance_builder.h from the config model; owned by the Engine (heap-allocated, so
// the raw pointers the loop's callbacks capture stay valid for the instance's lifetime).
// Destroying it cancels its timers (TaskHandle) and removes its VMAC (net::Vmac).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/heap_optional.h"
#include "event/handle.h"
#include "net/garp.h"
#include "net/netlink_request.h"
#include "net/vmac.h"
#include "runtime/compact_vector.h"
#include "track/notifier.h"
#include "track/instance_tracking.h"
#include "track/priority.h"
#include "vrrp/instance.h"
#include "vrrp/packet.h"
#include "vrrp/sync_group.h"

namespace vigil::runtime {

class Channel;
struct RtSyncGroup;

// The keepalived.stats / JSON counters vigil can know on the send side and from the fsm.
struct TxCounters {
  std::uint64_t adverts_sent = 0;
  std::uint64_t priority_zero_sent = 0;
  std::uint64_t become_master = 0;
  std::uint64_t release_master = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t garps_sent = 0;  // GARPs + unsolicited NAs
};

// Reload matching key (reference §1.5): VRID, family, configured interface (RtInstance::ifname),
// unicast or not.
struct InstanceKey {
  std::uint8_t vrid = 0;
  vrrp::Family family = vrrp::Family::inet;
  bool unicast = false;
  friend bool operator==(const InstanceKey&, const InstanceKey&) = default;
};

// An instance's notify scripts (notify_setup.h). Most instances have none, and the scripts
// inline are 1.4 KB — 1.4 MB of the VRRP child at 1,000 instances — so they are allocated only
// when something is configured. Reads as a `const track::NotifyScripts&`.
class InstanceScripts {
 public:
  InstanceScripts() = default;
  InstanceScripts& operator=(track::NotifyScripts s) {
    const bool any = s.master || s.backup || s.fault || s.stop || s.deleted || s.generic ||
                     s.master_rx_lower_pri || s.priority_changes;
    if (any) {
      p_ = std::make_unique<track::NotifyScripts>(std::move(s));
    } else {
      p_.reset();
    }
    return *this;
  }
  operator const track::NotifyScripts&() const { return p_ ? *p_ : none(); }  // NOLINT: a view
  const track::NotifyScripts& get() const { return *this; }

 private:
  static const track::NotifyScripts& none() {
    static const track::NotifyScripts empty;
    return empty;
  }
  std::unique_ptr<track::NotifyScripts> p_;
};

// Per VIP / route / rule: tracked, i.e. not `no_track` (reference §4.10). Nearly every line is
// tracked, so nothing is stored unless one is not: [i] is true when the list is empty.
class TrackedFlags {
 public:
  bool operator[](std::size_t i) const { return flags_.empty() || flags_[i]; }
  // One flag per line, in order (the builder).
  void assign(CompactVector<bool> all) {
    const bool every = std::find(all.begin(), all.end(), false) == all.end();
    flags_ = every ? CompactVector<bool>() : std::move(all);
  }

 private:
  CompactVector<bool> flags_;
};

// An instance's loop timers, one per vrrp::Timer (cancelled when destroyed). master_down,
// advert and garp_delay run in every instance; the other four (GARP refresh, lower-priority
// GARP, startup delay, extra-interface GARP) only when configured, so their handles are
// allocated on first use: 56 bytes an instance instead of 112.
class InstanceTimers {
 public:
  event::TaskHandle& operator[](std::size_t i) {
    if (i < kInline) return inline_[i];
    if (!rare_) rare_ = std::make_unique<Rare>();
    return (*rare_)[i - kInline];
  }
  void cancel(std::size_t i) {
    if (i < kInline) {
      inline_[i].cancel();
    } else if (rare_) {
      (*rare_)[i - kInline].cancel();
    }
  }
  void cancel_all() {
    for (auto& h : inline_) h.cancel();
    if (rare_) {
      for (auto& h : *rare_) h.cancel();
    }
  }

 private:
  static constexpr std::size_t kInline = 3;
  static_assert(vrrp::index(vrrp::Timer::master_down) < kInline && vrrp::index(vrrp::Timer::advert) < kInline &&
                vrrp::index(vrrp::Timer::garp_delay) < kInline);
  using Rare = std::array<event::TaskHandle, vrrp::kTimerCount - kInline>;
  std::array<event::TaskHandle, kInline> inline_{};
  std::unique_ptr<Rare> rare_;
};

// Memory: 1,000 of these run in the VRRP child, so rare things live behind a pointer
// (config::HeapOptional, CompactVector: 8 bytes when absent or empty) and nothing is kept twice
// (the name and the state machine's config are the fsm's own).
struct RtInstance {
  explicit RtInstance(const vrrp::InstanceConfig& c) : fsm(c) {}
  RtInstance(const RtInstance&) = delete;
  RtInstance& operator=(const RtInstance&) = delete;

  vrrp::Instance fsm;                            // holds the InstanceConfig (fsm.config())
  const std::string& name = fsm.config().name;   // "VI_1" (follows a reload's new config)
  std::string ifname;                            // the configured interface
  InstanceKey key;
  net::Mac mac{};                                // source MAC of GARPs/NAs
  int base_ifindex = 0;                          // the configured interface (link state is watched here)
  int ifindex = 0;                               // where adverts, VIPs and GARPs go: the VMAC if any

  // Storage the codec's Expectations and AdvertFields view.
  CompactVector<vrrp::IpAddress> advert_vips;    // this family's VIPs, config order
  CompactVector<vrrp::UnicastPeer> peers;
  vrrp::Expectations expect;
  vrrp::AdvertFields advert;                     // priority set per send
  vrrp::IpAddress source;                        // advert source
  vrrp::IpAddress group;                         // multicast destination
  bool auto_source = true;                       // taken from the interface (no mcast/unicast_src_ip)
  bool has_source = true;                        // false: the interface has no usable address → FAULT
  std::uint8_t ttl = 255;                        // multicast 255, unicast: unicast_ttl
  std::uint16_t ip_id = 0;                       // IPv4 id, numbered from 1 like keepalived

  CompactVector<net::AddressSpec> vip_specs;     // VIPs + eVIPs, as netlink requests
  CompactVector<std::string> vip_devs;           // per vip_spec its own `dev`, "" none (empty: none has)
  TrackedFlags vip_tracked;                      // per vip_spec
  CompactVector<net::RouteSpec> route_specs;     // virtual_routes
  CompactVector<net::RuleSpec> rule_specs;       // virtual_rules
  TrackedFlags route_tracked, rule_tracked;      // per spec
  CompactVector<std::string> unsupported_lines;  // route lines not mapped (logged once)

  config::HeapOptional<track::InstanceTracking> tracking;  // track_* and its sync group's (tracking.h)
  InstanceScripts scripts;                       // notify_master … notify (notify_setup.h)
  RtSyncGroup* sync = nullptr;                   // its vrrp_sync_group, if any
  std::size_t sync_index = 0;                    // its member index there
  Channel* channel = nullptr;
  config::HeapOptional<net::Vmac> vmac;

  bool dont_track_primary = false;               // its own interface going down is ignored
  bool track_src_ip = false;                     // a configured source that vanishes → FAULT
  bool vips_installed = false;
  bool ipv6_router = false;                      // NA Router flag (forwarding on the interface)
  bool link_up = true;
  // The interface can carry VRRP: link up and a source address (reference §4.10); false → FAULT.
  // (dont_track_primary: the link state does not count.)
  bool usable() const { return (link_up || dont_track_primary) && has_source; }
  bool send_failing = false;                     // log a send error once until a send works
  bool garp_failing = false;                     // the same for GARPs/NAs
  bool stop_advert_sent = false;                 // stop_phase1 sent the priority-0 advert ahead
  bool removed = false;                          // left the config at a reload: stopping
  std::uint16_t garp_epoch = 0;                  // GarpPacer: frames of older epochs are dropped
  std::uint32_t garp_items = 0;                  // GarpPacer: frames of this instance in its queues
  // What only the dumps read (instance_settings.h); the rest they take from the fsm's config.
  bool promote_secondaries = false;
  bool strict_mode = false;
  std::uint16_t vip_lines = 0;                   // vip_specs: the virtual_ipaddress lines, then eVIPs
  std::uint32_t order = 0;                       // its place among the configured instances

  InstanceTimers timers;
  vrrp::RxCounters rx{};
  TxCounters tx{};
  std::chrono::system_clock::time_point last_transition{};
};

// keepalived's text for VIP i (vip_specs[i]): "10.0.0.1/24 dev eth0 scope global", made when a
// log line or a dump needs it (1,000 stored texts were ~80 KB). The dev is the VIP's own, else
// the interface it goes on (the VMAC if any), or with `configured_interface` the configured
// interface (the dumps, as keepalived prints them). instance_builder.cc.
std::string vip_text(const RtInstance& in, std::size_t i, bool configured_interface = false);

// A vrrp_sync_group: the pure group machine (vrrp/sync_group.h) and its running members.
struct RtSyncGroup {
  RtSyncGroup(std::string name, std::size_t count) : group(std::move(name), count) {}
  vrrp::SyncGroup group;
  std::vector<RtInstance*> members;
  track::NotifyScripts scripts;
};

}  // namespace vigil::runtime
