#include "runtime/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <string_view>
#include <tuple>

#include "runtime/instance_builder.h"
#include "runtime/notify_setup.h"

namespace vigil::runtime {

using event::Fired;

Engine::Engine(event::Loop& loop, LogFn log,
               std::function<std::chrono::system_clock::time_point()> wall_clock)
    : loop_(loop), log_(std::move(log)), wall_clock_(std::move(wall_clock)) {}

Engine::~Engine() {
  // Timers and read tasks are cancelled by their handles; VMACs removed by net::Vmac.
  flush_adverts();
  flush_netlink();
  for (auto& in : instances_) release_channel(*in);
}

void Engine::log(vrrp::LogLevel level, std::string_view message) const {
  if (log_) log_(level, message);
}

void Engine::start(std::shared_ptr<const config::Config> cfg) {
  config_ = std::move(cfg);
  auto nl = net::Netlink::open();
  if (!nl) {
    log(vrrp::LogLevel::error, fmt::format("Netlink command channel: {}", nl.error().str()));
    return;
  }
  nl_.emplace(std::move(*nl));
  open_netlink_worker();
  open_monitor();
  open_notifier();
  open_scripts();
  KernelView kv(*nl_);
  for (const auto& vi : config_->vrrp_instances) add_instance(vi, kv);
  rebuild_sync_groups();
  configure_garp_pacing();
  if (auto st = build_statics(*config_, kv)) apply_statics(std::move(*st));
  if (trackers_) trackers_->start();  // first /proc scan now; scripts' first runs are timers
  for (auto& in : instances_) startup(*in);
}

// An instance whose interface does not exist (reference §4.10): with `dynamic_interfaces` it
// waits for the interface (engine_monitor.cc starts it when the link appears); without, it is
// keepalived's fatal configuration error (the child exits CONFIG, see missing_interface()).
bool Engine::waits_for_interface(const config::VrrpInstance& vi, KernelView& kv) {
  if (kv.link(*vi.interface)) return false;
  if (*config_->global_defs.dynamic_interfaces) {
    log(vrrp::LogLevel::info, fmt::format("({}) interface {} does not exist yet - waiting for it", vi.name,
                                          *vi.interface));
    waiting_.push_back(vi.name);
    failed_.push_back(vi.name);
    return true;
  }
  log(vrrp::LogLevel::error, fmt::format("({}) Non-existent interface specified in configuration: {}", vi.name,
                                         *vi.interface));
  missing_interface_ = true;
  return false;
}

void Engine::add_instance(const config::VrrpInstance& vi, KernelView& kv) {
  auto built = build_instance(*config_, vi, kv);
  if (!built) {
    if (built.error().code == ENODEV && waits_for_interface(vi, kv)) return;
    log(vrrp::LogLevel::error, fmt::format("({}) cannot be started: {}", vi.name, built.error().str()));
    failed_.push_back(vi.name);
    return;
  }
  RtInstance& in = **built;
  in.order = order_of(vi);
  in.scripts = notify_scripts_of(*config_, vi, [this](std::string_view m) { log(vrrp::LogLevel::error, m); });
  attach_tracking(in, vi);
  if (channel_for(in) == nullptr) {
    failed_.push_back(vi.name);
    return;
  }
  in.last_transition = wall_clock_();
  in.fsm.set_advert_offset(advert_phase(instances_.size(), in.fsm.config().advert_interval));
  instances_.push_back(std::move(*built));
}

// Instances that become MASTER together (start, failover) would otherwise send every later
// advert in one burst: 1,000 adverts keep the sender busy for several ms, and an advert's place
// in that burst — so the gap since the instance's previous one — moves with whatever else the
// CPU does meanwhile. Taken in blocks of kPhaseBlock in configuration order, block k sends its
// advert after becoming MASTER k × interval/64 early (k = 0..7: at most 11 % of an interval,
// once), and keeps that phase. Up to kPhaseBlock instances share one wake-up per interval.
vrrp::Duration Engine::advert_phase(std::size_t index, vrrp::Duration interval) {
  constexpr std::size_t kPhaseBlock = 128, kPhases = 8;
  return static_cast<std::int64_t>(index / kPhaseBlock % kPhases) * (interval / 64);
}

Channel* Engine::channel_for(RtInstance& in) {
  ChannelKey key{.family = in.key.family,
                 .send_ifindex = in.ifindex,
                 .recv_ifindex = in.base_ifindex,
                 .group = in.group};
  if (!in.peers.empty()) key.unicast_source = in.source;
  if (in.key.family == vrrp::Family::inet6 && in.has_source) key.source6 = in.source;
  Channel* ch = nullptr;
  for (auto& c : channels_) {
    if (c->key() == key) ch = c.get();
  }
  if (ch == nullptr) {
    auto opened = Channel::open(key);
    if (!opened) {
      log(vrrp::LogLevel::error, fmt::format("({}) cannot open VRRP sockets: {}", in.name, opened.error().str()));
      return nullptr;
    }
    ch = opened->get();
    watch_channel(*ch);
    channels_.push_back(std::move(*opened));
  }
  if (!ch->attach(in)) {
    log(vrrp::LogLevel::error, fmt::format("({}) VRID {} is already used on {} - instance not started",
                                           in.name, in.key.vrid, in.ifname));
    return nullptr;
  }
  return ch;
}

void Engine::release_channel(RtInstance& in) {
  Channel* ch = in.channel;
  if (ch == nullptr) return;
  ch->detach(in);
  if (!ch->empty()) return;
  if (!tx_queue_.empty()) flush_adverts();  // nothing queued may outlive its channel
  std::erase_if(channels_, [ch](const std::unique_ptr<Channel>& c) { return c.get() == ch; });
}

void Engine::startup(RtInstance& in) {
  if (!in.has_source) {
    log(vrrp::LogLevel::info, fmt::format("({}) entering FAULT state (no {} address for interface)", in.name,
                                          in.key.family == vrrp::Family::inet ? "IPv4" : "IPv6 link-local"));
  }
  if (!in.usable()) step(in, vrrp::Event::of(vrrp::EventKind::interface_down));
  recompute_priority(in, true);
  step(in, vrrp::Event::of(vrrp::EventKind::startup));
}

void Engine::retire(RtInstance& in) {
  forget_garps(in);
  garp_pacer_.purge(in);  // the instance may be destroyed after this
  step(in, vrrp::Event::of(vrrp::EventKind::shutdown));
  in.timers.cancel_all();
  if (in.vips_installed) change_vips(in, false);
  release_channel(in);
}

void Engine::reload(std::shared_ptr<const config::Config> cfg) {
  auto old_config = config_;  // the old instances' Expectations view nothing in it, but keep it alive
  config_ = std::move(cfg);
  if (!nl_) return;
  flush_adverts();
  flush_netlink();  // queued changes first: the reload diff below talks to the kernel directly
  if (monitor_needs_reopen()) open_monitor();
  open_notifier();  // FIFOs reopened when their settings changed
  open_scripts();
  failed_.clear();
  waiting_.clear();
  model_order_.clear();  // config_ is the whole new configuration
  std::vector<std::unique_ptr<RtInstance>> next;
  rebuilding_ = true;
  KernelView kv(*nl_);
  // The running instances by reload key: matching 1,000 instances is not 500,000 comparisons.
  using KeyView = std::tuple<std::uint8_t, vrrp::Family, std::string_view, bool>;
  auto key_view = [](const RtInstance& in) { return KeyView{in.key.vrid, in.key.family, in.ifname, in.key.unicast}; };
  std::map<KeyView, std::size_t> running;
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    if (instances_[i]) running.emplace(key_view(*instances_[i]), i);
  }
  for (const auto& vi : config_->vrrp_instances) {
    auto built = build_instance(*config_, vi, kv);
    if (!built) {
      if (built.error().code == ENODEV && waits_for_interface(vi, kv)) continue;
      log(vrrp::LogLevel::error, fmt::format("({}) cannot be started: {}", vi.name, built.error().str()));
      failed_.push_back(vi.name);
      continue;
    }
    (*built)->scripts = notify_scripts_of(*config_, vi, [this](std::string_view m) { log(vrrp::LogLevel::error, m); });
    attach_tracking(**built, vi);
    (*built)->order = order_of(vi);
    auto found = running.find(key_view(**built));
    if (found == running.end()) {
      next.push_back(std::move(*built));
      continue;
    }
    auto same = instances_.begin() + static_cast<std::ptrdiff_t>(found->second);
    running.erase(found);
    // Same virtual router: keep the running object (state, timers, counters, socket) and give
    // it the new settings.
    RtInstance& in = **same;
    RtInstance& fresh = **built;
    apply_reload_diff(in, fresh);
    in.advert_vips = std::move(fresh.advert_vips);
    in.peers = std::move(fresh.peers);
    in.expect = fresh.expect;
    in.expect.vips = in.advert_vips;
    in.expect.peers = in.peers;
    in.advert = fresh.advert;
    in.advert.addresses = in.advert_vips;
    in.vip_specs = std::move(fresh.vip_specs);
    in.vip_devs = std::move(fresh.vip_devs);
    in.vip_tracked = std::move(fresh.vip_tracked);
    in.route_specs = std::move(fresh.route_specs);
    in.rule_specs = std::move(fresh.rule_specs);
    in.route_tracked = std::move(fresh.route_tracked);
    in.rule_tracked = std::move(fresh.rule_tracked);
    in.unsupported_lines = std::move(fresh.unsupported_lines);
    in.promote_secondaries = fresh.promote_secondaries;
    in.strict_mode = fresh.strict_mode;
    in.vip_lines = fresh.vip_lines;
    in.order = fresh.order;
    in.ttl = fresh.ttl;
    in.scripts = std::move(fresh.scripts);
    attach_tracking(in, vi);
    step(in, vrrp::Event::reload_with(fresh.fsm.config()));  // the name too (RtInstance::name)
    if (in.fsm.state() == vrrp::State::master && !in.vips_installed) change_vips(in, true);
    recompute_priority(in, false);  // its trackers may have changed with the config
    next.push_back(std::move(*same));
  }
  for (auto& old : instances_) {
    if (old) {
      old->removed = true;  // its notifies say DELETED (reference §5.5)
      retire(*old);
      stopping_.push_back(std::move(old));
    }
  }
  flush_adverts();
  flush_netlink();  // before any instance object can go away
  instances_ = std::move(next);
  rebuilding_ = false;
  if (auto st = build_statics(*config_, kv)) apply_statics(std::move(*st));
  std::vector<RtInstance*> fresh;  // new instances: sockets first, then groups, then start-up
  for (auto& in : instances_) {
    if (in->channel != nullptr) continue;
    if (channel_for(*in) == nullptr) {
      failed_.push_back(in->name);
      in.reset();
      continue;
    }
    fresh.push_back(in.get());
  }
  std::erase(instances_, nullptr);
  rebuild_sync_groups();
  configure_garp_pacing();
  for (RtInstance* in : fresh) {
    in->last_transition = wall_clock_();
    startup(*in);
  }
  fifo_states_after_reload();
}

