// vrrp/instance_election.cc — the election rows of the transition table in instance.h: BACKUP
// and MASTER receiving adverts (RFC 5798 §6.4.2, §6.4.3, reference §4.4), taking over, yielding,
// resigning.
#include <algorithm>

#include "vrrp/instance.h"  // the class whose election rows these are
#include "vrrp/priority.h"
#include "vrrp/timers.h"

namespace vigil::vrrp {

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
      out.push(Action::of(ActionKind::want_master_withdrawn));
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
  out.push(Action::of(ActionKind::want_master));
  arm(Timer::master_down, now + mai_ + minimal_skew(cfg_.version, mai_), out);
}

// RFC 5798 §6.4.2 "Master_Down_Timer fires": send an advert first (so the old master drops the
// VIPs), then take the addresses and announce them.
void Instance::act_become_master(TimePoint now, ActionBuffer& out) {
  if (deadlines_[index(Timer::master_down)]) cancel(Timer::master_down, out);
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
  if (filters_vips()) out.push(Action::of(ActionKind::install_no_accept_filter));
  out.push(Action::of(ActionKind::install_vips));
  out.push(Action::of(ActionKind::install_routes));
  out.push(Action::of(ActionKind::install_rules));
  out.push(Action{.kind = ActionKind::send_garp, .count = cfg_.garp.master_repeat});
  if (cfg_.garp.master_delay > Duration::zero())
    arm(Timer::garp_delay, now + cfg_.garp.master_delay, out);
  if (cfg_.garp.master_refresh > Duration::zero())
    arm(Timer::garp_refresh, now + cfg_.garp.master_refresh, out);
  if (cfg_.garp.extra_if_interval > Duration::zero())
    arm(Timer::garp_extra_if, now + cfg_.garp.extra_if_interval, out);
  arm(Timer::advert, now + phased_interval(), out);
  out.push(Action::with(ActionKind::notify, State::master, effective_));
}

// ---- MASTER ----------------------------------------------------------------------------------

void Instance::act_send_advert(TimePoint now, Duration rearm, ActionBuffer& out) {
  last_advert_sent_ = now;
  out.push(Action{.kind = ActionKind::send_advert, .priority = effective_});
  arm(Timer::advert, now + rearm, out);
}

Duration Instance::phased_interval() const {
  const Duration early = std::clamp(advert_offset_, Duration::zero(), cfg_.advert_interval / 2);
  return cfg_.advert_interval - early;
}

// RFC 5798 §6.4.3 "Adver_Timer fires": send, "Reset the Adver_Timer to Advertisement_Interval" —
// counted from when the timer was due, not from when the loop got round to it, so a late wake-up
// shortens the next gap instead of stretching every later one (lateness never accumulates, and
// instances that fell due together stay together). More than one interval behind (the process
// was stopped, the clock jumped): start again from now, never a catch-up burst.
void Instance::act_advert_due(TimePoint now, ActionBuffer& out) {
  last_advert_sent_ = now;
  out.push(Action{.kind = ActionKind::send_advert, .priority = effective_});
  const TimePoint next = advert_due_ + cfg_.advert_interval;
  arm(Timer::advert, next > now ? next : now + cfg_.advert_interval, out);
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
    return act_send_advert(now, cfg_.advert_interval, out);
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
  out.push(Action::with(ActionKind::notify, State::backup, effective_));
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
  out.push(Action::with(ActionKind::notify, State::fault, effective_));
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
  out.push(Action::with(ActionKind::notify, State::backup, effective_));
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
  out.push(Action::with(ActionKind::notify, State::stop, effective_));
}


}  // namespace vigil::vrrp
