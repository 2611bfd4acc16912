// bench/scale/workloads.h — the workloads of bench_scale (main.cc: options and the table): each
// group runs one daemon kind on the scale lab and fills in its Figures.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>

#include "scale_lab.h"

namespace vigil::bench::scale {

// Set by SIGINT/SIGTERM: the running workload throws Interrupted at its next check.
extern std::atomic<bool> g_interrupted;
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// One measured figure; nullopt = not measured / failed.
using Fig = std::optional<double>;

struct Figures {
  // 1,000 @ 1 s
  Fig cpu_1k, changes_1k, rss_parent, rss_child, reload_changes, reload_gap, reload_ms, start_ms,
      graceful_ms, kill_ms, adverts_1k;
  // 100 @ 0.1 s
  Fig cpu_100, p99_100, adverts_100, graceful_100;
  // 1,000 @ 0.1 s
  Fig changes_1k_fast, p99_1k_fast, cpu_1k_fast, adverts_1k_fast;
  // slow log sink
  Fig slow_changes_100, slow_graceful_1k;
};


double skew_ms(int interval, int prio);
double master_down_ms(int interval, int prio);

// --breakdown: a capture on the bridge during the failovers, for the progress line below. Off by
// default: a packet tap clones every frame in the sender's softirq (packet_rcv, skb_clone — ~40 %
// of the backup's CPU in a 1,000-VIP takeover with its 5,000 GARPs), which the measured figure
// would then include, for both daemons.
extern bool g_breakdown;
extern int g_graceful_rounds;  // graceful stops of the 1,000-instance master timed (median)
extern int g_start_rounds;  // starts of the 1,000-instance master timed (median)

// --only: which workload groups run (all by default).
struct Only {
  bool k1 = true, fast100 = true, fast1k = true, slow = true;
  bool start_only = false;  // of the 1,000-instance group, only the timed starts
};

void run_kind(vigil::testing::scale::ScaleLab& lab, vigil::testing::scale::Daemon::Kind kind,
              std::chrono::seconds window, Figures& f, const Only& only);

}  // namespace vigil::bench::scale
