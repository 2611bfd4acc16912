// Elections over a simulated LAN (sim/lan.h) running the real state machine.
//
// Scenario tests first, then properties over thousands of random runs with fixed seeds. A failing
// run prints its seed and transition trace; replay it alone with
//   VIGIL_SIM_SEED=<seed> fsm_sim_test --gtest_filter='FsmSimProperty.*'
// VIGIL_SIM_RUNS=<n> changes the number of random runs (default 1500 chaos + 1000 failover; 30,000 of each pass).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "sim/lan.h"
#include "vrrp/timers.h"

namespace vigil::vrrp::sim {
namespace {

using namespace std::chrono_literals;

InstanceConfig router_config(int host, std::uint8_t prio, Version v = Version::v2,
                             Duration adv = 1s) {
  InstanceConfig c;
  c.name = "VI_" + std::to_string(host);
  c.vrid = Vrid{51};
  c.version = v;
  c.priority = Priority{prio};
  c.want_master = prio == Priority::kOwner;
  c.advert_interval = adv;
  c.primary_address = *IpAddress::parse("10.0.0." + std::to_string(host));
  return c;
}

// Master_Down_Interval of a config at its own interval and base priority.
Duration mdi(const InstanceConfig& c) {
  return master_down_interval(c.version, c.priority, c.advert_interval, c.down_timer_adverts);
}

// ---- scenarios ---------------------------------------------------------------------------------

TEST(FsmSim, EqualPrioritiesStartingTogetherElectTheHigherAddress) {
  Lan lan{1, {.min_delay = 1ms, .max_delay = 1ms}};
  auto a = lan.add_router(router_config(1, 100));
  auto b = lan.add_router(router_config(2, 100));
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); l.start(b); });
  lan.run_until(lan.epoch() + 10s);
  // Both time out at 3.609375 s, both become MASTER, 10.0.0.1 yields to 10.0.0.2 (RFC 5798 §6.4.3).
  EXPECT_EQ(lan.masters(), std::vector<std::size_t>{b}) << lan.trace();
}

TEST(FsmSim, HigherPriorityPreemptsAfterItsDownTimer) {
  Lan lan{2, {.min_delay = 1ms, .max_delay = 1ms}};
  auto a = lan.add_router(router_config(1, 100));
  auto b = lan.add_router(router_config(2, 200));
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); });
  lan.at(lan.epoch() + 10s, [&](Lan& l) { l.start(b); });
  lan.run_until(lan.epoch() + 30s);
  EXPECT_EQ(lan.masters(), std::vector<std::size_t>{b}) << lan.trace();
  // b discards a's lower-priority adverts and takes over when its own down timer runs out.
  const auto& t = lan.transitions();
  auto it = std::find_if(t.begin(), t.end(), [&](const Transition& x) {
    return x.router == b && x.to == State::master;
  });
  ASSERT_NE(it, t.end());
  EXPECT_EQ(it->at, lan.epoch() + 10s + mdi(router_config(2, 200)));
}

TEST(FsmSim, NopreemptKeepsTheExistingMaster) {
  Lan lan{3, {.min_delay = 1ms, .max_delay = 1ms}};
  auto a = lan.add_router(router_config(1, 100));
  InstanceConfig cb = router_config(2, 200);
  cb.nopreempt = true;
  auto b = lan.add_router(cb);
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); });
  lan.at(lan.epoch() + 10s, [&](Lan& l) { l.start(b); });
  lan.run_until(lan.epoch() + 30s);
  EXPECT_EQ(lan.masters(), std::vector<std::size_t>{a}) << lan.trace();
  // When a vanishes, b takes over after its down timer.
  lan.at(lan.epoch() + 30s, [&](Lan& l) { l.crash(a); });
  lan.run_until(lan.epoch() + 40s);
  EXPECT_EQ(lan.masters(), std::vector<std::size_t>{b}) << lan.trace();
}

TEST(FsmSim, OwnerTakesOverAtOnceWhenItStarts) {
  Lan lan{4, {.min_delay = 1ms, .max_delay = 1ms}};
  auto a = lan.add_router(router_config(1, 200));
  auto o = lan.add_router(router_config(2, 255));
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); });
  lan.at(lan.epoch() + 10s, [&](Lan& l) { l.start(o); });
  lan.run_until(lan.epoch() + 10s + 2ms);
  EXPECT_EQ(lan.masters(), std::vector<std::size_t>{o}) << lan.trace();
}

