// The state machine's actions, performed in the order Instance::step() emitted them
// (vrrp/instance.h lists the contract per action).
#include <fmt/format.h>

#include <cerrno>

#include "runtime/engine.h"

namespace vigil::runtime {

using event::Fired;
using vrrp::ActionKind;
using vrrp::LogLevel;

void Engine::step(RtInstance& in, const vrrp::Event& ev) { step(in, ev, loop_.now()); }

void Engine::step(RtInstance& in, const vrrp::Event& ev, vrrp::TimePoint at) {
  // A local buffer: performing want_master steps the sync group's members (this one included),
  // and the buffer must not be shared with a nested step. want_master goes last: the group may
  // make this instance MASTER at once, cancelling the master_down timer the same step re-armed
  // (act_want_master) — armed after that, it would fire in MASTER ("unexpected event").
  vrrp::ActionBuffer out;
  in.fsm.step(ev, at, out);
  bool wants_master = false;
  for (const vrrp::Action& a : out) {
    if (a.kind == ActionKind::want_master) {
      wants_master = true;
      continue;
    }
    perform(in, a);
  }
  if (wants_master) perform(in, vrrp::Action::of(ActionKind::want_master));
}

void Engine::perform(RtInstance& in, const vrrp::Action& a) {
  switch (a.kind) {
    case ActionKind::send_advert:
      if (a.priority.is_stop() && in.stop_advert_sent) {  // stop_phase1 sent it already
        in.stop_advert_sent = false;
        break;
      }
      send_advert(in, a.priority);
      break;
    case ActionKind::arm_timer: arm(in, a.timer, a.deadline); break;
    case ActionKind::cancel_timer: in.timers.cancel(vrrp::index(a.timer)); break;
    case ActionKind::install_vips:
      if (debug_logging_) log(LogLevel::debug, fmt::format("({}) setting VIPs.", in.name));
      change_vips(in, true);
      break;
    case ActionKind::remove_vips:
      if (debug_logging_) log(LogLevel::debug, fmt::format("({}) removing VIPs.", in.name));
      change_vips(in, false);
      break;
    case ActionKind::send_garp: send_garps(in, a.count); break;
    case ActionKind::install_routes: change_routes(in, true, false); break;
    case ActionKind::remove_routes: change_routes(in, false, false); break;
    case ActionKind::install_rules: change_routes(in, true, true); break;
    case ActionKind::remove_rules: change_routes(in, false, true); break;
    case ActionKind::state_changed: on_state_changed(in, a); break;
    case ActionKind::log:
      if (a.level != LogLevel::debug || debug_logging_) log(a.level, vrrp::format_log(a, in.name));
      break;
    case ActionKind::notify:
    case ActionKind::notify_priority:
    case ActionKind::notify_master_rx_lower_pri: notify(in, a); break;
    case ActionKind::want_master:
      if (in.sync != nullptr) {
        std::vector<vrrp::SyncAction> out;
        in.sync->group.on_member_wants_master(in.sync_index, out);
        run_sync(*in.sync, out);
      }
      break;
    case ActionKind::want_master_withdrawn:
      if (in.sync != nullptr) in.sync->group.on_member_withdraws_master(in.sync_index);
      break;
    default:
      // Not wired yet: the no-accept filter and extra-interface GARPs
      // (listed as missing in the engine's report).
      break;
  }
}

void Engine::arm(RtInstance& in, vrrp::Timer t, vrrp::TimePoint deadline) {
  event::TaskHandle& h = in.timers[vrrp::index(t)];
  if (h.active() && loop_.retime(h, deadline)) return;
  h = loop_.add_timer_at(deadline, [this, p = &in, t](const Fired&) { on_timer(*p, t); });
}

void Engine::on_timer(RtInstance& in, vrrp::Timer t) { step(in, vrrp::Event::expired(t)); }

void Engine::send_advert(RtInstance& in, vrrp::Priority p) {
  if (in.channel == nullptr) return;
  in.advert.priority = p;
  bool all_sent = true;
  auto send_to = [&](const vrrp::IpAddress& dst, bool queue) {
    vrrp::Expected<std::size_t, vrrp::EncodeError> len =
        in.key.family == vrrp::Family::inet
            ? vrrp::encode_ipv4(in.advert,
                                vrrp::Ipv4Fields{.source = in.source, .destination = dst, .ttl = in.ttl,
                                                 .id = ++in.ip_id},
                                in.expect.checksum, txbuf_)
            : vrrp::encode(in.advert, in.source, dst, in.expect.checksum, txbuf_);
    if (!len) {
      all_sent = false;
      if (!in.send_failing) {
        log(LogLevel::error, fmt::format("({}) cannot encode advert: {}", in.name, vrrp::to_string(len.error())));
      }
      return;
    }
    if (queue) {
      constexpr std::size_t kMaxQueued = 256, kArenaBytes = 64 * 1024;
      if (tx_queue_.size() >= kMaxQueued || tx_arena_.size() + *len > kArenaBytes) flush_adverts();
      tx_queue_.push_back({&in, in.channel, static_cast<std::uint32_t>(tx_arena_.size()),
                           static_cast<std::uint32_t>(*len), p.is_stop()});
      tx_arena_.insert(tx_arena_.end(), txbuf_.begin(), txbuf_.begin() + static_cast<std::ptrdiff_t>(*len));
      if (!tx_flush_.active()) tx_flush_ = loop_.add_timer_at(loop_.now(), [this](const Fired&) { flush_adverts(); });
      return;
    }
    auto st = in.channel->sender().send(std::span<const std::uint8_t>(txbuf_.data(), *len), dst);
    if (!st) {
      all_sent = false;
      if (!in.send_failing) {
        log(LogLevel::error, fmt::format("({}) Cant send advert to {} ({})", in.name, dst.to_string(),
                                         st.error().str()));
      }
    }
  };
  if (in.peers.empty()) {
    send_to(in.group, true);  // counted when flush_adverts() has sent it
    if (!all_sent) {          // could not be encoded
      in.send_failing = true;
      ++in.tx.send_errors;
    }
    return;
  }
  for (const auto& peer : in.peers) send_to(peer.address, false);
  in.send_failing = !all_sent;
  if (!all_sent) {
    ++in.tx.send_errors;
    return;
  }
  ++in.tx.adverts_sent;
  if (p.is_stop()) ++in.tx.priority_zero_sent;
}

void Engine::flush_adverts() {
  tx_flush_.cancel();
  if (tx_queue_.empty()) return;
  // Per channel, in the order the channels first appear (a pass usually holds one run per
  // interface: timers fall due in the order the instances were started).
  for (std::size_t first = 0; first < tx_queue_.size(); ++first) {
    Channel* ch = tx_queue_[first].ch;
    if (ch == nullptr) continue;
    tx_group_.clear();
    tx_packets_.clear();
    for (std::size_t i = first; i < tx_queue_.size(); ++i) {
      TxQueued& q = tx_queue_[i];
      if (q.ch != ch) continue;
      tx_group_.push_back(i);
      tx_packets_.push_back({std::span<const std::uint8_t>(tx_arena_.data() + q.offset, q.len), q.in->group});
    }
    tx_results_.assign(tx_packets_.size(), net::Status{});
    ch->sender().send_many(tx_packets_, tx_results_);
    for (std::size_t k = 0; k < tx_group_.size(); ++k) {
      TxQueued& q = tx_queue_[tx_group_[k]];
      RtInstance& in = *q.in;
      q.ch = nullptr;  // done
      const net::Status& st = tx_results_[k];
      if (!st) {
        if (!in.send_failing) {
          log(LogLevel::error, fmt::format("({}) Cant send advert to {} ({})", in.name, in.group.to_string(),
                                           st.error().str()));
        }
        in.send_failing = true;
        ++in.tx.send_errors;
        continue;
      }
      in.send_failing = false;
      ++in.tx.adverts_sent;
      if (q.stop) ++in.tx.priority_zero_sent;
    }
  }
  tx_queue_.clear();
  tx_arena_.clear();
}

void Engine::change_vips(RtInstance& in, bool install) {
  in.vips_installed = install;
  if (!install && stopped_ && keep_on_stop_) return;  // -V
  if (!nl_ || in.vip_specs.empty()) return;
  if (!nl_batch_) nl_batch_.emplace(nl_->batch());
  for (std::uint32_t i = 0; i < in.vip_specs.size(); ++i) {
    nl_batch_->add(install ? net::Op::add : net::Op::remove, in.vip_specs[i]);
    nl_changes_.push_back({&in, NlChange::What::vip, i, install});
  }
  netlink_queued();
}

void Engine::change_routes(RtInstance& in, bool install, bool rules) {
  if (!nl_ || (!install && stopped_ && keep_on_stop_)) return;  // -V
  if (install && !rules) {
    for (const auto& line : in.unsupported_lines) {
      log(LogLevel::warning, fmt::format("({}) {}: not supported by vigil yet - skipped", in.name, line));
    }
    in.unsupported_lines.clear();
  }
  const std::size_t n = rules ? in.rule_specs.size() : in.route_specs.size();
  if (n == 0) return;
  if (!nl_batch_) nl_batch_.emplace(nl_->batch());
  const net::Op op = install ? net::Op::add : net::Op::remove;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (rules) {
      nl_batch_->add(op, in.rule_specs[i]);
    } else {
      nl_batch_->add(op, in.route_specs[i]);
    }
    nl_changes_.push_back({&in, rules ? NlChange::What::rule : NlChange::What::route, i, install});
  }
  netlink_queued();
}