std::chrono::milliseconds Engine::stop_phase1() {
  if (stopped_) return std::chrono::milliseconds(0);
  stopped_ = true;
  monitor_task_.cancel();
  // Every master's priority-0 advert first, one sendmmsg burst per interface: the backups' skew
  // timers start when it arrives, and stepping 1,000 state machines in between (log lines, VIP
  // removals, timers) held the last one back by milliseconds. Their own advert finds it sent.
  for (auto& in : instances_) {
    if (in->fsm.state() != vrrp::State::master) continue;
    send_advert(*in, vrrp::Priority{vrrp::Priority::kStop});
    in->stop_advert_sent = true;
  }
  flush_adverts();
  for (auto& in : instances_) retire(*in);
  flush_adverts();  // every priority-0 advert goes out; then the VIPs, in one batch
  flush_netlink();
  if (!keep_on_stop_ && statics_) apply_statics(StaticSet{});
  // keepalived lingers ~1 s so IGMP/MLD leaves go out before the process exits.
  return instances_.empty() ? std::chrono::milliseconds(0) : std::chrono::milliseconds(1000);
}

void Engine::stop_phase2() {
  flush_adverts();
  flush_netlink();
  for (auto& in : instances_) in->vmac.reset();
  stopping_.clear();
  channels_.clear();
  garp_sockets_.clear();
}

