// runtime/engine.h — the VRRP engine: every configured instance running the protocol on real
// sockets, driven by the event loop.
//
//   event::Loop loop(clock);
//   runtime::Engine engine(loop, [&](vrrp::LogLevel l, std::string_view m) { log(l, m); });
//   engine.start(*config);                  // sockets, INIT → BACKUP (or FAULT), timers armed
//   loop.run();                             // adverts, elections, VIPs, GARPs happen here
//   engine.stop_phase1();                   // SIGTERM: masters send priority 0, release VIPs
//   engine.stop_phase2();                   // after the linger: VMACs go, sockets close
//
// Per instance (rt_instance.h): a vrrp::Instance (the pure state machine) whose actions this
// engine performs in order (engine_actions.cc) — send an advert (encoded into the instance's
// preallocated buffer; IPv4 with our own IP header), arm/cancel its timers (one loop timer per
// vrrp::Timer, retimed in place), add/remove VIPs through one netlink batch, GARP/NA bursts, the
// log lines in keepalived's wording, counters for the stats dumps, notify scripts and FIFOs
// (track::Notifier).
// Sockets (channel.h): one pair per (family, interface, unicast source / group), shared, read by
// a persistent read task, drained in batches, dispatched by VRID after the codec's checks.
// Interfaces (engine_monitor.cc): rtnetlink link and address events; the instance's interface
// going down or losing its last source address → FAULT, usable again → BACKUP; a VIP, virtual
// route or rule of a MASTER deleted by someone else → priority 0, back to MASTER after the skew
// time, everything re-added (reference §4.10; `no_track` entries are left alone).
// Reload: instances matched by (VRID, family, interface, unicast) keep their state and
// counters (reference §1.5); vanished ones stop as at shutdown, new ones start.
//
// Errors: an instance whose interface or sockets cannot be set up is logged and not run (the
// others run); a send or netlink failure is logged and counted, the protocol carries on.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"
#include "event/loop.h"
#include "net/netlink.h"
#include "net/netlink_monitor.h"
#include "net/netlink_worker.h"
#include "runtime/channel.h"
#include "runtime/garp_pacer.h"
#include "runtime/instance_settings.h"
#include "runtime/rt_instance.h"
#include "runtime/tracking.h"
#include "track/notifier.h"
#include "track/script_runner.h"
#include "track/spawn.h"

namespace vigil::runtime {

using LogFn = std::function<void(vrrp::LogLevel, std::string_view)>;
class KernelView;  // instance_builder.h
struct StaticSet;  // instance_builder.h

// One instance as the dumps need it.
struct InstanceView {
  std::string name;
  vrrp::State state = vrrp::State::init;
  vrrp::Priority base_priority{};
  vrrp::Priority effective_priority{};
  std::optional<vrrp::IpAddress> master_address{};
  vrrp::Priority master_priority{};
  std::chrono::microseconds master_adver_interval{};
  std::chrono::system_clock::time_point last_transition{};
  vrrp::RxCounters rx{};
  TxCounters tx{};
  bool running = false;  // false: it could not be set up (interface missing, socket error)
  InstanceSettings settings{};  // its configuration as the dumps show it
};

class Engine {
 public:
  Engine(event::Loop& loop, LogFn log,
         std::function<std::chrono::system_clock::time_point()> wall_clock = &std::chrono::system_clock::now);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void start(std::shared_ptr<const config::Config> cfg);
  void reload(std::shared_ptr<const config::Config> cfg);
  // Masters send priority 0 and drop their VIPs; every instance reaches STOP. Returns the linger.
  std::chrono::milliseconds stop_phase1();
  // -V (--dont-release-vrrp): stopping leaves VIPs, virtual routes and rules in place.
  void keep_addresses_on_stop(bool keep) { keep_on_stop_ = keep; }
  // Whether LogLevel::debug lines are wanted (-D): when not, they are not even formatted.
  void set_debug_logging(bool on) { debug_logging_ = on; }
  // A configured interface does not exist and `dynamic_interfaces` is off: keepalived's
  // "Non-existent interface specified in configuration", exit CONFIG (2).
  bool missing_interface() const { return missing_interface_; }
  void stop_phase2();

  // Memory: once the instances run, keep only the part of the model still read (model_slim.cc).
  void compact_model();

  // Every configured instance, in configuration order (running or not).
  std::vector<InstanceView> snapshot() const;
  void clear_stats();

 private:
  // Setup (engine.cc)
  void add_instance(const config::VrrpInstance& vi, KernelView& kv);
  static vrrp::Duration advert_phase(std::size_t index, vrrp::Duration interval);
  Channel* channel_for(RtInstance& in);
  void release_channel(RtInstance& in);
  void startup(RtInstance& in);
  void retire(RtInstance& in);
  void apply_reload_diff(RtInstance& in, const RtInstance& fresh);  // engine_reload.cc