TEST(FsmSim, GracefulShutdownHandsOverAfterSkew) {
  Lan lan{5, {.min_delay = 1ms, .max_delay = 1ms}};
  auto a = lan.add_router(router_config(1, 100));
  auto b = lan.add_router(router_config(2, 200));
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); l.start(b); });
  lan.at(lan.epoch() + 10s, [&](Lan& l) { l.shutdown(b); });
  lan.run_until(lan.epoch() + 11s);
  ASSERT_EQ(lan.masters(), std::vector<std::size_t>{a}) << lan.trace();
  // Priority 0 → a's timer is its skew (609375 us) after the 1 ms delivery.
  EXPECT_EQ(lan.transitions().back().at, lan.epoch() + 10s + 1ms + 609375us);
}

TEST(FsmSim, PartitionMakesTwoMastersAndHealingLeavesOne) {
  Lan lan{6, {.min_delay = 1ms, .max_delay = 2ms}};
  auto a = lan.add_router(router_config(1, 100));
  auto b = lan.add_router(router_config(2, 150));
  auto c = lan.add_router(router_config(3, 120));
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); l.start(b); l.start(c); });
  lan.at(lan.epoch() + 10s, [&](Lan& l) { l.partition({0, 1, 0}); });
  lan.run_until(lan.epoch() + 20s);
  auto split = lan.masters();
  std::sort(split.begin(), split.end());
  EXPECT_EQ(split, (std::vector<std::size_t>{b, c})) << lan.trace();
  lan.at(lan.epoch() + 20s, [&](Lan& l) { l.heal(); });
  lan.run_until(lan.epoch() + 30s);
  EXPECT_EQ(lan.masters(), std::vector<std::size_t>{b}) << lan.trace();
}

TEST(FsmSim, TrackedPriorityDropHandsOver) {
  Lan lan{7, {.min_delay = 1ms, .max_delay = 1ms}};
  auto a = lan.add_router(router_config(1, 100));
  auto b = lan.add_router(router_config(2, 150));
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); l.start(b); });
  lan.at(lan.epoch() + 10s, [&](Lan& l) { l.set_weights(b, -60); });  // b now 90
  lan.run_until(lan.epoch() + 20s);
  EXPECT_EQ(lan.masters(), std::vector<std::size_t>{a}) << lan.trace();
}

// ---- properties over random runs -------------------------------------------------------------

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Seeds to run: one (VIGIL_SIM_SEED) or `runs` consecutive ones from `base`.
std::vector<std::uint64_t> seeds(std::uint64_t base, std::uint64_t runs) {
  if (const char* one = std::getenv("VIGIL_SIM_SEED")) return {std::strtoull(one, nullptr, 10)};
  std::vector<std::uint64_t> s;
  for (std::uint64_t i = 0; i < env_or("VIGIL_SIM_RUNS", runs); ++i) s.push_back(base + i);
  return s;
}

struct Cluster {
  std::vector<InstanceConfig> configs;
  Duration adv{};
  Duration max_mdi{};
  bool nopreempt = false;
};

// 2–5 routers, v2 or v3, random interval, priorities drawn from a small pool (ties happen), maybe
// an owner, maybe everyone nopreempt.
Cluster random_cluster(Rng& rng) {
  Cluster c;
  const int n = static_cast<int>(rng.between(2, 5));
  const Version v = rng.chance(0.5) ? Version::v2 : Version::v3;
  c.adv = v == Version::v2 ? Duration{std::chrono::seconds{rng.between(1, 3)}}
                           : Duration{std::chrono::milliseconds{10 * rng.between(5, 100)}};
  c.nopreempt = rng.chance(0.25);
  const bool owner = !c.nopreempt && rng.chance(0.15);
  static constexpr std::uint8_t kPool[] = {1, 50, 100, 100, 150, 200, 200, 254};
  for (int i = 0; i < n; ++i) {
    const std::uint8_t prio = (owner && i == 0) ? 255 : kPool[rng.between(0, 7)];
    InstanceConfig cfg = router_config(i + 1, prio, v, c.adv);
    cfg.nopreempt = c.nopreempt;
    cfg.down_timer_adverts = static_cast<std::uint32_t>(rng.chance(0.2) ? rng.between(1, 5) : 3);
    c.max_mdi = std::max(c.max_mdi, master_down_interval(v, Priority{1}, c.adv,
                                                         cfg.down_timer_adverts));
    c.configs.push_back(std::move(cfg));
  }
  return c;
}

