// fuzz_vrrp_fsm: one vrrp::Instance driven by an arbitrary configuration and an arbitrary sequence
// of (time advance, event) pairs, with the invariants of the state machine checked after every
// step. A violation aborts, and libFuzzer keeps the input.
//
// The driver plays the glue's part of the contract in instance.h: it keeps the timers the actions
// arm (one per Timer) and, when time advances, fires every due timer in deadline order through
// Event::expired() — exactly what the event loop does. It also mirrors what the actions install
// (VIPs, routes, rules, the no-accept filter) and the state the state_changed actions report.
//
// Input layout (missing bytes read as 0):
//   bytes 0..15   the instance configuration (decode_config below; every value bounded)
//   then 3-byte operations: selector, p1, p2 (decode_op below). `startup` is always the first
//   event, as the daemon sends it once.
//
// Invariants (check_* below):
//   - the state is one of the five, and every state_changed action starts from the state the
//     previous one entered; notify actions name the state just entered;
//   - a timer is armed at or after `now`; a timer that fired is not re-armed for the same instant
//     (the loop would spin); the machine's deadlines equal the ones its actions armed;
//   - VIPs, routes and rules are installed exactly while MASTER; the no-accept filter exactly while
//     MASTER with Accept_Mode off and not the owner; nothing is installed twice or removed when
//     absent;
//   - MASTER has its advert timer and no down timer; BACKUP its down timer and no MASTER timer;
//     FAULT and STOP neither; STOP nothing at all;
//   - the effective priority is clamp(base + weights, 1, 254), or 255/254 for an owner; adverts go
//     out with priority 0 or the effective priority, the latter only from (or into) MASTER.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "vrrp/actions.h"
#include "vrrp/events.h"
#include "vrrp/instance.h"
#include "vrrp/instance_config.h"
#include "vrrp/priority.h"

namespace {

using namespace vigil::vrrp;
using std::chrono::milliseconds;
using std::chrono::seconds;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_vrrp_fsm: invariant violated: %s\n", what);
  std::abort();
}

void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  std::uint8_t byte() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  bool empty() const { return n_ == 0; }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

IpAddress address(Family f, std::uint8_t last) {
  if (f == Family::inet) return IpAddress::v4({10, 0, 0, last});
  std::array<std::uint8_t, 16> b{0xfe, 0x80};
  b[15] = last;
  return IpAddress::v6(b);
}

Priority config_priority(std::uint8_t b) { return Priority{b == 0 ? Priority::kOwner : b}; }

// v2 intervals are whole seconds (1..8 here), v3 multiples of 10 ms (10 ms..2.56 s).
Duration interval_from(Version v, std::uint8_t b) {
  if (v == Version::v2) return seconds{1 + b % 8};
  return milliseconds{10 * (1 + b)};
}

InstanceConfig decode_config(Reader& r) {
  InstanceConfig c;
  c.name = "VI_FUZZ";
  const std::uint8_t f = r.byte();
  c.version = (f & 0x01) ? Version::v3 : Version::v2;
  c.family = (f & 0x02) && c.version == Version::v3 ? Family::inet6 : Family::inet;
  c.want_master = f & 0x04;
  c.nopreempt = f & 0x08;
  c.lower_prio_no_advert = f & 0x10;
  c.higher_prio_send_advert = f & 0x20;
  c.owner_ignore_adverts = f & 0x40;
  c.accept = f & 0x80;
  c.priority = config_priority(r.byte());
  c.advert_interval = interval_from(c.version, r.byte());
  c.down_timer_adverts = 1 + r.byte() % 100;
  c.preempt_delay = milliseconds{250 * (r.byte() % 16)};
  const std::uint8_t teb = r.byte();
  if (teb != 0) c.timer_expired_backup = Priority{teb};
  c.garp.master_delay = seconds{r.byte() % 8};
  c.garp.master_repeat = r.byte() % 6;
  c.garp.master_refresh = seconds{r.byte() % 8};
  c.garp.master_refresh_repeat = r.byte() % 4;
  c.garp.lower_prio_delay = seconds{r.byte() % 8};
  c.garp.lower_prio_repeat = r.byte() % 6;
  c.garp.extra_if_interval = seconds{r.byte() % 8};
  const std::uint8_t s = r.byte();
  c.startup_delay = seconds{s % 4};
  c.in_sync_group = s & 0x80;
  c.primary_address = address(c.family, r.byte());
  r.byte();  // reserved
  return c;
}