  // The state machine's actions (engine_actions.cc)
  void step(RtInstance& in, const vrrp::Event& ev);
  void step(RtInstance& in, const vrrp::Event& ev, vrrp::TimePoint at);  // `ev` happened at `at`
  // Both clocks, read once per receive pass (engine_monitor.cc arrival_of).
  struct RxNow {
    vrrp::TimePoint mono;
    std::int64_t wall_ns;
  };
  RxNow rx_now() const;
  vrrp::TimePoint arrival_of(const net::RecvPacket& p, const RxNow& now) const;
  void perform(RtInstance& in, const vrrp::Action& a);
  void arm(RtInstance& in, vrrp::Timer t, vrrp::TimePoint deadline);
  void send_advert(RtInstance& in, vrrp::Priority p);
  void change_vips(RtInstance& in, bool install);
  void change_routes(RtInstance& in, bool install, bool rules);
  void flush_netlink();  // sends the queued VIP/route/rule changes and waits for them (engine_netlink.cc)
  void submit_netlink();  // sends them (to the netlink worker) without waiting
  void netlink_queued();  // after change_vips/change_routes queued changes
  void open_netlink_worker();
  void on_netlink_done();
  void send_garps(RtInstance& in, std::uint32_t count);  // engine_garp.cc
  void submit_garps(RtInstance& in, std::uint32_t count);  // now: its VIPs are in place
  void send_garp_batch(int ifindex, std::span<const GarpPacer::Item> items);
  void configure_garp_pacing();
  void forget_garps(RtInstance& in);
  void run_deferred_garps();
  void release_settled_garps();
  void on_state_changed(RtInstance& in, const vrrp::Action& a);
  void on_timer(RtInstance& in, vrrp::Timer t);
  void notify(RtInstance& in, const vrrp::Action& a);

  // Tracking and sync groups (engine_tracking.cc)
  void open_notifier();
  bool ensure_spawner();
  void open_scripts();  // (re)configures the trackers (tracking.h) for config_
  void on_tracker(track::TrackedKind kind, std::size_t index);
  void track_link(int ifindex, bool up);
  void fifo_states_after_reload();  // fifo_write_vrrp_states_on_reload
  void track_source(const net::AddressEvent& ev);  // track_src_ip
  bool source_present(const RtInstance& in);
  void recompute_priority(RtInstance& in, bool at_startup);
  void rebuild_sync_groups();
  void run_sync(RtSyncGroup& g, const std::vector<vrrp::SyncAction>& actions);
  void attach_tracking(RtInstance& in, const config::VrrpInstance& vi);

  // Packets and interfaces (engine_monitor.cc)
  void watch_channel(Channel& ch);  // the persistent read task
  void on_readable(Channel& ch);
  void on_rx_hold();  // the next read of a burst, every channel at once
  void on_packet(Channel& ch, const net::RecvPacket& p, const RxNow& now);
  void open_monitor();
  void on_monitor();
  void on_link(int ifindex, bool up);            // debounced by interface_up_down_delays
  void apply_link(int ifindex, bool up);
  event::Duration link_delay(int ifindex, bool up) const;
  bool waits_for_interface(const config::VrrpInstance& vi, KernelView& kv);
  void on_new_link(const net::LinkEvent& link);  // dynamic_interfaces: a waiting instance starts
  void apply_statics(StaticSet next);            // engine_statics.cc
  void restore_static_address(const net::AddressEvent& ev);
  void restore_static_route(const net::RouteEvent& ev);
  void restore_static_rule(const net::RuleEvent& ev);
  void on_address(const net::AddressEvent& ev);
  void on_route(const net::RouteEvent& ev);
  void on_rule(const net::RuleEvent& ev);
  bool monitor_needs_reopen() const;
  void refresh_source(RtInstance& in, const std::optional<vrrp::IpAddress>& found);
  void set_usable(RtInstance& in, bool was_usable);
  void log(vrrp::LogLevel level, std::string_view message) const;

