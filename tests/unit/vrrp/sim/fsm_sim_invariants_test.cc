// One instance fed long random event sequences (a loop that fires its timers, random adverts,
// interface/tracker flaps, priority changes, sync-group forces, reloads, stale timer events),
// checking after every step the invariants the daemon relies on:
//   * the timers the actions arm/cancel are exactly the deadlines the machine reports;
//   * MASTER ⇔ advert timer armed; BACKUP ⇔ master-down timer armed; no timer in FAULT/STOP;
//   * VIPs/routes/rules/filter installed ⇔ MASTER (install and remove strictly alternate);
//   * state_changed actions chain (from = previous state) and match state();
//   * adverts carry the effective priority or 0 (resigning), never a deadline in the past.
// Replay a failing seed with VIGIL_SIM_SEED=<seed>.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <optional>
#include <vector>

#include "sim/rng.h"
#include "vrrp/instance.h"

namespace vigil::vrrp::sim {
namespace {

using namespace std::chrono_literals;

InstanceConfig random_config(Rng& rng) {
  InstanceConfig c;
  c.name = "VI_1";
  c.version = rng.chance(0.5) ? Version::v2 : Version::v3;
  c.advert_interval = c.version == Version::v2 ? Duration{1s} : Duration{rng.between(1, 30) * 100000};
  const bool owner = rng.chance(0.15);
  c.priority = Priority{owner ? std::uint8_t{255} : static_cast<std::uint8_t>(rng.between(1, 254))};
  c.want_master = owner && rng.chance(0.8);
  c.nopreempt = !owner && rng.chance(0.2);
  c.preempt_delay = rng.chance(0.2) ? Duration{rng.between(0, 5'000'000)} : Duration::zero();
  c.down_timer_adverts = static_cast<std::uint32_t>(rng.between(1, 5));
  c.lower_prio_no_advert = rng.chance(0.3);
  c.higher_prio_send_advert = rng.chance(0.3);
  c.owner_ignore_adverts = rng.chance(0.2);
  c.garp.master_delay = Duration{rng.between(0, 3) * 1'000'000};
  c.garp.master_refresh = Duration{rng.between(0, 2) * 2'000'000};
  c.garp.lower_prio_repeat = static_cast<std::uint32_t>(rng.between(0, 3));
  c.garp.extra_if_interval = Duration{rng.between(0, 1) * 3'000'000};
  c.startup_delay = rng.chance(0.2) ? Duration{rng.between(1, 3'000'000)} : Duration::zero();
  c.primary_address = IpAddress::v4({10, 0, 0, 5});
  c.accept = rng.chance(0.7);
  c.in_sync_group = rng.chance(0.3);
  return c;
}

Event random_event(Rng& rng, const InstanceConfig& cfg) {
  switch (rng.between(0, 14)) {
    case 0: case 1: case 2: case 3: case 4: {
      const auto host = static_cast<std::uint8_t>(rng.between(1, 9));
      const bool own_interval = rng.chance(0.9);
      return Event::advert_from(ReceivedAdvert{
          .source = IpAddress::v4({10, 0, 0, host}),
          .priority = Priority{static_cast<std::uint8_t>(rng.chance(0.1) ? 0 : rng.between(1, 255))},
          .interval = own_interval ? cfg.advert_interval : Duration{rng.between(1, 30) * 100000},
          .version = rng.chance(0.95) ? cfg.version : Version::v2,
          .addresses_match = rng.chance(0.95)});
    }
    case 5: return Event::of(rng.chance(0.5) ? EventKind::interface_down : EventKind::interface_up);
    case 6: return Event::of(rng.chance(0.5) ? EventKind::track_fault : EventKind::track_ok);
    case 7: return Event::weights(static_cast<std::int32_t>(rng.between(-300, 300)));
    case 8: {
      static constexpr EventKind kForce[] = {EventKind::sync_force_master, EventKind::sync_force_backup,
                                             EventKind::sync_force_fault};
      return Event::of(kForce[rng.between(0, 2)]);
    }
    case 9: return Event::of(EventKind::vip_lost);
    case 10: return Event::of(EventKind::startup);
    case 11: return Event::expired(static_cast<Timer>(rng.between(0, kTimerCount - 1)));  // maybe stale
    default: return Event::of(EventKind::master_down_expired);  // placeholder: the loop fires timers
  }
}

struct Checker {
  std::array<std::optional<TimePoint>, kTimerCount> armed{};
  bool vips = false, routes = false, rules = false, filter = false;
  State state = State::init;