// A SIGHUP's new configuration for the same instance: the values an operator can change (VRID,
// version, family, address and vrrp_startup_delay stay).
InstanceConfig reloaded(const InstanceConfig& old, std::uint8_t p1, std::uint8_t p2) {
  InstanceConfig c = old;
  c.priority = config_priority(p1);
  c.accept = p2 & 0x01;
  c.nopreempt = p2 & 0x02;
  if (p2 & 0x04) c.advert_interval = interval_from(c.version, p1);
  c.garp.master_refresh = (p2 & 0x08) ? seconds{1 + p1 % 4} : Duration::zero();
  c.garp.extra_if_interval = (p2 & 0x10) ? seconds{1 + p1 % 3} : Duration::zero();
  c.garp.master_delay = (p2 & 0x20) ? seconds{1 + p1 % 5} : Duration::zero();
  c.in_sync_group = p2 & 0x40;
  c.want_master = p2 & 0x80;
  return c;
}

// What the glue holds on the machine's behalf, rebuilt from the actions alone.
struct World {
  TimePoint now = TimePoint{} + std::chrono::hours{1000};
  State state = State::init;
  std::array<std::optional<TimePoint>, kTimerCount> timers{};
  bool vips = false, routes = false, rules = false, filter = false;
  std::int32_t weight_total = 0;
};

void toggle(bool& installed, bool install, State state, const char* what) {
  check(installed != install, what);
  if (install) check(state == State::master, "installed outside MASTER");
  installed = install;
}

// Walks one step's actions in order, updating the world and checking each against it.
void apply_actions(const Instance& vi, const Event& ev, State before, const ActionBuffer& out,
                   World& w) {
  const bool self_expiry = is_expiry(ev.kind);
  for (const Action& a : out) {
    switch (a.kind) {
      case ActionKind::state_changed:
        check(a.from == w.state, "state_changed from a state we were not in");
        check(a.state <= State::stop, "state out of range");
        w.state = a.state;
        break;
      case ActionKind::notify:
        check(a.state == w.state, "notify names a state other than the one entered");
        break;
      case ActionKind::arm_timer:
        check(a.deadline >= w.now, "timer armed in the past");
        if (self_expiry && a.timer == timer_of(ev.kind) && a.deadline == w.now) {
          std::fprintf(stderr, "fuzz_vrrp_fsm: timer %s\n", to_string(a.timer).data());
          fail("a timer that fired was re-armed for the same instant");
        }
        w.timers[index(a.timer)] = a.deadline;
        break;
      case ActionKind::cancel_timer:
        check(w.timers[index(a.timer)].has_value(), "cancelled a timer that is not armed");
        w.timers[index(a.timer)].reset();
        break;
      case ActionKind::install_vips: toggle(w.vips, true, w.state, "VIPs installed twice"); break;
      case ActionKind::remove_vips: toggle(w.vips, false, w.state, "VIPs removed when absent"); break;
      case ActionKind::install_routes: toggle(w.routes, true, w.state, "routes installed twice"); break;
      case ActionKind::remove_routes: toggle(w.routes, false, w.state, "routes removed when absent"); break;
      case ActionKind::install_rules: toggle(w.rules, true, w.state, "rules installed twice"); break;
      case ActionKind::remove_rules: toggle(w.rules, false, w.state, "rules removed when absent"); break;
      case ActionKind::install_no_accept_filter:
        toggle(w.filter, true, w.state, "no-accept filter installed twice");
        break;
      case ActionKind::remove_no_accept_filter:
        toggle(w.filter, false, w.state, "no-accept filter removed when absent");
        break;
      case ActionKind::send_advert:
        if (!a.priority.is_stop()) {
          check(a.priority == vi.effective_priority(), "advert with a stale priority");
          check(before == State::master || vi.state() == State::master,
                "non-zero advert outside MASTER");
        } else {
          check(before == State::master, "priority-0 advert from a non-MASTER");
        }
        break;
      default: break;
    }
  }
}