  event::Loop& loop_;
  LogFn log_;
  std::function<std::chrono::system_clock::time_point()> wall_clock_;
  std::shared_ptr<const config::Config> config_;
  std::optional<net::Netlink> nl_;
  std::optional<net::NetlinkMonitor> monitor_;
  net::MonitorGroups monitor_groups_{};  // what monitor_ subscribed to
  event::TaskHandle monitor_task_;
  std::unique_ptr<track::Spawner> spawner_;    // notify scripts (only when some are configured)
  std::unique_ptr<track::Notifier> notifier_;
  std::string notifier_settings_;  // FIFOs and FIFO scripts notifier_ was opened with
  std::unique_ptr<Trackers> trackers_;         // scripts, files, processes, interfaces (tracking.h)
  std::vector<std::unique_ptr<RtInstance>> instances_;
  std::vector<std::string> failed_;  // configured instances that could not be set up
  std::vector<std::unique_ptr<Channel>> channels_;
  std::vector<std::unique_ptr<RtSyncGroup>> sync_groups_;
  std::vector<std::unique_ptr<RtInstance>> stopping_;  // left the config: kept until stop_phase2
  // GARP bursts waiting for the queued netlink batch that installs their VIPs (sent right
  // after it: advert, then VIPs, then GARPs — reference §4.4).
  std::vector<std::pair<RtInstance*, std::uint32_t>> deferred_garps_;
  // GARP bursts whose VIPs are in, held until no VIP batch has been in flight for kGarpSettle:
  // a takeover wave (Master_Down timers firing a few at a time) first, then its frames
  // (engine_netlink.cc on_netlink_done).
  static constexpr std::chrono::milliseconds kGarpSettle{2};
  std::vector<std::pair<RtInstance*, std::uint32_t>> settling_garps_;
  event::TaskHandle garp_settle_;
  GarpPacer garp_pacer_{loop_, [this](int ifindex, std::span<const GarpPacer::Item> items) {
                          send_garp_batch(ifindex, items);
                        }};
  std::map<int, net::GarpSender> garp_sockets_;  // one send-only packet socket per interface
  std::array<std::uint8_t, vrrp::kIpv4HeaderSize + vrrp::kMaxMessageSize> txbuf_{};
  // Netlink changes queued by change_vips/change_routes in this loop pass, flushed together by
  // a zero-delay task (a mass failover: one batch, not one round trip per instance).
  struct NlChange {
    RtInstance* in;
    enum class What : std::uint8_t { vip, route, rule } what;
    std::uint32_t index;  // into vip_specs / route_specs / rule_specs
    bool install;
  };
  std::vector<NlChange> nl_changes_;
  bool own_adds_filtered_ = false;  // the monitor drops our own RTM_NEWADDR echoes (open_monitor)
  bool rebuilding_ = false;         // reload(): instances_ has gaps (moved to the new list)
  std::optional<net::NetlinkBatch> nl_batch_;
  event::TaskHandle nl_flush_;
  // Batches handed to the netlink worker thread, oldest first, with the GARP bursts waiting for
  // them (engine_netlink.cc). Without a worker the batches are committed in line.
  struct NlJob {
    std::vector<NlChange> changes;
    std::vector<std::pair<RtInstance*, std::uint32_t>> garps;
  };
  std::unique_ptr<net::NetlinkWorker> nl_worker_;
  event::TaskHandle nl_worker_task_;
  std::deque<NlJob> nl_jobs_;
  void finish_netlink(const std::vector<NlChange>& changes, const net::Result<std::vector<net::Status>>& results);
  // Multicast adverts encoded in this loop pass, sent per channel with sendmmsg by a zero-delay
  // task (1,000 instances falling due together: a few syscalls, not 1,000). Bounded: a full
  // queue is sent at once.
  void flush_adverts();
  struct TxQueued {
    RtInstance* in;
    Channel* ch;
    std::uint32_t offset, len;  // into tx_arena_
    bool stop;                  // priority 0
  };
  std::vector<TxQueued> tx_queue_;
  std::vector<std::uint8_t> tx_arena_;
  std::vector<net::VrrpSender::Packet> tx_packets_;  // reused by flush_adverts
  std::vector<net::Status> tx_results_;
  std::vector<std::size_t> tx_group_;  // indices into tx_queue_ of one channel
  event::TaskHandle tx_flush_;
  // Receive coalescing (engine_monitor.cc): while a burst is read, on rx_hold_ every kRxHold.
  static constexpr std::chrono::microseconds kRxHold{1000};
  event::TaskHandle rx_hold_;
  event::TimePoint rx_last_read_{};
  bool stopped_ = false;
  bool missing_interface_ = false;
  std::unique_ptr<StaticSet> statics_;  // static_ipaddress/routes/rules in force
  std::vector<std::string> waiting_;  // instances waiting for their interface (dynamic_interfaces)
  // compact_model: config_->vrrp_instances[i] was entry model_order_[i] of the configuration
  // (empty: config_ is the whole configuration).
  std::vector<std::uint32_t> model_order_;
  std::uint32_t order_of(const config::VrrpInstance& vi) const;
  struct LinkDebounce {               // interface_up_down_delays (engine_monitor.cc)
    bool known = false;
    bool applied_up = true;           // the state the instances were last told
    event::TaskHandle timer;          // pending change, applied if it lasts the delay
  };
  std::map<int, LinkDebounce> debounce_;
  bool keep_on_stop_ = false;
  bool debug_logging_ = true;
};

}  // namespace vigil::runtime