  // Returns an empty string if every invariant holds, else what broke.
  std::string apply(const Instance& vi, const ActionBuffer& out, TimePoint now) {
    for (const Action& a : out) {
      switch (a.kind) {
        case ActionKind::arm_timer:
          if (a.deadline < now) return "deadline in the past";
          armed[static_cast<std::size_t>(a.timer)] = a.deadline;
          break;
        case ActionKind::cancel_timer:
          if (!armed[static_cast<std::size_t>(a.timer)]) return "cancel of an unarmed timer";
          armed[static_cast<std::size_t>(a.timer)].reset();
          break;
        case ActionKind::install_vips: if (vips) return "VIPs installed twice"; vips = true; break;
        case ActionKind::remove_vips: if (!vips) return "VIPs removed twice"; vips = false; break;
        case ActionKind::install_routes: routes = true; break;
        case ActionKind::remove_routes: routes = false; break;
        case ActionKind::install_rules: rules = true; break;
        case ActionKind::remove_rules: rules = false; break;
        case ActionKind::install_no_accept_filter: filter = true; break;
        case ActionKind::remove_no_accept_filter: filter = false; break;
        case ActionKind::state_changed:
          if (a.from != state) return "state_changed does not chain";
          state = a.state;
          break;
        case ActionKind::send_advert:
          if (a.priority != vi.effective_priority() && !a.priority.is_stop())
            return "advert with neither effective priority nor 0";
          break;
        default: break;
      }
    }
    if (state != vi.state()) return "state_changed disagrees with state()";
    for (std::size_t t = 0; t < kTimerCount; ++t) {
      if (armed[t] != vi.deadline(static_cast<Timer>(t))) return "timer views disagree";
    }
    const bool master = vi.state() == State::master;
    if (vips != master || routes != master || rules != master) return "VIPs installed ⇔ MASTER broken";
    if (filter && !master) return "no_accept filter outside MASTER";
    if (master != vi.deadline(Timer::advert).has_value()) return "MASTER ⇔ advert timer broken";
    if ((vi.state() == State::backup) != vi.deadline(Timer::master_down).has_value())
      return "BACKUP ⇔ master-down timer broken";
    if (vi.state() == State::fault || vi.state() == State::stop) {
      for (const auto& d : armed) if (d) return "timer armed in FAULT/STOP";
    }
    return {};
  }
};

TEST(FsmSimInvariants, RandomEventSequencesKeepTheInvariants) {
  std::vector<std::uint64_t> seeds;
  if (const char* one = std::getenv("VIGIL_SIM_SEED")) {
    seeds.push_back(std::strtoull(one, nullptr, 10));
  } else {
    const char* runs = std::getenv("VIGIL_SIM_RUNS");
    const std::uint64_t n = runs ? std::strtoull(runs, nullptr, 10) : 1000;
    for (std::uint64_t s = 7000; s < 7000 + n; ++s) seeds.push_back(s);
  }
  std::array<long, 5> steps_in{};  // per State: the generator must reach every state
  for (std::uint64_t seed : seeds) {
    Rng rng{seed};
    const InstanceConfig cfg = random_config(rng);
    Instance vi{cfg};
    Checker check;
    ActionBuffer out;
    TimePoint now = TimePoint{} + 1h;
    for (int step = 0; step < 300; ++step) {
      Event ev = random_event(rng, cfg);
      now += Duration{rng.between(0, 700'000)};
      // The loop fires due timers first, in deadline order, like the daemon's scheduler.
      std::optional<std::size_t> due;
      for (std::size_t t = 0; t < kTimerCount; ++t) {
        if (check.armed[t] && *check.armed[t] <= now && (!due || *check.armed[t] < *check.armed[*due])) due = t;
      }
      if (due) {
        now = *check.armed[*due];
        check.armed[*due].reset();
        ev = Event::expired(static_cast<Timer>(*due));
      } else if (ev.kind == EventKind::master_down_expired) {
        continue;
      }
      if (step >= 150 && step % 50 == 0 && !due) ev = Event::reload_with(cfg);
      out.clear();
      vi.step(ev, now, out);
      const std::string broken = check.apply(vi, out, now);
      ASSERT_TRUE(broken.empty()) << broken << " after " << to_string(ev.kind) << " at step "
                                  << step << "; seed=" << seed;
      ++steps_in[static_cast<std::size_t>(vi.state())];
    }
  }
  if (seeds.size() > 1) {
    for (State s : {State::init, State::backup, State::master, State::fault}) {
      EXPECT_GT(steps_in[static_cast<std::size_t>(s)], 1000) << to_string(s);
    }
  }
}

}  // namespace
}  // namespace vigil::vrrp::sim
