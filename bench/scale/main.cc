// bench_scale — issue 8's goal table: thousands of VRRP instances at fast intervals, vigild
// beside Debian's keepalived 2.2.7 in the same invocation, one table out.
//
//   sudo build/release/bench/scale/bench_scale [--quick] [--window S] [--no-keepalived] [--breakdown] [--start-rounds N] [--graceful-rounds N] [--only GROUP]
//   VIGIL_BENCH_VIGILD=/path/to/other/vigild runs that build instead of this tree's (A/B runs).
//
// Two routers (master priority 150, backup 100) in namespaces, eth0..eth3 each, eth<k> of both on
// bridge br<k> (VRIDs are per interface: 1,000 instances = 250 VRIDs × 4 interfaces; this kernel
// has no 802.1q, so separate bridges stand in for VLANs), VRRPv3, daemons run as
// `<daemon> -n -l -D -P -G` inside NS (entered as `ip netns exec` does, without timing ip's own
// start-up) with the console on a file (or on a pipe whose
// reader takes 1 ms per line: the "slow log sink" rows). Measured from outside only:
//   CPU   utime+stime of the master's parent + VRRP child over the window (/proc/PID/stat),
//         taken while no capture runs (a packet tap adds softirq time charged to the sender)
//   RSS   VmRSS of parent + child (/proc/PID/status)
//   state changes  Σ become_master + release_master of both routers (JSON dump, SIGRTMIN+2)
//   gaps  between consecutive adverts of each (interface, VRID), kernel timestamps of an AF_PACKET
//         capture on the bridge ports
//   VIPs  the kernel's address list in the router's namespace (one rtnetlink dump, then address
//         events: no polling that would compete with the daemons for the 2 cores)
//   reload time  SIGHUP then SIGRTMIN+2 → dump written, minus a plain dump's latency (medians
//         of 5 rounds; state changes and gaps over all 5 reloads)
//   start  fork/exec of the master alone → all its VIPs present; median of --start-rounds starts
//         (5 by default; the master is stopped between them). --only start runs just these.
//   graceful stop (1,000 @ 1 s)  SIGTERM to the master → all VIPs on the backup; median of
//         --graceful-rounds stops (3 by default; the master restarts and preempts in between)
// Protocol limits (RFC 5798 §6.1, priority p, interval I): start → MASTER ≤ 3·I + (256−150)/256·I;
// graceful stop → backup owns the VIPs after Skew_Time (256−100)/256·I; kill → Master_Down =
// 3·I + skew. Namespaces are named bsc<pid>-*, removed on exit and on SIGINT/SIGTERM.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "scale_lab.h"
#include "workloads.h"

namespace {

using namespace std::chrono_literals;
using vigil::testing::scale::Daemon;
using vigil::testing::scale::ScaleLab;
using vigil::bench::scale::Fig;
using vigil::bench::scale::Figures;
using vigil::bench::scale::Interrupted;
using vigil::bench::scale::Only;
using vigil::bench::scale::g_breakdown;
using vigil::bench::scale::g_interrupted;
using vigil::bench::scale::master_down_ms;
using vigil::bench::scale::run_kind;
using vigil::bench::scale::skew_ms;

std::string cell(const Fig& x, const char* fmt_text) {
  return x ? fmt::format(fmt::runtime(fmt_text), *x) : std::string("n/a");
}

}  // namespace