void Engine::notify(RtInstance& in, const vrrp::Action& a) {
  if (!notifier_) return;
  if (a.kind == ActionKind::notify_master_rx_lower_pri) {
    notifier_->master_rx_lower_pri(in.name, a.priority.value, in.scripts);
    return;
  }
  if (a.kind == ActionKind::notify_priority) {
    notifier_->priority_changed(in.name, a.state == vrrp::State::master, a.priority.value, in.scripts);
    return;
  }
  track::NotifyState st;
  switch (a.state) {
    case vrrp::State::master: st = track::NotifyState::master; break;
    case vrrp::State::backup: st = track::NotifyState::backup; break;
    case vrrp::State::fault: st = track::NotifyState::fault; break;
    case vrrp::State::stop: st = in.removed ? track::NotifyState::deleted : track::NotifyState::stop; break;
    case vrrp::State::init:
    default: return;
  }
  notifier_->state_change(track::NotifyKind::instance, in.name, st, a.priority.value, in.scripts);
}

void Engine::on_state_changed(RtInstance& in, const vrrp::Action& a) {
  if (a.state == vrrp::State::master) ++in.tx.become_master;
  if (a.from == vrrp::State::master && a.state != vrrp::State::master) {
    ++in.tx.release_master;
    forget_garps(in);  // queued GARPs of a former master would announce the wrong owner
  }
  in.last_transition = wall_clock_();
  if (in.sync != nullptr && a.state != vrrp::State::stop) {
    std::vector<vrrp::SyncAction> out;
    in.sync->group.on_member_state(in.sync_index, a.state, out);
    run_sync(*in.sync, out);
  }
}

}  // namespace vigil::runtime