void check_instance(const Instance& vi, const World& w) {
  const State s = vi.state();
  check(s <= State::stop, "state out of range");
  check(s == w.state, "state differs from the one the actions reported");
  for (std::size_t i = 0; i < kTimerCount; ++i) {
    check(vi.deadline(static_cast<Timer>(i)) == w.timers[i], "deadline differs from the actions");
    if (w.timers[i]) check(*w.timers[i] >= w.now, "armed deadline in the past");
  }
  const bool master = s == State::master;
  check(w.vips == master && w.routes == master && w.rules == master,
        "VIPs/routes/rules installed iff MASTER");
  const InstanceConfig& c = vi.config();
  check(w.filter == (master && !c.accept && !c.is_owner()),
        "no-accept filter installed iff MASTER with Accept_Mode off");

  auto armed = [&](Timer t) { return w.timers[index(t)].has_value(); };
  const bool master_timer = armed(Timer::advert) || armed(Timer::garp_delay) ||
                            armed(Timer::garp_refresh) || armed(Timer::lower_prio_garp) ||
                            armed(Timer::garp_extra_if);
  switch (s) {
    case State::master:
      check(armed(Timer::advert), "MASTER without an advert timer");
      check(!armed(Timer::master_down), "MASTER with a down timer");
      break;
    case State::backup:
      check(armed(Timer::master_down), "BACKUP without a down timer");
      check(!master_timer, "BACKUP with a MASTER timer");
      break;
    case State::fault:
      check(!master_timer && !armed(Timer::master_down), "FAULT with a running timer");
      break;
    case State::stop:
      check(std::none_of(w.timers.begin(), w.timers.end(), [](const auto& t) { return t; }),
            "STOP with a timer armed");
      break;
    case State::init:
      check(!master_timer && !armed(Timer::master_down), "INIT with a running timer");
      break;
  }

  const Priority eff = vi.effective_priority();
  if (c.is_owner()) {
    check(eff.value == 255 || eff.value == 254, "owner's effective priority not 255/254");
  } else {
    if (eff != effective_priority(c.priority, w.weight_total)) {
      std::fprintf(stderr, "fuzz_vrrp_fsm: base %d, weights %d, effective %d\n", c.priority.value,
                   w.weight_total, eff.value);
      fail("effective priority is not clamp(base + weights)");
    }
  }
  check(vi.master_adver_interval() > Duration::zero(), "Master_Adver_Interval not positive");
}

class Driver {
 public:
  explicit Driver(InstanceConfig c) : cfg_(std::move(c)), vi_(cfg_) {}

  void step(const Event& ev) {
    if (is_expiry(ev.kind)) {  // the machine consumes a due timer; mirror it
      auto& t = w_.timers[index(timer_of(ev.kind))];
      if (t && w_.now >= *t) t.reset();
    }
    // STOP ignores everything, new weights included.
    if (ev.kind == EventKind::priority_changed && vi_.state() != State::stop) {
      w_.weight_total = ev.weight_total;
    }
    const State before = vi_.state();
    out_.clear();
    vi_.step(ev, w_.now, out_);
    apply_actions(vi_, ev, before, out_, w_);
    check_instance(vi_, w_);
  }