std::uint32_t Engine::order_of(const config::VrrpInstance& vi) const {
  const auto i = static_cast<std::size_t>(&vi - config_->vrrp_instances.data());
  return static_cast<std::uint32_t>(model_order_.empty() ? i : model_order_[i]);
}

std::vector<InstanceView> Engine::snapshot() const {
  std::vector<std::pair<std::uint32_t, InstanceView>> views;  // by configuration order
  views.reserve(instances_.size() + failed_.size());
  for (const auto& in : instances_) {
    views.emplace_back(in->order, InstanceView{.name = in->name,
                               .state = in->fsm.state(),
                               .base_priority = in->fsm.config().priority,
                               .effective_priority = in->fsm.effective_priority(),
                               .master_address = in->fsm.master_address(),
                               .master_priority = in->fsm.master_priority(),
                               .master_adver_interval = in->fsm.master_adver_interval(),
                               .last_transition = in->last_transition,
                               .rx = in->rx,
                               .tx = in->tx,
                               .running = true,
                               .settings = settings_of(*in)});
  }
  // Those it could not start (or that wait for their interface): from their model entries,
  // which the compacted model keeps (model_slim.cc). Without netlink nothing started: every
  // entry, at its configured priority.
  const bool started = nl_.has_value();
  if (config_ && (!failed_.empty() || !started)) {
    for (const auto& vi : config_->vrrp_instances) {
      if (started && std::find(failed_.begin(), failed_.end(), vi.name) == failed_.end()) continue;
      InstanceView v{.name = vi.name, .settings = settings_of(vi)};
      if (!started) v.effective_priority = *vi.priority;
      views.emplace_back(order_of(vi), std::move(v));
    }
  }
  std::stable_sort(views.begin(), views.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<InstanceView> out;
  out.reserve(views.size());
  for (auto& v : views) out.push_back(std::move(v.second));
  return out;
}

void Engine::clear_stats() {
  for (auto& in : instances_) {
    in->rx.clear();
    in->tx = TxCounters{};
  }
}

}  // namespace vigil::runtime
