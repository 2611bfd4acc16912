// vrrp/instance.h — the state machine of one VRRP instance (RFC 5798 §6.4, keepalived's rules in
// reference §4.3–§4.11).
//
// Pure: Instance::step(event, now, out) updates the instance and appends what must happen to `out`
// (send an advert, arm a timer at an absolute deadline, install VIPs, log a line…). No syscalls,
// no clock reads, no allocation. The loop performs the actions in order and feeds timer expiries
// back as events.
//
//   vrrp::Instance vi{config};
//   vrrp::ActionBuffer out;
//   vi.step(vrrp::Event::of(vrrp::EventKind::startup), now, out);   // → BACKUP (init), arm master_down
//
// The glue's contract, per action, in order: send_advert → encode and send with that priority;
// arm_timer → (re)arm the instance's timer of that kind at the absolute deadline, and when it
// fires step Event::expired(timer); cancel_timer → disarm; install_*/remove_* → netlink;
// send_garp → a burst of `count` GARPs/NAs per VIP (rate-limited per interface); notify* → notify
// scripts and FIFO; log → format_log(action, name) at its level; state_changed → the sync group
// (sync_group.h) and the stats (became/released master); want_master(_withdrawn) → the sync group.
// Counters for keepalived's stats come from the actions too (priority-0 adverts sent, …).
//
// Transition table. "§6.4.x" cites RFC 5798, "ref §x" the keepalived reference
// (../shared/reference/keepalived-vrrp.md). "faulted" = interface down or a weight-0 tracker
// failing. The expiry of a timer that is not armed is stale (last row); one that arrives before
// its deadline is logged and the timer re-armed at that deadline, so it is never lost.
//
//  current | event                                   | action                  | next
//  --------+-----------------------------------------+-------------------------+-------
//  INIT    | startup, startup_delay > 0              | act_delay_start         | INIT
//  INIT    | startup / startup_delay_expired, faulted| act_start (fault)       | FAULT
//  INIT    | startup / startup_delay_expired         | act_start (backup)      | BACKUP   §6.4.1
//  INIT    | interface / tracker up or down          | note_fault              | INIT
//  INIT    | priority_changed                        | act_set_priority        | INIT
//  INIT    | reload                                  | act_reload              | INIT
//  INIT    | advert_received, sync_force_*, vip_lost | (ignored, ref §4.2)     | INIT
//  INIT    | shutdown                                | act_stop                | STOP
//  BACKUP  | advert, priority 0                      | act_down_timer_skew     | BACKUP   §6.4.2
//  BACKUP  | advert, nopreempt / prio ≥ ours / delay | act_accept_master (and  | BACKUP   §6.4.2
//          |                                         | withdraw a sync wish)   |
//  BACKUP  | advert, lower prio, preempting          | act_discard_lower       | BACKUP   §6.4.2
//  BACKUP  | advert, list mismatch / v2 interval ≠   | (ignored: timer kept)   | BACKUP
//  BACKUP  | master_down_expired, in a sync group    | act_want_master         | BACKUP
//  BACKUP  | master_down_expired                     | act_become_master       | MASTER   §6.4.2
//  BACKUP  | sync_force_master                       | act_become_master       | MASTER
//  BACKUP  | sync_force_backup, vip_lost             | (nothing)               | BACKUP
//  BACKUP  | interface/tracker down, sync_force_fault| act_enter_fault         | FAULT
//  BACKUP  | interface/tracker up                    | note_fault              | BACKUP
//  BACKUP  | priority_changed                        | act_set_priority (shift)| BACKUP   ref §4.3
//  BACKUP  | reload                                  | act_reload              | BACKUP
//  BACKUP  | shutdown                                | act_stop                | STOP     §6.4.2
//  MASTER  | advert_timer_expired                    | act_advert_due          | MASTER   §6.4.3
//  MASTER  | advert_timer_expired far too late       | act_late_to_backup      | BACKUP
//          |   (timer_expired_backup, nopreempt)     |                         |
//  MASTER  | advert, priority 0                      | act_send_advert         | MASTER   §6.4.3
//  MASTER  | advert, lower (or = prio, lower addr)   | act_force_election      | MASTER
//  MASTER  | advert, owner vs owner, lower addr      | act_owner_conflict      | MASTER
//  MASTER  | advert, higher (or = prio, higher addr) | act_yield               | BACKUP   §6.4.3
//  MASTER  | advert, = prio from our own address     | act_warn_own_address    | MASTER
//  MASTER  | garp_delay / lower_prio_garp expired    | act_send_garp           | MASTER
//  MASTER  | garp_refresh_expired                    | act_refresh_garp        | MASTER
//  MASTER  | garp_extra_if_expired                   | act_garp_extra_if       | MASTER
//  MASTER  | sync_force_backup                       | act_yield               | BACKUP
//  MASTER  | sync_force_master                       | (nothing)               | MASTER
//  MASTER  | interface/tracker down, sync_force_fault| act_release_to_fault    | FAULT
//  MASTER  | interface/tracker up                    | note_fault              | MASTER
//  MASTER  | priority_changed                        | act_set_priority        | MASTER
//  MASTER  | vip_lost                                | act_readd_vips          | BACKUP
//  MASTER  | reload                                  | act_reload              | MASTER
//  MASTER  | shutdown                                | act_resign (prio 0)     | STOP     §6.4.3
//  FAULT   | interface/tracker up, no fault left     | act_leave_fault         | BACKUP
//  FAULT   | interface/tracker change, still faulted | note_fault              | FAULT
//  FAULT   | sync_force_backup / _master, not faulted| act_leave_fault         | BACKUP
//  FAULT   | sync_force_backup / _master, faulted    | act_report_fault        | FAULT
//  FAULT   | sync_force_fault, advert, vip_lost      | (ignored)               | FAULT
//  FAULT   | priority_changed                        | act_set_priority        | FAULT
//  FAULT   | reload                                  | act_reload              | FAULT
//  FAULT   | shutdown                                | act_stop                | STOP
//  STOP    | any                                     | (ignored)               | STOP
//  any     | anything else                           | act_unexpected (log)    | same
#pragma once