  // The loop: fire every timer due by `target`, earliest first, then move to `target`.
  void advance_to(TimePoint target) {
    int same_instant = 0;
    for (;;) {
      std::optional<std::size_t> next;
      for (std::size_t i = 0; i < kTimerCount; ++i) {
        if (w_.timers[i] && *w_.timers[i] <= target &&
            (!next || *w_.timers[i] < *w_.timers[*next])) {
          next = i;
        }
      }
      if (!next) break;
      const TimePoint at = *w_.timers[*next];
      same_instant = at == w_.now ? same_instant + 1 : 0;
      check(same_instant < 64, "timers keep firing without time advancing");
      w_.now = at;
      step(Event::expired(static_cast<Timer>(*next)));
    }
    w_.now = target;
  }

  // Fires only the earliest armed timer (jumping to its deadline); nothing armed: no-op.
  void fire_next() {
    std::optional<TimePoint> next;
    for (const auto& t : w_.timers) {
      if (t && (!next || *t < *next)) next = t;
    }
    if (next) advance_to(*next);
  }

  const InstanceConfig& config() const { return vi_.config(); }
  TimePoint now() const { return w_.now; }

 private:
  InstanceConfig cfg_;
  Instance vi_;
  World w_;
  ActionBuffer out_;
};

ReceivedAdvert decode_advert(const InstanceConfig& c, std::uint8_t sel, std::uint8_t p1,
                             std::uint8_t p2) {
  ReceivedAdvert a;
  a.priority = Priority{p1};
  a.source = address(c.family, p2);
  a.version = (sel & 0x20) ? (c.version == Version::v2 ? Version::v3 : Version::v2) : c.version;
  a.addresses_match = !(sel & 0x40) || (p2 & 1);
  if (c.version == Version::v2) {
    a.interval = (sel & 0x80) ? interval_from(Version::v2, p2) : c.advert_interval;
  } else {
    a.interval = (sel & 0x80) ? interval_from(Version::v3, p2) : c.advert_interval;
  }
  return a;
}

void run_op(Driver& d, std::uint8_t sel, std::uint8_t p1, std::uint8_t p2) {
  const std::uint16_t p = static_cast<std::uint16_t>(p1 | (p2 << 8));
  switch (sel & 0x1f) {
    case 0: case 1: case 2: case 3: case 4: case 5:
    case 26: case 27: case 28: case 29: case 30: case 31: return d.fire_next();
    case 6: return d.advance_to(d.now() + Duration{100} * p);  // up to 6.5 s
    case 7: case 20: case 21: case 22: case 23: case 24: case 25:
      return d.step(Event::advert_from(decode_advert(d.config(), sel, p1, p2)));
    case 8: return d.step(Event::of(EventKind::shutdown));
    case 9: return d.step(Event::of(EventKind::interface_up));
    case 10: return d.step(Event::of(EventKind::interface_down));
    case 11: return d.step(Event::of(EventKind::track_fault));
    case 12: return d.step(Event::of(EventKind::track_ok));
    case 13: return d.step(Event::weights(static_cast<std::int8_t>(p1) * (1 + p2 % 4)));
    case 14: {
      const InstanceConfig next = reloaded(d.config(), p1, p2);
      return d.step(Event::reload_with(next));
    }
    case 15: return d.step(Event::of(EventKind::vip_lost));
    case 16: return d.step(Event::of(EventKind::sync_force_master));
    case 17: return d.step(Event::of(EventKind::sync_force_backup));
    case 18: return d.step(Event::of(EventKind::sync_force_fault));
    case 19:  // a stray or early expiry, as a loop that fires early would deliver
      return d.step(Event::expired(static_cast<Timer>(p1 % kTimerCount)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader r(data, size);
  Driver d(decode_config(r));
  d.step(Event::of(EventKind::startup));
  for (int ops = 0; !r.empty() && ops < 512; ++ops) {
    const std::uint8_t sel = r.byte(), p1 = r.byte(), p2 = r.byte();
    run_op(d, sel, p1, p2);
  }
  return 0;
}