// The best effective priority among live routers.
Priority best_priority(const Lan& lan) {
  Priority best{0};
  for (std::size_t r = 0; r < lan.size(); ++r) {
    if (lan.alive(r)) best = std::max(best, lan.router(r).effective_priority());
  }
  return best;
}

// Starts every router at a random time in the first two advert intervals.
void schedule_starts(Lan& lan, Rng& rng, Duration adv) {
  for (std::size_t r = 0; r < lan.size(); ++r) {
    lan.at(lan.epoch() + Duration{rng.between(0, 2 * adv.count())}, [r](Lan& l) { l.start(r); });
  }
}

// Up to 10 random disturbances before `until`: partitions, heals, crashes, shutdowns, restarts,
// tracker weight changes, bad network conditions (up to 50 % loss, adv/4 jitter).
void schedule_chaos(Lan& lan, Rng& rng, TimePoint until, Duration adv) {
  const std::size_t n = lan.size();
  const auto span = std::chrono::duration_cast<Duration>(until - lan.epoch()).count();
  for (int i = 0, steps = static_cast<int>(rng.between(0, 10)); i < steps; ++i) {
    const TimePoint when = lan.epoch() + Duration{rng.between(0, span - 1)};
    const auto r = static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(n) - 1));
    switch (rng.between(0, 6)) {
      case 0: {
        std::vector<int> sides(n);
        for (auto& side : sides) side = static_cast<int>(rng.between(0, 1));
        lan.at(when, [sides](Lan& l) { l.partition(sides); });
        break;
      }
      case 1: lan.at(when, [](Lan& l) { l.heal(); }); break;
      case 2: lan.at(when, [r](Lan& l) { l.crash(r); }); break;
      case 3: lan.at(when, [r](Lan& l) { l.shutdown(r); }); break;
      case 4: lan.at(when, [r](Lan& l) { if (!l.alive(r)) l.start(r); }); break;
      case 5: {
        const auto w = static_cast<std::int32_t>(rng.between(-60, 60));
        lan.at(when, [r, w](Lan& l) { l.set_weights(r, w); });
        break;
      }
      default: {
        const NetConditions bad{.min_delay = 0us, .max_delay = adv / 4,
                                .loss = static_cast<double>(rng.between(0, 50)) / 100};
        lan.at(when, [bad](Lan& l) { l.set_conditions(bad); });
        break;
      }
    }
  }
}

// Heals every partition, restarts dead routers, and makes the network stable. Stable means
// jitter below the smallest Skew_Time: with down_timer_adverts 1 a backup at priority 254
// tolerates only its skew (adv/128 in v3, 7.8 ms in v2) of lateness — a real limit of the
// protocol, not of the simulation.
void schedule_heal(Lan& lan, TimePoint at, Duration adv) {
  const Duration jitter = adv / 512;
  lan.at(at, [jitter](Lan& l) {
    l.heal();
    l.set_conditions({.min_delay = 0us, .max_delay = jitter, .loss = 0});
    for (std::size_t r = 0; r < l.size(); ++r) {
      if (!l.alive(r)) l.start(r);
    }
  });
}

int transitions_after(const Lan& lan, TimePoint t) {
  return static_cast<int>(std::count_if(lan.transitions().begin(), lan.transitions().end(),
                                        [t](const Transition& x) { return x.at > t; }));
}