#include <array>
#include <optional>

#include "vrrp/actions.h"
#include "vrrp/events.h"
#include "vrrp/instance_config.h"
#include "vrrp/state.h"
#include "vrrp/timer_id.h"
#include "vrrp/types.h"

namespace vigil::vrrp {

class Instance {
 public:
  explicit Instance(InstanceConfig config);

  // Applies one event at time `now`; appends the resulting actions to `out` (not cleared).
  void step(const Event& ev, TimePoint now, ActionBuffer& out);

  State state() const { return state_; }
  // Our advert source changed (the interface's primary address moved): the tie-break address.
  void set_primary_address(const IpAddress& a) { cfg_.primary_address = a; }
  // How much earlier than one interval the advert after becoming MASTER (or after a reload) goes:
  // the glue's phase for this instance, so that instances becoming MASTER together do not send
  // every later advert in one burst. Sending early only shortens one gap (RFC 5798 §6.4.3 bounds
  // none from below); capped at half an interval. Later adverts keep the phase (drift-free).
  void set_advert_offset(Duration d) { advert_offset_ = d; }
  const InstanceConfig& config() const { return cfg_; }
  Priority effective_priority() const { return effective_; }
  // RFC 5798 Master_Adver_Interval: our own, or (v3 BACKUP) the current master's.
  Duration master_adver_interval() const { return mai_; }
  Duration master_down_interval() const;
  Duration skew() const;
  std::optional<TimePoint> deadline(Timer t) const { return deadlines_[static_cast<std::size_t>(t)]; }
  bool faulted() const { return if_down_ || track_fault_; }
  bool wants_master() const { return want_master_; }
  // The last master whose advert we accepted (BACKUP), for the data dump and JSON.
  std::optional<IpAddress> master_address() const { return master_address_; }
  Priority master_priority() const { return master_priority_; }

