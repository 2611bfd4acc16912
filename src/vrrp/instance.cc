// vrrp/instance.cc — follows the transition table in instance.h row by row.
#include "vrrp/instance.h"

#include <algorithm>
#include <utility>

#include "vrrp/priority.h"
#include "vrrp/timers.h"

namespace vigil::vrrp {

namespace {

constexpr std::size_t idx(Timer t) { return static_cast<std::size_t>(t); }

Action make(ActionKind k) { return Action{.kind = k}; }

Action with_priority(ActionKind k, State s, Priority p) {
  return Action{.kind = k, .state = s, .priority = p};
}

bool is_fault_event(EventKind k) {
  return k == EventKind::interface_down || k == EventKind::track_fault;
}

bool is_recovery_event(EventKind k) {
  return k == EventKind::interface_up || k == EventKind::track_ok;
}

}  // namespace

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::startup: return "startup";
    case EventKind::startup_delay_expired: return "startup_delay_expired";
    case EventKind::shutdown: return "shutdown";
    case EventKind::advert_received: return "advert_received";
    case EventKind::master_down_expired: return "master_down_expired";
    case EventKind::advert_timer_expired: return "advert_timer_expired";
    case EventKind::garp_delay_expired: return "garp_delay_expired";
    case EventKind::garp_refresh_expired: return "garp_refresh_expired";
    case EventKind::lower_prio_garp_expired: return "lower_prio_garp_expired";
    case EventKind::interface_up: return "interface_up";
    case EventKind::interface_down: return "interface_down";
    case EventKind::track_fault: return "track_fault";
    case EventKind::track_ok: return "track_ok";
    case EventKind::priority_changed: return "priority_changed";
    case EventKind::reload: return "reload";
    case EventKind::vip_lost: return "vip_lost";
    case EventKind::sync_force_master: return "sync_force_master";
    case EventKind::sync_force_backup: return "sync_force_backup";
    case EventKind::sync_force_fault: return "sync_force_fault";
  }
  return "?";
}

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
  if (ev.kind == EventKind::master_down_expired || ev.kind == EventKind::advert_timer_expired ||
      ev.kind == EventKind::garp_delay_expired || ev.kind == EventKind::garp_refresh_expired ||
      ev.kind == EventKind::lower_prio_garp_expired ||
      ev.kind == EventKind::startup_delay_expired) {
    auto& slot = deadlines_[idx(timer_of(ev.kind))];
    if (!slot || now < *slot) return act_unexpected(ev, out);  // cancelled, or not yet due
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
      return act_send_advert(now, out);
    case EventKind::advert_received: return act_master_rx(ev.advert, now, out);
    case EventKind::garp_delay_expired: return act_send_garp(cfg_.garp.master_repeat, out);
    case EventKind::lower_prio_garp_expired:
      return act_send_garp(cfg_.garp.lower_prio_repeat, out);
    case EventKind::garp_refresh_expired:  // act_refresh_garp
      act_send_garp(cfg_.garp.master_refresh_repeat, out);
      return arm(Timer::garp_refresh, now + cfg_.garp.master_refresh, out);
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
// 1 usec down timer, i.e. becomes MASTER at once (reference §4.3).
void Instance::act_start(TimePoint now, ActionBuffer& out) {
  if (faulted()) {
    enter(State::fault, out);
    log(LogEvent::entering_fault_init, LogLevel::info, out);
    out.push(with_priority(ActionKind::notify, State::fault, effective_));
    return;
  }
  enter(State::backup, out);
  mai_ = cfg_.advert_interval;
  log(LogEvent::entering_backup_init, LogLevel::info, out);
  out.push(with_priority(ActionKind::notify, State::backup, effective_));
  const bool owner_now = cfg_.is_owner() && cfg_.want_master;
  arm(Timer::master_down, now + (owner_now ? Duration{1} : master_down_interval()), out);
}

// ---- BACKUP ----------------------------------------------------------------------------------

// Checks shared by BACKUP and MASTER before an advert counts (reference §4.2 items the codec
// leaves to us). An ignored advert does not touch the down timer (reference §4.3).
bool Instance::takes_adverts(const ReceivedAdvert& adv, ActionBuffer& out) {
  if (!adv.addresses_match || adv.version != cfg_.version) return false;
  if (cfg_.owner_ignore_adverts && cfg_.is_owner()) return false;
  if (cfg_.version == Version::v2 && adv.interval != cfg_.advert_interval) {
    log(LogEvent::interval_mismatch, LogLevel::info, out, cfg_.advert_interval.count(),
        adv.interval.count(), adv.source);
    return false;
  }
  return true;
}

void Instance::act_backup_rx(const ReceivedAdvert& adv, TimePoint now, ActionBuffer& out) {
  if (!takes_adverts(adv, out)) return;
  if (adv.priority.is_stop()) {  // act_down_timer_skew — RFC 5798 §6.4.2: "set to Skew_Time"
    log(LogEvent::backup_received_prio0, LogLevel::debug, out);
    return arm(Timer::master_down, now + skew(), out);
  }
  const bool lower = adv.priority < effective_;
  bool delaying = false;  // preempt_delay: counted from the first lower-prio advert (§4.9)
  if (!lower) {
    preempt_since_.reset();
  } else if (!cfg_.nopreempt && cfg_.preempt_delay > Duration::zero()) {
    if (!preempt_since_) preempt_since_ = now;
    delaying = now < *preempt_since_ + cfg_.preempt_delay;
  }
  // RFC 5798 §6.4.2: "If Preempt_Mode is False, or if the Priority in the ADVERTISEMENT is
  // greater than or equal to the local Priority" → accept (act_accept_master).
  if (cfg_.nopreempt || !lower || delaying) {
    master_address_ = adv.source;
    master_priority_ = adv.priority;
    lower_prio_logged_ = false;
    if (want_master_) [[unlikely]] {  // a sync-group member hears a master again
      want_master_ = false;
      out.push(make(ActionKind::want_master_withdrawn));
    }
    if (cfg_.version == Version::v3) mai_ = adv.interval;  // v3 backups adopt the master's
    return arm(Timer::master_down, now + master_down_interval(), out);
  }
  // act_discard_lower: our down timer keeps running, so we take over when it expires.
  if (!lower_prio_logged_) {
    log(LogEvent::lower_prio_discarding, LogLevel::info, out, adv.priority.value, 0, adv.source);
    lower_prio_logged_ = true;
  }
}

// Sync-group member: the group decides (reference §4.13). Retry after one advert interval plus
// the minimal skew if the group does not pull us to MASTER meanwhile (reference §4.3).
void Instance::act_want_master(TimePoint now, ActionBuffer& out) {
  want_master_ = true;
  out.push(make(ActionKind::want_master));
  arm(Timer::master_down, now + mai_ + minimal_skew(cfg_.version, mai_), out);
}

// RFC 5798 §6.4.2 "Master_Down_Timer fires": send an advert first (so the old master drops the
// VIPs), then take the addresses and announce them.
void Instance::act_become_master(TimePoint now, ActionBuffer& out) {
  if (deadlines_[idx(Timer::master_down)]) cancel(Timer::master_down, out);
  if (owner_reduced_) {
    owner_reduced_ = false;
    owner_conflict_since_.reset();
    effective_ = vrrp::effective_priority(cfg_.priority, weight_total_);
    log(LogEvent::owner_priority_restored, LogLevel::info, out);
  }
  enter(State::master, out);
  mai_ = cfg_.advert_interval;
  want_master_ = false;
  preempt_since_.reset();
  last_advert_sent_ = now;
  out.push(Action{.kind = ActionKind::send_advert, .priority = effective_});
  log(LogEvent::entering_master, LogLevel::info, out);
  if (filters_vips()) out.push(make(ActionKind::install_no_accept_filter));
  out.push(make(ActionKind::install_vips));
  out.push(make(ActionKind::install_routes));
  out.push(make(ActionKind::install_rules));
  out.push(Action{.kind = ActionKind::send_garp, .count = cfg_.garp.master_repeat});
  if (cfg_.garp.master_delay > Duration::zero())
    arm(Timer::garp_delay, now + cfg_.garp.master_delay, out);
  if (cfg_.garp.master_refresh > Duration::zero())
    arm(Timer::garp_refresh, now + cfg_.garp.master_refresh, out);
  arm(Timer::advert, now + cfg_.advert_interval, out);
  out.push(with_priority(ActionKind::notify, State::master, effective_));
}

// ---- MASTER ----------------------------------------------------------------------------------

void Instance::act_send_advert(TimePoint now, ActionBuffer& out) {
  last_advert_sent_ = now;
  out.push(Action{.kind = ActionKind::send_advert, .priority = effective_});
  arm(Timer::advert, now + cfg_.advert_interval, out);
}

// timer_expired_backup (reference §4.9): our advert timer fired so late that the backups must
// have timed out and one of them is MASTER now — step down instead of fighting it.
bool Instance::act_late_to_backup(TimePoint now, ActionBuffer& out) {
  if (!cfg_.nopreempt || !cfg_.timer_expired_backup) return false;
  const Duration silent = std::chrono::duration_cast<Duration>(now - last_advert_sent_);
  const Duration limit = 3 * cfg_.advert_interval +
                         skew_time(cfg_.version, *cfg_.timer_expired_backup, cfg_.advert_interval);
  if (silent <= limit) return false;
  log(LogEvent::timer_expired_late, LogLevel::warning, out, (silent - cfg_.advert_interval).count());
  act_yield(cfg_.advert_interval, now, out);
  return true;
}

void Instance::act_send_garp(std::uint32_t count, ActionBuffer& out) {
  out.push(Action{.kind = ActionKind::send_garp, .count = count});
}

void Instance::act_master_rx(const ReceivedAdvert& adv, TimePoint now, ActionBuffer& out) {
  if (!takes_adverts(adv, out)) return;
  // RFC 5798 §6.4.3: priority 0 → "Send an ADVERTISEMENT; Reset the Adver_Timer".
  if (adv.priority.is_stop()) {
    log(LogEvent::master_received_prio0, LogLevel::debug, out);
    return act_send_advert(now, out);
  }
  if (adv.priority == effective_ && adv.source == cfg_.primary_address) {  // act_warn_own_address
    return log(LogEvent::equal_prio_own_address, LogLevel::warning, out);
  }
  // RFC 5798 §6.4.3: yield to a greater priority, or an equal one from a greater primary address.
  const bool higher = adv.priority > effective_ ||
                      (adv.priority == effective_ && adv.source > cfg_.primary_address);
  const bool both_owners = adv.priority.is_owner() && cfg_.is_owner();
  if (!higher) {
    if (both_owners) act_owner_conflict(adv, now, out);
    return act_force_election(adv, now, out);
  }
  if (both_owners && !owner_reduced_) {
    log(LogEvent::owner_conflict, LogLevel::error, out, 0, 0, adv.source);
  } else if (adv.priority > effective_) {
    log(LogEvent::master_rx_higher_prio, LogLevel::info, out, adv.priority.value, effective_.value,
        adv.source);
  } else {
    log(LogEvent::master_rx_same_prio_higher_ip, LogLevel::info, out, adv.priority.value, 0,
        adv.source);
  }
  if (cfg_.higher_prio_send_advert) {
    out.push(Action{.kind = ActionKind::send_advert, .priority = effective_});
  }
  master_address_ = adv.source;
  master_priority_ = adv.priority;
  act_yield(cfg_.version == Version::v3 ? adv.interval : cfg_.advert_interval, now, out);
}

// keepalived: a master answers a lower-priority advert with its own ("forcing new election"),
// plus optional lower-priority GARPs and the notify_master_rx_lower_pri hook (reference §4.4).
void Instance::act_force_election(const ReceivedAdvert& adv, TimePoint now, ActionBuffer& out) {
  if (cfg_.lower_prio_no_advert) {
    log(LogEvent::received_lower_prio, LogLevel::info, out, adv.priority.value, effective_.value,
        adv.source);
  } else {
    log(LogEvent::forcing_new_election, LogLevel::info, out, adv.priority.value, effective_.value,
        adv.source);
    out.push(Action{.kind = ActionKind::send_advert, .priority = effective_});
  }
  if (cfg_.garp.lower_prio_repeat > 0) {
    act_send_garp(cfg_.garp.lower_prio_repeat, out);
    if (cfg_.garp.lower_prio_delay > Duration::zero())
      arm(Timer::lower_prio_garp, now + cfg_.garp.lower_prio_delay, out);
  }
  out.push(Action{.kind = ActionKind::notify_master_rx_lower_pri, .state = State::master,
                  .priority = adv.priority});
}

// Two address owners (reference §4.4): the lower address yields through the normal rule; the
// higher one waits 2 of its adverts + 1.2 × the larger interval, then drops itself to 254.
void Instance::act_owner_conflict(const ReceivedAdvert& adv, TimePoint now, ActionBuffer& out) {
  if (!owner_conflict_since_) {
    owner_conflict_since_ = now;
    return log(LogEvent::owner_conflict, LogLevel::error, out, 0, 0, adv.source);
  }
  const Duration larger = std::max(cfg_.advert_interval, adv.interval);
  const Duration patience = 2 * cfg_.advert_interval + larger * 6 / 5;
  if (now - *owner_conflict_since_ < patience) return;
  owner_reduced_ = true;
  effective_ = Priority{254};
  log(LogEvent::owner_conflict_reducing, LogLevel::error, out, 0, 0, adv.source);
}

// RFC 5798 §6.4.3 "transition to the Backup state": cancel Adver_Timer, release the addresses,
// Master_Down_Timer from the new master's interval.
void Instance::act_yield(Duration master_interval, TimePoint now, ActionBuffer& out) {
  cancel_master_timers(out);
  enter(State::backup, out);
  log(LogEvent::entering_backup, LogLevel::info, out);
  release_master_resources(out);
  out.push(with_priority(ActionKind::notify, State::backup, effective_));
  mai_ = master_interval;
  arm(Timer::master_down, now + master_down_interval(), out);
}

void Instance::act_release_to_fault(ActionBuffer& out) {
  cancel_master_timers(out);
  enter(State::fault, out);
  out.push(Action{.kind = ActionKind::send_advert, .priority = Priority{Priority::kStop}});
  log(LogEvent::sent_zero_priority, LogLevel::debug, out);
  log(LogEvent::entering_fault, LogLevel::info, out);
  release_master_resources(out);
  out.push(with_priority(ActionKind::notify, State::fault, effective_));
}

// A VIP (or virtual route/rule) we track was deleted under us (reference §4.10): leave MASTER
// with a priority-0 advert and a down timer of just Skew_Time, so we come back quickly and
// re-add everything (unless a better router takes over meanwhile).
void Instance::act_readd_vips(TimePoint now, ActionBuffer& out) {
  cancel_master_timers(out);
  enter(State::backup, out);
  out.push(Action{.kind = ActionKind::send_advert, .priority = Priority{Priority::kStop}});
  log(LogEvent::sent_zero_priority, LogLevel::debug, out);
  log(LogEvent::entering_backup, LogLevel::info, out);
  release_master_resources(out);
  out.push(with_priority(ActionKind::notify, State::backup, effective_));
  mai_ = cfg_.advert_interval;
  arm(Timer::master_down, now + skew(), out);
}

// RFC 5798 §6.4.3 Shutdown: "Send an ADVERTISEMENT with Priority = 0".
void Instance::act_resign(ActionBuffer& out) {
  cancel_master_timers(out);
  enter(State::stop, out);
  out.push(Action{.kind = ActionKind::send_advert, .priority = Priority{Priority::kStop}});
  log(LogEvent::sent_zero_priority, LogLevel::debug, out);
  release_master_resources(out);
  out.push(with_priority(ActionKind::notify, State::stop, effective_));
}

// ---- FAULT and common rows -------------------------------------------------------------------

void Instance::act_enter_fault(ActionBuffer& out) {
  if (deadlines_[idx(Timer::master_down)]) cancel(Timer::master_down, out);
  want_master_ = false;
  enter(State::fault, out);
  log(LogEvent::entering_fault, LogLevel::info, out);
  out.push(with_priority(ActionKind::notify, State::fault, effective_));
}

// Leaving FAULT: BACKUP with a full down timer; an owner wanting MASTER waits one advert + skew.
void Instance::act_leave_fault(TimePoint now, ActionBuffer& out) {
  enter(State::backup, out);
  mai_ = cfg_.advert_interval;
  log(LogEvent::entering_backup, LogLevel::info, out);
  out.push(with_priority(ActionKind::notify, State::backup, effective_));
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
    out.push(with_priority(ActionKind::notify_priority, state_, effective_));
  const auto& down = deadlines_[idx(Timer::master_down)];
  if (state_ == State::backup && down) {  // a deadline moved into the past fires at once
    arm(Timer::master_down, std::max(now, *down + (skew() - old_skew)), out);
  }
}

// SIGHUP keeps the state (reference §7.3): a master re-advertises at once, a backup restarts its
// down timer from the new settings.
void Instance::act_reload(const InstanceConfig& cfg, TimePoint now, ActionBuffer& out) {
  const Priority before = effective_;
  cfg_ = cfg;
  owner_reduced_ = false;
  owner_conflict_since_.reset();
  preempt_since_.reset();
  effective_ = vrrp::effective_priority(cfg_.priority, weight_total_);
  if (effective_ != before) {
    log(LogEvent::changing_effective_priority, LogLevel::info, out, before.value, effective_.value);
  }
  mai_ = cfg_.advert_interval;
  if (state_ == State::master) return act_send_advert(now, out);
  if (state_ == State::backup) arm(Timer::master_down, now + master_down_interval(), out);
}

void Instance::act_stop(ActionBuffer& out) {
  for (std::size_t i = 0; i < kTimerCount; ++i) {
    if (deadlines_[i]) cancel(static_cast<Timer>(i), out);
  }
  enter(State::stop, out);
  out.push(with_priority(ActionKind::notify, State::stop, effective_));
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
  deadlines_[idx(t)] = deadline;
  out.push(Action{.kind = ActionKind::arm_timer, .timer = t, .deadline = deadline});
}

void Instance::cancel(Timer t, ActionBuffer& out) {
  deadlines_[idx(t)].reset();
  out.push(Action{.kind = ActionKind::cancel_timer, .timer = t});
}

void Instance::cancel_master_timers(ActionBuffer& out) {
  for (Timer t : {Timer::advert, Timer::garp_delay, Timer::garp_refresh, Timer::lower_prio_garp}) {
    if (deadlines_[idx(t)]) cancel(t, out);
  }
}

void Instance::enter(State next, ActionBuffer& out) {
  out.push(Action{.kind = ActionKind::state_changed, .state = next, .from = state_});
  state_ = next;
  lower_prio_logged_ = false;
}

void Instance::release_master_resources(ActionBuffer& out) {
  out.push(make(ActionKind::remove_vips));
  out.push(make(ActionKind::remove_routes));
  out.push(make(ActionKind::remove_rules));
  if (filters_vips()) out.push(make(ActionKind::remove_no_accept_filter));
}

void Instance::log(LogEvent e, LogLevel level, ActionBuffer& out, std::int64_t a, std::int64_t b,
                   const IpAddress& addr) {
  out.push(Action{.kind = ActionKind::log, .log_event = e, .level = level, .a = a, .b = b,
                  .address = addr});
}

}  // namespace vigil::vrrp
