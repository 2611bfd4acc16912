// Sync groups over the simulated LAN: every router runs VI_51 and VI_52 in one vrrp_sync_group
// (reference §4.13), wired like the daemon glue does. The group's instances must move together:
// after the network settles, both VRIDs have exactly one MASTER and it is the same router.
// Replay a failing seed with VIGIL_SIM_SEED=<seed> (and VIGIL_SIM_VERBOSE=1 for every event).
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

constexpr Vrid kA{51};
constexpr Vrid kB{52};

std::vector<InstanceConfig> pair_config(int host, std::uint8_t prio, Version v = Version::v2,
                                        Duration adv = 1s) {
  std::vector<InstanceConfig> out;
  for (Vrid vrid : {kA, kB}) {
    InstanceConfig c;
    c.name = "VI_" + std::to_string(vrid.value);
    c.vrid = vrid;
    c.version = v;
    c.priority = Priority{prio};
    c.advert_interval = adv;
    c.primary_address = *IpAddress::parse("10.0.0." + std::to_string(host));
    out.push_back(c);
  }
  return out;
}

TEST(FsmSimSync, GroupBecomesMasterTogether) {
  Lan lan{11, {.min_delay = 1ms, .max_delay = 1ms}};
  auto a = lan.add_router(pair_config(1, 200), true);
  auto b = lan.add_router(pair_config(2, 100), true);
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); l.start(b); });
  lan.run_until(lan.epoch() + 10s);
  EXPECT_EQ(lan.masters(kA), std::vector<std::size_t>{a}) << lan.trace();
  EXPECT_EQ(lan.masters(kB), std::vector<std::size_t>{a}) << lan.trace();
}

TEST(FsmSimSync, OneMemberFaultMovesTheWholeGroup) {
  Lan lan{12, {.min_delay = 1ms, .max_delay = 1ms}};
  auto a = lan.add_router(pair_config(1, 200), true);
  auto b = lan.add_router(pair_config(2, 100), true);
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); l.start(b); });
  // VI_52's interface on router a goes down: a's VI_51 is pulled to FAULT too, both resign with
  // priority 0, and b takes both VRIDs after its skew.
  lan.at(lan.epoch() + 10s, [&](Lan& l) { l.inject(a, 1, Event::of(EventKind::interface_down)); });
  lan.run_until(lan.epoch() + 12s);
  EXPECT_EQ(lan.router(a, 0).state(), State::fault);
  EXPECT_EQ(lan.router(a, 1).state(), State::fault);
  EXPECT_EQ(lan.masters(kA), std::vector<std::size_t>{b}) << lan.trace();
  EXPECT_EQ(lan.masters(kB), std::vector<std::size_t>{b}) << lan.trace();
  // Interface back: a re-enters BACKUP, then preempts both VRIDs together.
  lan.at(lan.epoch() + 12s, [&](Lan& l) { l.inject(a, 1, Event::of(EventKind::interface_up)); });
  lan.run_until(lan.epoch() + 20s);
  EXPECT_EQ(lan.masters(kA), std::vector<std::size_t>{a}) << lan.trace();
  EXPECT_EQ(lan.masters(kB), std::vector<std::size_t>{a}) << lan.trace();
}