// Chaos, then heal and leave the network stable for 6 × the largest master-down interval.
// Afterwards: no transition in the last 4 × master-down (no flapping), exactly one MASTER, and —
// with preemption — it has the best effective priority. (Ties: RFC 5798 §6.4.2 makes a BACKUP
// accept an equal-priority master, so the address tie-break only decides between simultaneous
// masters — see EqualPrioritiesStartingTogetherElectTheHigherAddress.)
TEST(FsmSimProperty, ChaosThenHealConvergesToOneStableBestMaster) {
  for (std::uint64_t seed : seeds(1000, 1500)) {
    Rng rng{seed};
    const Cluster c = random_cluster(rng);
    Lan lan{seed * 7919 + 1, {.min_delay = 0us, .max_delay = c.adv / 20, .loss = 0.05}};
    lan.set_verbose(std::getenv("VIGIL_SIM_VERBOSE") != nullptr);
    for (const auto& cfg : c.configs) lan.add_router(cfg);
    schedule_starts(lan, rng, c.adv);
    const TimePoint heal_at = lan.epoch() + c.adv * rng.between(5, 30);
    schedule_chaos(lan, rng, heal_at, c.adv);
    schedule_heal(lan, heal_at, c.adv);
    const TimePoint settled = heal_at + 2 * c.max_mdi;
    lan.run_until(heal_at + 6 * c.max_mdi);

    const auto masters = lan.masters();
    ASSERT_EQ(transitions_after(lan, settled), 0)
        << "flapping while stable; seed=" << seed << "\n" << lan.trace();
    ASSERT_EQ(masters.size(), 1u) << "seed=" << seed << "\n" << lan.trace();
    if (!c.nopreempt) {
      ASSERT_EQ(lan.router(masters[0]).effective_priority(), best_priority(lan))
          << "seed=" << seed << "\n" << lan.trace();
    }
  }
}

// Stable network; the master vanishes (crash) or resigns (shutdown). A backup must be MASTER
// within Master_Down_Interval + one advert interval of a crash (its last accepted advert arrived
// at most max_delay after the crash, and max_delay < one interval), and within Skew_Time +
// max_delay of a priority-0 advert. Then the best remaining router is the one MASTER.
TEST(FsmSimProperty, FailoverWithinMasterDownPlusOneAdvert) {
  for (std::uint64_t seed : seeds(500000, 1000)) {
    Rng rng{seed};
    Cluster c = random_cluster(rng);
    const Duration max_delay = c.adv / 512;  // stable: jitter below the smallest skew
    Lan lan{seed * 104729 + 3, {.min_delay = 0us, .max_delay = max_delay, .loss = 0}};
    const std::size_t n = c.configs.size();
    lan.set_verbose(std::getenv("VIGIL_SIM_VERBOSE") != nullptr);
    for (const auto& cfg : c.configs) lan.add_router(cfg);
    schedule_starts(lan, rng, c.adv);
    const TimePoint fail_at = lan.epoch() + 2 * c.adv + 4 * c.max_mdi;
    lan.run_until(fail_at);
    const auto before = lan.masters();
    ASSERT_EQ(before.size(), 1u) << "seed=" << seed << "\n" << lan.trace();
    const std::size_t old = before[0];
    const bool graceful = rng.chance(0.5);
    // The bound is set by the backup with the shortest timer: the best remaining priority.
    Duration bound = Duration::max();
    for (std::size_t r = 0; r < n; ++r) {
      if (r == old) continue;
      const InstanceConfig& cfg = c.configs[r];
      const Priority p = lan.router(r).effective_priority();
      bound = std::min(bound, graceful ? skew_time(cfg.version, p, c.adv) + max_delay
                                       : master_down_interval(cfg.version, p, c.adv,
                                                              cfg.down_timer_adverts) + c.adv);
    }
    lan.at(fail_at, [old, graceful](Lan& l) { graceful ? l.shutdown(old) : l.crash(old); });
    lan.run_until(fail_at + 4 * c.max_mdi);

    const auto& t = lan.transitions();
    auto first = std::find_if(t.begin(), t.end(), [&](const Transition& x) {
      return x.at >= fail_at && x.router != old && x.to == State::master;
    });
    ASSERT_NE(first, t.end()) << "no failover; seed=" << seed << "\n" << lan.trace();
    ASSERT_LE(first->at - fail_at, bound)
        << (graceful ? "graceful" : "crash") << " seed=" << seed << "\n" << lan.trace();
    const auto after = lan.masters();
    ASSERT_EQ(after.size(), 1u) << "seed=" << seed << "\n" << lan.trace();
    if (!c.nopreempt) {
      ASSERT_EQ(lan.router(after[0]).effective_priority(), best_priority(lan))
          << "seed=" << seed << "\n" << lan.trace();
    }
  }
}

}  // namespace
}  // namespace vigil::vrrp::sim