int main(int argc, char** argv) {
  std::chrono::seconds window = 30s;
  bool with_keepalived = true;
  Only only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      window = 10s;
    } else if (std::strcmp(argv[i], "--window") == 0 && i + 1 < argc) {
      window = std::chrono::seconds(std::max(1, std::atoi(argv[++i])));
    } else if (std::strcmp(argv[i], "--breakdown") == 0) {
      g_breakdown = true;
    } else if (std::strcmp(argv[i], "--graceful-rounds") == 0 && i + 1 < argc) {
      vigil::bench::scale::g_graceful_rounds = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--start-rounds") == 0 && i + 1 < argc) {
      vigil::bench::scale::g_start_rounds = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--no-keepalived") == 0) {
      with_keepalived = false;
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      const std::string g = argv[++i];
      only = Only{.k1 = g == "1k" || g == "start", .fast100 = g == "100-fast", .fast1k = g == "1k-fast",
                  .slow = g == "slow", .start_only = g == "start"};
    } else {
      fmt::print(stderr, "usage: {} [--quick] [--window SECONDS] [--no-keepalived] [--breakdown] [--start-rounds N] [--graceful-rounds N]\n"
                 "       [--only 1k|start|100-fast|1k-fast|slow]\n",
                 argv[0]);
      return 2;
    }
  }
  if (::geteuid() != 0) {
    fmt::print(stderr, "bench_scale needs root (network namespaces)\n");
    return 1;
  }
  if (with_keepalived && ::access("/usr/sbin/keepalived", X_OK) != 0) with_keepalived = false;
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_interrupted = true; };
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Figures v, k;
  double load0 = 0;
  if (FILE* la = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(la, "%lf", &load0) != 1) load0 = 0;
    std::fclose(la);
  }
  try {
    ScaleLab lab("bsc", 4);
    run_kind(lab, Daemon::Kind::vigil, window, v, only);
    if (with_keepalived) run_kind(lab, Daemon::Kind::keepalived, window, k, only);
  } catch (const Interrupted&) {
    fmt::print(stderr, "bench_scale: interrupted; daemons stopped and namespaces removed\n");
    return 130;
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_scale: {}\n", e.what());
    return 1;
  }
  double load1 = 0;
  if (FILE* la = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(la, "%lf", &load1) != 1) load1 = 0;
    std::fclose(la);
  }

  const double W = static_cast<double>(window.count());
  struct Row {
    std::string workload, vigil, keepalived, goal;
    std::optional<bool> pass;
  };
  std::vector<Row> rows;
  auto pct = [&](const Fig& cpu) {
    return cpu ? fmt::format("{:.3f} s ({:.2f} %)", *cpu, *cpu / W * 100) : std::string("n/a");
  };
  auto half_of = [](const Fig& a, const Fig& b) -> std::optional<bool> {
    if (!a || !b) return std::nullopt;
    return *a <= 0.5 * *b;
  };
  auto at_most = [](const Fig& a, double lim) -> std::optional<bool> {
    if (!a) return false;
    return *a <= lim;
  };
  const double start_lim = master_down_ms(1000, 150), skew1k = skew_ms(1000, 100),
               down1k = master_down_ms(1000, 100), skew100 = skew_ms(100, 100);
  rows.push_back({fmt::format("1,000 @ 1 s: master CPU over {} s", window.count()), pct(v.cpu_1k), pct(k.cpu_1k),
                  "≤ 0.5× keepalived", half_of(v.cpu_1k, k.cpu_1k)});
  rows.push_back({"1,000 @ 1 s: state changes (both routers)", cell(v.changes_1k, "{:.0f}"), cell(k.changes_1k, "{:.0f}"),
                  "0", at_most(v.changes_1k, 0)});
  auto rss = [](const Figures& f) {
    return f.rss_parent && f.rss_child ? fmt::format("{:.1f} + {:.1f} MB", *f.rss_parent, *f.rss_child) : std::string("n/a");
  };
  auto rss_sum = [](const Figures& f) -> Fig {
    if (!f.rss_parent || !f.rss_child) return std::nullopt;
    return *f.rss_parent + *f.rss_child;
  };
  rows.push_back({"1,000: RSS parent + child", rss(v), rss(k), "≤ 0.5× keepalived", half_of(rss_sum(v), rss_sum(k))});
  rows.push_back({"1,000: SIGHUP reload: state changes", cell(v.reload_changes, "{:.0f}"), cell(k.reload_changes, "{:.0f}"),
                  "0", at_most(v.reload_changes, 0)});
  rows.push_back({"1,000: SIGHUP reload: max advert gap", cell(v.reload_gap, "{:.0f} ms"), cell(k.reload_gap, "{:.0f} ms"),
                  "≤ 1,500 ms", at_most(v.reload_gap, 1500)});
  rows.push_back({"1,000: SIGHUP reload: time", cell(v.reload_ms, "{:.1f} ms"), cell(k.reload_ms, "{:.1f} ms"), "≤ 20 ms",
                  at_most(v.reload_ms, 20)});
  rows.push_back({fmt::format("1,000: start → all MASTER (limit {:.0f} ms)", start_lim), cell(v.start_ms, "{:.0f} ms"),
                  cell(k.start_ms, "{:.0f} ms"), fmt::format("≤ {:.0f} ms", start_lim + 20), at_most(v.start_ms, start_lim + 20)});
  rows.push_back({fmt::format("1,000: SIGTERM → all VIPs on backup (skew {:.0f} ms)", skew1k), cell(v.graceful_ms, "{:.0f} ms"),
                  cell(k.graceful_ms, "{:.0f} ms"), fmt::format("≤ {:.0f} ms", skew1k + 20), at_most(v.graceful_ms, skew1k + 20)});
  rows.push_back({fmt::format("1,000: kill -9 → all VIPs on backup (limit {:.0f} ms)", down1k), cell(v.kill_ms, "{:.0f} ms"),
                  cell(k.kill_ms, "{:.0f} ms"), fmt::format("≤ {:.0f} ms", down1k + 20), at_most(v.kill_ms, down1k + 20)});
  rows.push_back({fmt::format("100 @ 0.1 s: master CPU over {} s", window.count()), pct(v.cpu_100), pct(k.cpu_100),
                  "≤ 0.5× keepalived", half_of(v.cpu_100, k.cpu_100)});
  rows.push_back({"100 @ 0.1 s: p99 gap between a VRID's adverts", cell(v.p99_100, "{:.1f} ms"), cell(k.p99_100, "{:.1f} ms"),
                  "≤ 102 ms", at_most(v.p99_100, 102)});
  rows.push_back({"100 @ 0.1 s: adverts/s on the wire (of 1,000)", cell(v.adverts_100, "{:.1f}"), cell(k.adverts_100, "{:.1f}"),
                  "(figure)", std::nullopt});
  rows.push_back({fmt::format("100 @ 0.1 s: SIGTERM → all VIPs on backup (skew {:.0f} ms)", skew100),
                  cell(v.graceful_100, "{:.0f} ms"), cell(k.graceful_100, "{:.0f} ms"), fmt::format("≤ {:.0f} ms", skew100 + 20),
                  at_most(v.graceful_100, skew100 + 20)});
  rows.push_back({"1,000 @ 0.1 s: state changes (both routers)", cell(v.changes_1k_fast, "{:.0f}"),
                  cell(k.changes_1k_fast, "{:.0f}"), "0", at_most(v.changes_1k_fast, 0)});
  rows.push_back({"1,000 @ 0.1 s: p99 gap", cell(v.p99_1k_fast, "{:.1f} ms"), cell(k.p99_1k_fast, "{:.1f} ms"), "≤ 105 ms",
                  at_most(v.p99_1k_fast, 105)});
  rows.push_back({"1,000 @ 0.1 s: master CPU / adverts/s (of 10,000)",
                  v.cpu_1k_fast ? fmt::format("{} / {:.0f}", pct(v.cpu_1k_fast), v.adverts_1k_fast.value_or(0)) : "n/a",
                  k.cpu_1k_fast ? fmt::format("{} / {:.0f}", pct(k.cpu_1k_fast), k.adverts_1k_fast.value_or(0)) : "n/a",
                  "(figure)", std::nullopt});
  rows.push_back({"slow log sink (1 ms/line), 100 @ 0.1 s: state changes", cell(v.slow_changes_100, "{:.0f}"),
                  cell(k.slow_changes_100, "{:.0f}"), "0", at_most(v.slow_changes_100, 0)});
  rows.push_back({fmt::format("slow log sink, 1,000 @ 1 s: SIGTERM → all VIPs on backup (skew {:.0f} ms)", skew1k),
                  cell(v.slow_graceful_1k, "{:.0f} ms"), cell(k.slow_graceful_1k, "{:.0f} ms"),
                  fmt::format("≤ {:.0f} ms", skew1k + 20), at_most(v.slow_graceful_1k, skew1k + 20)});

  fmt::print("| workload | vigil | keepalived 2.2.7 | goal | pass/fail |\n|---|---|---|---|---|\n");
  int failed = 0;
  for (const auto& r : rows) {
    const std::string verdict = !r.pass ? "-" : *r.pass ? "pass" : "FAIL";
    if (r.pass && !*r.pass) ++failed;
    fmt::print("| {} | {} | {} | {} | {} |\n", r.workload, r.vigil, with_keepalived ? r.keepalived : "not run", r.goal, verdict);
  }
  fmt::print("\nwindow {} s; load average {:.2f} at start, {:.2f} at end; {} goal(s) failed\n", window.count(), load0,
             load1, failed);
  return 0;
}