TEST(FsmSimSync, HigherPriorityGroupPreemptsBothVrids) {
  Lan lan{13, {.min_delay = 1ms, .max_delay = 1ms}};
  auto a = lan.add_router(pair_config(1, 100), true);
  auto b = lan.add_router(pair_config(2, 200), true);
  lan.at(lan.epoch(), [&](Lan& l) { l.start(a); });
  lan.at(lan.epoch() + 10s, [&](Lan& l) { l.start(b); });
  lan.run_until(lan.epoch() + 20s);
  EXPECT_EQ(lan.masters(kA), std::vector<std::size_t>{b}) << lan.trace();
  EXPECT_EQ(lan.masters(kB), std::vector<std::size_t>{b}) << lan.trace();
}

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Random sync-group clusters through chaos (partitions, loss, crashes, restarts, interface
// flaps on one member), then healed and stable for 6 × master-down: per VRID exactly one
// MASTER, the same router for both VRIDs, the best priority, no transition in the last 4 ×.
TEST(FsmSimSyncProperty, GroupsConvergeTogetherAfterChaos) {
  std::vector<std::uint64_t> seeds;
  if (const char* one = std::getenv("VIGIL_SIM_SEED")) {
    seeds.push_back(std::strtoull(one, nullptr, 10));
  } else {
    for (std::uint64_t i = 0; i < env_or("VIGIL_SIM_RUNS", 600); ++i) seeds.push_back(90000 + i);
  }
  static constexpr std::uint8_t kPool[] = {50, 100, 150, 200, 254};
  for (std::uint64_t seed : seeds) {
    Rng rng{seed};
    const Version v = rng.chance(0.5) ? Version::v2 : Version::v3;
    const Duration adv = v == Version::v2 ? Duration{1s}
                                          : Duration{std::chrono::milliseconds{10 * rng.between(5, 100)}};
    const std::size_t n = static_cast<std::size_t>(rng.between(2, 4));
    Lan lan{seed * 31 + 7, {.min_delay = 0us, .max_delay = adv / 20, .loss = 0.05}};
    lan.set_verbose(std::getenv("VIGIL_SIM_VERBOSE") != nullptr);
    // Distinct priorities: with equal ones the address tie-break is per VRID and a router could
    // legitimately win one VRID and lose the other before the group pulls them together.
    std::vector<std::uint8_t> prios(std::begin(kPool), std::end(kPool));
    for (std::size_t i = prios.size() - 1; i > 0; --i) {
      std::swap(prios[i], prios[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(i)))]);
    }
    for (std::size_t r = 0; r < n; ++r) {
      lan.add_router(pair_config(static_cast<int>(r + 1), prios[r], v, adv), true);
    }
    const Duration max_mdi = master_down_interval(v, Priority{1}, adv, 3);
    const TimePoint t0 = lan.epoch();
    for (std::size_t r = 0; r < n; ++r) {
      lan.at(t0 + Duration{rng.between(0, 2 * adv.count())}, [r](Lan& l) { l.start(r); });
    }
    const TimePoint heal_at = t0 + adv * rng.between(5, 30);
    const auto span = std::chrono::duration_cast<Duration>(heal_at - t0).count();
    for (int i = 0, steps = static_cast<int>(rng.between(0, 10)); i < steps; ++i) {
      const TimePoint when = t0 + Duration{rng.between(0, span - 1)};
      const auto r = static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(n) - 1));
      const auto member = static_cast<std::size_t>(rng.between(0, 1));
      switch (rng.between(0, 5)) {
        case 0: {
          std::vector<int> sides(n);
          for (auto& s : sides) s = static_cast<int>(rng.between(0, 1));
          lan.at(when, [sides](Lan& l) { l.partition(sides); });
          break;
        }
        case 1: lan.at(when, [r](Lan& l) { l.crash(r); }); break;
        case 2: lan.at(when, [r](Lan& l) { if (!l.alive(r)) l.start(r); }); break;
        case 3:
          lan.at(when, [r, member](Lan& l) { l.inject(r, member, Event::of(EventKind::interface_down)); });
          lan.at(when + adv * rng.between(1, 5), [r, member](Lan& l) {
            l.inject(r, member, Event::of(EventKind::interface_up));
          });
          break;
        case 4: lan.at(when, [r](Lan& l) { l.shutdown(r); }); break;
        default: {
          const NetConditions bad{.min_delay = 0us, .max_delay = adv / 4,
                                  .loss = static_cast<double>(rng.between(0, 50)) / 100};
          lan.at(when, [bad](Lan& l) { l.set_conditions(bad); });
          break;
        }
      }
    }
    const Duration small_delay = adv / 512;  // stable: jitter below the smallest skew
    const TimePoint last_chaos = heal_at + adv * 5;  // interface_up may land up to 5 adverts late
    lan.at(last_chaos, [n, small_delay](Lan& l) {
      l.heal();
      l.set_conditions({.min_delay = 0us, .max_delay = small_delay, .loss = 0});
      for (std::size_t r = 0; r < n; ++r) {
        if (!l.alive(r)) l.start(r);
      }
    });
    const TimePoint settled = last_chaos + 2 * max_mdi;
    lan.run_until(last_chaos + 6 * max_mdi);

    int late = 0;
    for (const Transition& t : lan.transitions()) late += t.at > settled ? 1 : 0;
    ASSERT_EQ(late, 0) << "flapping while stable; seed=" << seed << "\n" << lan.trace();
    const auto ma = lan.masters(kA);
    const auto mb = lan.masters(kB);
    ASSERT_EQ(ma.size(), 1u) << "seed=" << seed << "\n" << lan.trace();
    ASSERT_EQ(ma, mb) << "group split across routers; seed=" << seed << "\n" << lan.trace();
    std::uint8_t best = 0;
    for (std::size_t r = 0; r < n; ++r) best = std::max(best, prios[r]);
    ASSERT_EQ(prios[ma[0]], best) << "seed=" << seed << "\n" << lan.trace();
  }
}

}  // namespace
}  // namespace vigil::vrrp::sim
