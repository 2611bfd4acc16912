// The engine's tracking side: trackers (scripts, files, processes, interfaces) → effective
// priority and FAULT, sync groups, the notifier (reference §3.4–3.6, §4.5, §4.13, §5.5).
#include <fmt/format.h>

#include <algorithm>

#include <sys/socket.h>

#include "runtime/engine.h"
#include "runtime/notify_setup.h"

namespace vigil::runtime {

namespace {

vrrp::LogLevel level_of(event::Severity s) {
  switch (s) {
    case event::Severity::error: return vrrp::LogLevel::error;
    case event::Severity::warning: return vrrp::LogLevel::warning;
    case event::Severity::debug: return vrrp::LogLevel::debug;
    default: return vrrp::LogLevel::info;
  }
}

track::NotifyState notify_state_of(vrrp::State s) {
  switch (s) {
    case vrrp::State::master: return track::NotifyState::master;
    case vrrp::State::fault: return track::NotifyState::fault;
    case vrrp::State::stop: return track::NotifyState::stop;
    default: return track::NotifyState::backup;
  }
}

}  // namespace

bool Engine::ensure_spawner() {
  if (spawner_) return true;
  try {
    spawner_ = std::make_unique<track::Spawner>();
  } catch (const std::exception& e) {
    log(vrrp::LogLevel::error, fmt::format("scripts cannot run: {}", e.what()));
    return false;
  }
  if (trackers_) trackers_->set_spawner(spawner_.get());
  return true;
}

void Engine::open_scripts() {
  if (!nl_) return;
  if (!config_->vrrp_scripts.empty()) ensure_spawner();
  if (!trackers_) {
    trackers_ = std::make_unique<Trackers>(
        loop_, spawner_.get(), [this](event::Severity s, std::string_view m) { log(level_of(s), m); },
        [this](track::TrackedKind kind, std::size_t index) { on_tracker(kind, index); });
  }
  trackers_->configure(*config_, *nl_);
}

void Engine::attach_tracking(RtInstance& in, const config::VrrpInstance& vi) {
  in.dont_track_primary = *vi.dont_track_primary;
  in.track_src_ip = *vi.track_src_ip && !in.auto_source;
  // Not started yet (no socket): a configured source that is not on this host starts in FAULT.
  if (in.track_src_ip && in.channel == nullptr && in.has_source && !source_present(in)) {
    log(vrrp::LogLevel::warning, fmt::format("({}) source address {} is not configured on this host - "
                                             "entering FAULT state (track_src_ip)", in.name, in.source.to_string()));
    in.has_source = false;
  }
  if (!trackers_) return;
  auto refs = trackers_->refs_of(*config_, vi, [this](std::string_view m) { log(vrrp::LogLevel::warning, m); });
  std::optional<track::PriorityResult> before;
  if (in.tracking) before = in.tracking->current();
  // Nothing tracked and nothing to report against: no tracker (its result would stay the base
  // priority; 112 bytes an instance).
  if (refs.empty() && !before) return;
  in.tracking.emplace(vi.name, *vi.priority, std::move(refs));  // (at a reload: the new settings)
  if (before) in.tracking->carry_over(*before);  // a reload: report changes against the old result
}

void Engine::on_tracker(track::TrackedKind kind, std::size_t index) {
  for (auto& in : instances_) {
    if (in->tracking && in->tracking->tracks(kind, index)) recompute_priority(*in, false);
  }
}

void Engine::track_link(int ifindex, bool up) {
  if (trackers_) trackers_->on_link(ifindex, up);
}

bool Engine::source_present(const RtInstance& in) {
  if (!nl_) return true;
  auto all = nl_->dump_addresses(in.key.family == vrrp::Family::inet ? AF_INET : AF_INET6);
  if (!all) return true;  // cannot tell: keep going
  return std::any_of(all->begin(), all->end(), [&](const net::AddressEvent& a) { return a.address == in.source; });
}

// track_src_ip: an instance whose configured advert source (mcast_src_ip / unicast_src_ip) is
// removed from the host goes to FAULT until the address is back (reference §3.3).
void Engine::track_source(const net::AddressEvent& ev) {
  for (auto& inp : instances_) {
    RtInstance& in = *inp;
    if (!in.track_src_ip || ev.family != in.key.family || ev.address != in.source) continue;
    const bool present = ev.deleted ? source_present(in) : true;
    if (present == in.has_source) continue;
    const bool was = in.usable();
    in.has_source = present;
    log(vrrp::LogLevel::info, present ? fmt::format("({}) source address {} is back", in.name, in.source.to_string())
                                      : fmt::format("({}) source address {} was removed - entering FAULT state",
                                                    in.name, in.source.to_string()));
    set_usable(in, was);
  }
}

void Engine::recompute_priority(RtInstance& in, bool at_startup) {
  if (!in.tracking || !trackers_) return;
  const track::PriorityUpdate u = in.tracking->recompute(*trackers_);
  if (u.log && !at_startup) log(vrrp::LogLevel::info, *u.log);
  if (u.priority_changed) step(in, vrrp::Event::weights(static_cast<std::int32_t>(u.now.total_delta)));
  if (u.fault_changed) {
    step(in, vrrp::Event::of(u.now.fault ? vrrp::EventKind::track_fault : vrrp::EventKind::track_ok));
  }
}

void Engine::rebuild_sync_groups() {
  for (auto& in : instances_) in->sync = nullptr;
  for (auto& old : stopping_) old->sync = nullptr;
  sync_groups_.clear();
  for (const auto& g : config_->sync_groups) {
    std::vector<RtInstance*> members;
    for (const auto& name : g.group) {
      for (auto& in : instances_) {
        if (in->name == name) members.push_back(in.get());
      }
    }
    if (members.empty()) continue;
    auto rg = std::make_unique<RtSyncGroup>(g.name, members.size());
    rg->members = members;
    for (std::size_t i = 0; i < members.size(); ++i) {
      members[i]->sync = rg.get();
      members[i]->sync_index = i;
    }
    config::VrrpInstance as_instance;  // the group's notify scripts, through the same mapping
    as_instance.notify_master = g.notify_master;
    as_instance.notify_backup = g.notify_backup;
    as_instance.notify_fault = g.notify_fault;
    as_instance.notify_stop = g.notify_stop;
    as_instance.notify = g.notify;
    rg->scripts = notify_scripts_of(*config_, as_instance, [this](std::string_view m) { log(vrrp::LogLevel::error, m); });
    // A reload: members already running tell the new group where they are. When they agree,
    // nothing moves and nothing is notified (the group keeps its state); when they do not (a
    // group formed at this reload), the group's answer is carried out.
    std::vector<vrrp::SyncAction> seeded;
    std::optional<vrrp::State> common;
    bool agree = true;
    for (std::size_t i = 0; i < members.size(); ++i) {
      const vrrp::State st = members[i]->fsm.state();
      if (st == vrrp::State::init) continue;
      if (common && *common != st) agree = false;
      common = st;
      rg->group.on_member_state(i, st, seeded);
    }
    RtSyncGroup& ref = *rg;
    sync_groups_.push_back(std::move(rg));
    if (!agree) run_sync(ref, seeded);
  }
}

// fifo_write_vrrp_states_on_reload: after a reload, every instance's and group's state again
// on the FIFOs (reference §3.2), so a reader that lost track can resynchronise.
void Engine::fifo_states_after_reload() {
  if (!notifier_ || !*config_->global_defs.fifo_write_vrrp_states_on_reload) return;
  for (const auto& in : instances_) {
    const vrrp::State st = in->fsm.state();
    if (st == vrrp::State::init) continue;
    notifier_->fifo_state(track::NotifyKind::instance, in->name, notify_state_of(st), in->fsm.effective_priority().value);
  }
  for (const auto& g : sync_groups_) {
    if (g->group.state() == vrrp::State::init) continue;
    notifier_->fifo_state(track::NotifyKind::group, g->group.name(), notify_state_of(g->group.state()), 0);
  }
}

void Engine::run_sync(RtSyncGroup& g, const std::vector<vrrp::SyncAction>& actions) {
  for (const auto& a : actions) {
    switch (a.kind) {
      case vrrp::SyncAction::Kind::log_sync: log(vrrp::LogLevel::info, g.group.format_log(a)); break;
      case vrrp::SyncAction::Kind::notify_group:
        // Groups notify with priority 0 (reference §5.5).
        if (notifier_) notifier_->state_change(track::NotifyKind::group, g.group.name(), notify_state_of(a.state), 0, g.scripts);
        break;
      case vrrp::SyncAction::Kind::force_member: {
        if (a.member >= g.members.size()) break;
        const auto kind = a.state == vrrp::State::master ? vrrp::EventKind::sync_force_master
                          : a.state == vrrp::State::fault ? vrrp::EventKind::sync_force_fault
                                                          : vrrp::EventKind::sync_force_backup;
        step(*g.members[a.member], vrrp::Event::of(kind));
        break;
      }
    }
  }
}

// At start and at every reload: a reload that changes the FIFOs or their scripts closes the old
// ones (their script is sent SIGTERM) and opens the new ones; otherwise they stay open.
void Engine::open_notifier() {
  const auto& gd = config_->global_defs;
  std::string settings = wants_notifier(*config_) ? "on" : "off";
  for (const auto* f : {&gd.notify_fifo, &gd.vrrp_notify_fifo}) {
    if (*f) settings += fmt::format("|{}:{}:{}", (*f)->path, (*f)->user, (*f)->group);
  }
  for (const auto* c : {&gd.notify_fifo_script, &gd.vrrp_notify_fifo_script}) {
    if (*c) settings += fmt::format("|{}:{}:{}", (*c)->cmd, (*c)->user, (*c)->group);
  }
  if (notifier_ && settings == notifier_settings_) return;
  notifier_.reset();
  notifier_settings_ = settings;
  if (!wants_notifier(*config_)) return;
  if (!ensure_spawner()) return;
  notifier_ = std::make_unique<track::Notifier>(loop_, *spawner_, [this](event::Severity s, std::string_view m) {
    log(level_of(s), m);
  });
  const auto& g = config_->global_defs;
  const std::pair<const std::optional<config::Fifo>*, const std::optional<config::Command>*> fifos[] = {
      {&g.notify_fifo, &g.notify_fifo_script}, {&g.vrrp_notify_fifo, &g.vrrp_notify_fifo_script}};
  for (const auto& [fifo, script] : fifos) {
    if (!*fifo) continue;
    // The same FIFO named twice: one writer (keepalived ignores the VRRP one).
    if (fifo == &g.vrrp_notify_fifo && g.notify_fifo && g.notify_fifo->path == (*fifo)->path) continue;
    // Owner if we create it: its `user [group]`, else the default script user (keepalived).
    const char* type = fifo == &g.vrrp_notify_fifo ? "vrrp_" : "";
    auto owner = script_credentials(*config_, (*fifo)->user, (*fifo)->group,
                                    [this](std::string_view m) { log(vrrp::LogLevel::error, m); });
    if (!owner) {
      log(vrrp::LogLevel::info, fmt::format("Invalid user/group for {}fifo {} - ignoring", type, (*fifo)->path));
      continue;
    }
    auto opened = track::FifoWriter::open(
        (*fifo)->path, owner->change ? track::FifoOwner{owner->uid, owner->gid} : track::FifoOwner{});
    if (!opened) {
      log(vrrp::LogLevel::error, fmt::format("notify FIFO {}: {}", (*fifo)->path, opened.error().str()));
      continue;
    }
    if (opened->owner_error() != 0) {
      log(vrrp::LogLevel::info, fmt::format("Failed to set uid:gid for fifo {}", (*fifo)->path));
    }
    notifier_->add_fifo(std::move(*opened));
    if (!*script) continue;
    auto creds = script_credentials(*config_, (*script)->user, (*script)->group,
                                    [this](std::string_view m) { log(vrrp::LogLevel::error, m); });
    if (!creds) continue;
    auto cmd = track::NotifyCommand::prepare((*script)->cmd, *creds);
    auto started = cmd ? notifier_->start_fifo_script(*cmd, (*fifo)->path) : net::Status(cmd.error());
    if (!started) {
      log(vrrp::LogLevel::error, fmt::format("notify FIFO script '{}': {}", (*script)->cmd, started.error().str()));
    }
  }
}

}  // namespace vigil::runtime
