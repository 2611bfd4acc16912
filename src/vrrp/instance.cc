// vrrp/instance.cc — the dispatch that follows the transition table in instance.h row by row,
// the INIT/FAULT rows and the rows common to every state. The election rows (BACKUP and MASTER
// receiving adverts, taking over, yielding) are in instance_election.cc.
#include "vrrp/instance.h"

#include <algorithm>
#include <utility>

#include "vrrp/priority.h"
#include "vrrp/timers.h"

namespace vigil::vrrp {

namespace {

bool is_fault_event(EventKind k) {
  return k == EventKind::interface_down || k == EventKind::track_fault;
}

bool is_recovery_event(EventKind k) {
  return k == EventKind::interface_up || k == EventKind::track_ok;
}

}  // namespace

Instance::Instance(InstanceConfig config)
    : cfg_(std::move(config)),
      effective_(vrrp::effective_priority(cfg_.priority, 0)),
      mai_(cfg_.advert_interval) {}

Duration Instance::skew() const { return skew_time(cfg_.version, effective_, mai_); }

Duration Instance::master_down_interval() const {
  return vrrp::master_down_interval(cfg_.version, effective_, mai_, cfg_.down_timer_adverts);
}

// ---- dispatch: one function per current state ------------------------------------------------

void Instance::step(const Event& ev, TimePoint now, ActionBuffer& out) {
  // A timer expiry consumes the timer; one that is not armed (or not yet due: re-armed later) is
  // stale (last table row).
  if (is_expiry(ev.kind)) {
    const Timer t = timer_of(ev.kind);
    auto& slot = deadlines_[index(t)];
    if (!slot) return act_unexpected(ev, out);  // cancelled
    if (now < *slot) {  // not yet due (re-armed later, or a loop that fires early): keep it
      act_unexpected(ev, out);
      return arm(t, *slot, out);
    }
    if (t == Timer::advert) advert_due_ = *slot;
    slot.reset();
  }
  switch (state_) {
    case State::init: return on_init(ev, now, out);
    case State::backup: return on_backup(ev, now, out);
    case State::master: return on_master(ev, now, out);
    case State::fault: return on_fault(ev, now, out);
    case State::stop: return;  // STOP | any | (ignored)
  }
}

void Instance::on_init(const Event& ev, TimePoint now, ActionBuffer& out) {
  switch (ev.kind) {
    case EventKind::startup:
      if (cfg_.startup_delay > Duration::zero()) return act_delay_start(now, out);
      return act_start(now, out);
    case EventKind::startup_delay_expired:
      log(LogEvent::delayed_start_completed, LogLevel::info, out);
      return act_start(now, out);
    case EventKind::interface_up:
    case EventKind::interface_down:
    case EventKind::track_fault:
    case EventKind::track_ok: note_fault(ev); return;
    case EventKind::priority_changed: return act_set_priority(ev.weight_total, now, out);
    case EventKind::reload: return act_reload(*ev.config, now, out);
    case EventKind::advert_received:  // reference §4.2: ignored in INIT and during startup delay
    case EventKind::sync_force_master:
    case EventKind::sync_force_backup:
    case EventKind::sync_force_fault:
    case EventKind::vip_lost: return;
    case EventKind::shutdown: return act_stop(out);
    default: return act_unexpected(ev, out);
  }
}

void Instance::on_backup(const Event& ev, TimePoint now, ActionBuffer& out) {
  switch (ev.kind) {
    case EventKind::advert_received: return act_backup_rx(ev.advert, now, out);
    case EventKind::master_down_expired:
      if (cfg_.in_sync_group) return act_want_master(now, out);
      log(LogEvent::receive_advert_timeout, LogLevel::debug, out);
      return act_become_master(now, out);
    case EventKind::sync_force_master: return act_become_master(now, out);
    case EventKind::sync_force_backup:
    case EventKind::vip_lost: return;
    case EventKind::interface_down:
    case EventKind::track_fault:
      note_fault(ev);
      return act_enter_fault(out);
    case EventKind::sync_force_fault: return act_enter_fault(out);
    case EventKind::interface_up:
    case EventKind::track_ok: note_fault(ev); return;
    case EventKind::priority_changed: return act_set_priority(ev.weight_total, now, out);
    case EventKind::reload: return act_reload(*ev.config, now, out);
    case EventKind::shutdown: return act_stop(out);
    default: return act_unexpected(ev, out);
  }
}

void Instance::on_master(const Event& ev, TimePoint now, ActionBuffer& out) {
  switch (ev.kind) {
    case EventKind::advert_timer_expired:
      if (act_late_to_backup(now, out)) return;
      return act_advert_due(now, out);
    case EventKind::advert_received: return act_master_rx(ev.advert, now, out);
    case EventKind::garp_delay_expired: return act_send_garp(cfg_.garp.master_repeat, out);
    case EventKind::lower_prio_garp_expired:
      return act_send_garp(cfg_.garp.lower_prio_repeat, out);
    // The periodic GARP timers stop when a reload turned them off (interval 0): re-arming at
    // `now` would make the loop fire them back to back.
    case EventKind::garp_refresh_expired:  // act_refresh_garp
      act_send_garp(cfg_.garp.master_refresh_repeat, out);
      if (cfg_.garp.master_refresh <= Duration::zero()) return;
      return arm(Timer::garp_refresh, now + cfg_.garp.master_refresh, out);
    case EventKind::garp_extra_if_expired:  // act_garp_extra_if
      out.push(Action::of(ActionKind::send_garp_extra_if));
      if (cfg_.garp.extra_if_interval <= Duration::zero()) return;
      return arm(Timer::garp_extra_if, now + cfg_.garp.extra_if_interval, out);
    case EventKind::sync_force_backup: return act_yield(cfg_.advert_interval, now, out);
    case EventKind::sync_force_master: return;
    case EventKind::interface_down:
    case EventKind::track_fault:
      note_fault(ev);
      return act_release_to_fault(out);
    case EventKind::sync_force_fault: return act_release_to_fault(out);
    case EventKind::interface_up:
    case EventKind::track_ok: note_fault(ev); return;
    case EventKind::priority_changed: return act_set_priority(ev.weight_total, now, out);
    case EventKind::vip_lost: return act_readd_vips(now, out);
    case EventKind::reload: return act_reload(*ev.config, now, out);
    case EventKind::shutdown: return act_resign(out);
    default: return act_unexpected(ev, out);
  }
}

void Instance::on_fault(const Event& ev, TimePoint now, ActionBuffer& out) {
  switch (ev.kind) {
    case EventKind::interface_up:
    case EventKind::track_ok:
    case EventKind::interface_down:
    case EventKind::track_fault:
      if (note_fault(ev) && is_recovery_event(ev.kind) && !faulted()) return act_leave_fault(now, out);
      return;
    case EventKind::sync_force_backup:
    case EventKind::sync_force_master:
      if (faulted()) return act_report_fault(out);
      return act_leave_fault(now, out);
    case EventKind::sync_force_fault:
    case EventKind::advert_received:
    case EventKind::vip_lost: return;
    case EventKind::priority_changed: return act_set_priority(ev.weight_total, now, out);
    case EventKind::reload: return act_reload(*ev.config, now, out);
    case EventKind::shutdown: return act_stop(out);
    default: return act_unexpected(ev, out);
  }
}

// ---- INIT ------------------------------------------------------------------------------------

void Instance::act_delay_start(TimePoint now, ActionBuffer& out) {
  log(LogEvent::delaying_startup, LogLevel::info, out, cfg_.startup_delay.count());
  arm(Timer::startup_delay, now + cfg_.startup_delay, out);
}

// RFC 5798 §6.4.1. keepalived starts every instance in BACKUP; an owner that wants MASTER gets a
// 1 usec down timer, i.e. becomes MASTER at once (reference §4.3) — and, as keepalived 2.2.7
// does, without logging or notifying the BACKUP step.
void Instance::act_start(TimePoint now, ActionBuffer& out) {
  if (faulted()) {
    enter(State::fault, out);
    log(LogEvent::entering_fault_init, LogLevel::info, out);
    out.push(Action::with(ActionKind::notify, State::fault, effective_));
    return;
  }
  enter(State::backup, out);
  mai_ = cfg_.advert_interval;
  if (cfg_.is_owner() && cfg_.want_master) return arm(Timer::master_down, now + Duration{1}, out);
  log(LogEvent::entering_backup_init, LogLevel::info, out);
  out.push(Action::with(ActionKind::notify, State::backup, effective_));
  arm(Timer::master_down, now + master_down_interval(), out);
}


// ---- FAULT and common rows -------------------------------------------------------------------

void Instance::act_enter_fault(ActionBuffer& out) {
  if (deadlines_[index(Timer::master_down)]) cancel(Timer::master_down, out);
  want_master_ = false;
  enter(State::fault, out);
  log(LogEvent::entering_fault, LogLevel::info, out);
  out.push(Action::with(ActionKind::notify, State::fault, effective_));
}

// Leaving FAULT: BACKUP with a full down timer; an owner wanting MASTER waits one advert + skew.
void Instance::act_leave_fault(TimePoint now, ActionBuffer& out) {
  enter(State::backup, out);
  mai_ = cfg_.advert_interval;
  log(LogEvent::entering_backup, LogLevel::info, out);
  out.push(Action::with(ActionKind::notify, State::backup, effective_));
  const bool owner_now = cfg_.is_owner() && cfg_.want_master;
  arm(Timer::master_down, now + (owner_now ? mai_ + skew() : master_down_interval()), out);
}

// A sync group tried to pull a member that is faulted itself: tell the group we stay in FAULT.
void Instance::act_report_fault(ActionBuffer& out) {
  out.push(Action{.kind = ActionKind::state_changed, .state = State::fault, .from = State::fault});
}

// Effective priority = clamp(base + Σ weights, 1, 254) (reference §4.5). In BACKUP the running
// down timer moves by the change in skew (reference §4.3).
void Instance::act_set_priority(std::int32_t weight_total, TimePoint now, ActionBuffer& out) {
  weight_total_ = weight_total;
  if (owner_reduced_) return;
  const Priority next = vrrp::effective_priority(cfg_.priority, weight_total);
  if (next == effective_) return;
  const Duration old_skew = skew();
  log(LogEvent::changing_effective_priority, LogLevel::info, out, effective_.value, next.value);
  effective_ = next;
  if (state_ == State::master || state_ == State::backup)
    out.push(Action::with(ActionKind::notify_priority, state_, effective_));
  const auto& down = deadlines_[index(Timer::master_down)];
  if (state_ == State::backup && down) {  // a deadline moved into the past fires at once
    arm(Timer::master_down, std::max(now, *down + (skew() - old_skew)), out);
  }
}

// SIGHUP keeps the state (reference §7.3): a master re-advertises at once, a backup restarts its
// down timer from the new settings. A master whose Accept_Mode (or ownership) changed installs or
// removes the no-accept filter now, so leaving MASTER later removes exactly what was installed.
void Instance::act_reload(const InstanceConfig& cfg, TimePoint now, ActionBuffer& out) {
  const Priority before = effective_;
  const bool filtered = filters_vips();
  cfg_ = cfg;
  owner_reduced_ = false;
  owner_conflict_since_.reset();
  preempt_since_.reset();
  effective_ = vrrp::effective_priority(cfg_.priority, weight_total_);
  if (effective_ != before) {
    log(LogEvent::changing_effective_priority, LogLevel::info, out, before.value, effective_.value);
  }
  mai_ = cfg_.advert_interval;
  if (state_ == State::master) {
    if (filters_vips() != filtered) {
      out.push(Action::of(filtered ? ActionKind::remove_no_accept_filter
                                   : ActionKind::install_no_accept_filter));
    }
    return act_send_advert(now, phased_interval(), out);  // every master at once: keep phases
  }
  if (state_ == State::backup) arm(Timer::master_down, now + master_down_interval(), out);
}

void Instance::act_stop(ActionBuffer& out) {
  for (std::size_t i = 0; i < kTimerCount; ++i) {
    if (deadlines_[i]) cancel(static_cast<Timer>(i), out);
  }
  enter(State::stop, out);
  out.push(Action::with(ActionKind::notify, State::stop, effective_));
}

void Instance::act_unexpected(const Event& ev, ActionBuffer& out) {
  log(LogEvent::unexpected_event, LogLevel::debug, out, static_cast<std::int64_t>(ev.kind),
      static_cast<std::int64_t>(state_));
}

bool Instance::note_fault(const Event& ev) {
  const bool was_if = if_down_, was_track = track_fault_;
  if (ev.kind == EventKind::interface_down || ev.kind == EventKind::interface_up)
    if_down_ = is_fault_event(ev.kind);
  else
    track_fault_ = is_fault_event(ev.kind);
  return was_if != if_down_ || was_track != track_fault_;
}

// ---- helpers ---------------------------------------------------------------------------------

void Instance::arm(Timer t, TimePoint deadline, ActionBuffer& out) {
  deadlines_[index(t)] = deadline;
  Action& a = out.emplace(ActionKind::arm_timer);
  a.timer = t;
  a.deadline = deadline;
}

void Instance::cancel(Timer t, ActionBuffer& out) {
  deadlines_[index(t)].reset();
  out.push(Action{.kind = ActionKind::cancel_timer, .timer = t});
}

void Instance::cancel_master_timers(ActionBuffer& out) {
  for (Timer t : {Timer::advert, Timer::garp_delay, Timer::garp_refresh, Timer::lower_prio_garp,
                  Timer::garp_extra_if}) {
    if (deadlines_[index(t)]) cancel(t, out);
  }
}

void Instance::enter(State next, ActionBuffer& out) {
  out.push(Action{.kind = ActionKind::state_changed, .state = next, .from = state_});
  state_ = next;
  lower_prio_logged_ = false;
}

void Instance::release_master_resources(ActionBuffer& out) {
  out.push(Action::of(ActionKind::remove_vips));
  out.push(Action::of(ActionKind::remove_routes));
  out.push(Action::of(ActionKind::remove_rules));
  if (filters_vips()) out.push(Action::of(ActionKind::remove_no_accept_filter));
}

void Instance::log(LogEvent e, LogLevel level, ActionBuffer& out, std::int64_t a, std::int64_t b,
                   const IpAddress& addr) {
  out.push(Action{.kind = ActionKind::log, .log_event = e, .level = level, .a = a, .b = b,
                  .address = addr});
}


}  // namespace vigil::vrrp