 private:
  void on_init(const Event& ev, TimePoint now, ActionBuffer& out);
  void on_backup(const Event& ev, TimePoint now, ActionBuffer& out);
  void on_master(const Event& ev, TimePoint now, ActionBuffer& out);
  void on_fault(const Event& ev, TimePoint now, ActionBuffer& out);

  // Named actions, one per row group of the table.
  void act_delay_start(TimePoint now, ActionBuffer& out);
  void act_start(TimePoint now, ActionBuffer& out);
  void act_backup_rx(const ReceivedAdvert& adv, TimePoint now, ActionBuffer& out);
  void act_want_master(TimePoint now, ActionBuffer& out);
  void act_become_master(TimePoint now, ActionBuffer& out);
  void act_master_rx(const ReceivedAdvert& adv, TimePoint now, ActionBuffer& out);
  void act_force_election(const ReceivedAdvert& adv, TimePoint now, ActionBuffer& out);
  void act_owner_conflict(const ReceivedAdvert& adv, TimePoint now, ActionBuffer& out);
  void act_yield(Duration master_interval, TimePoint now, ActionBuffer& out);
  void act_send_advert(TimePoint now, Duration rearm, ActionBuffer& out);
  void act_advert_due(TimePoint now, ActionBuffer& out);  // Adver_Timer fired (drift-free)
  bool act_late_to_backup(TimePoint now, ActionBuffer& out);
  void act_send_garp(std::uint32_t count, ActionBuffer& out);
  void act_enter_fault(ActionBuffer& out);
  void act_release_to_fault(ActionBuffer& out);
  void act_readd_vips(TimePoint now, ActionBuffer& out);
  void act_leave_fault(TimePoint now, ActionBuffer& out);
  void act_report_fault(ActionBuffer& out);
  void act_set_priority(std::int32_t weight_total, TimePoint now, ActionBuffer& out);
  void act_reload(const InstanceConfig& cfg, TimePoint now, ActionBuffer& out);
  void act_resign(ActionBuffer& out);
  void act_stop(ActionBuffer& out);
  void act_unexpected(const Event& ev, ActionBuffer& out);
  bool note_fault(const Event& ev);  // true if the event changed an interface/tracker flag

  // Helpers that emit one action and keep our view of the world in step.
  void arm(Timer t, TimePoint deadline, ActionBuffer& out);
  void cancel(Timer t, ActionBuffer& out);
  void cancel_master_timers(ActionBuffer& out);
  void enter(State next, ActionBuffer& out);
  void release_master_resources(ActionBuffer& out);
  void log(LogEvent e, LogLevel level, ActionBuffer& out, std::int64_t a = 0, std::int64_t b = 0,
           const IpAddress& addr = {});
  bool takes_adverts(const ReceivedAdvert& adv, ActionBuffer& out);
  bool filters_vips() const { return !cfg_.accept && !cfg_.is_owner(); }

  InstanceConfig cfg_;
  State state_ = State::init;
  Priority effective_;
  std::int32_t weight_total_ = 0;
  Duration mai_;
  bool if_down_ = false;
  bool track_fault_ = false;
  bool want_master_ = false;
  bool lower_prio_logged_ = false;   // keepalived logs "discarding" once per state
  bool owner_reduced_ = false;       // owner vs owner: we dropped to 254
  std::optional<TimePoint> preempt_since_;
  TimePoint last_advert_sent_{};     // MASTER: for timer_expired_backup
  TimePoint advert_due_{};           // MASTER: when the Adver_Timer that just fired was due
  Duration advert_offset_{};         // set_advert_offset
  Duration phased_interval() const;  // advert interval less the offset: the first re-arm
  std::optional<TimePoint> owner_conflict_since_;
  std::optional<IpAddress> master_address_;
  Priority master_priority_{};
  std::array<std::optional<TimePoint>, kTimerCount> deadlines_{};
};

}  // namespace vigil::vrrp
