// bench_scale — issue 8's goal table: thousands of VRRP instances at fast intervals, vigild
// beside Debian's keepalived 2.2.7 in the same invocation, one table out.
//
//   sudo build/release/bench/scale/bench_scale [--quick] [--window S] [--no-keepalived] [--breakdown] [--only GROUP]
//
// Two routers (master priority 150, backup 100) in namespaces, eth0..eth3 each, eth<k> of both on
// bridge br<k> (VRIDs are per interface: 1,000 instances = 250 VRIDs × 4 interfaces; this kernel
// has no 802.1q, so separate bridges stand in for VLANs), VRRPv3, daemons run as
// `ip netns exec NS <daemon> -n -l -D -P -G` with the console on a file (or on a pipe whose
// reader takes 1 ms per line: the "slow log sink" rows). Measured from outside only:
//   CPU   utime+stime of the master's parent + VRRP child over the window (/proc/PID/stat),
//         taken while no capture runs (a packet tap adds softirq time charged to the sender)
//   RSS   VmRSS of parent + child (/proc/PID/status)
//   state changes  Σ become_master + release_master of both routers (JSON dump, SIGRTMIN+2)
//   gaps  between consecutive adverts of each (interface, VRID), kernel timestamps of an AF_PACKET
//         capture on the bridge ports
//   VIPs  the kernel's address list in the router's namespace (one rtnetlink dump, then address
//         events: no polling that would compete with the daemons for the 2 cores)
//   reload time  SIGHUP then SIGRTMIN+2 → dump written, minus a plain dump's latency
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

namespace {

using namespace std::chrono_literals;
using vigil::testing::scale::Daemon;
using vigil::testing::scale::LogSink;
using vigil::testing::scale::ScaleLab;
using vigil::testing::scale::VipWatch;
using vigil::testing::scale::WireCapture;
using vigil::testing::scale::Workload;
using vigil::testing::scale::realtime_ns;
using Clock = std::chrono::steady_clock;

std::atomic<bool> g_interrupted{false};
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

void check_interrupt() {
  if (g_interrupted) throw Interrupted();
}

void sleep_for(std::chrono::milliseconds d) {
  const auto end = Clock::now() + d;
  while (Clock::now() < end) {
    check_interrupt();
    std::this_thread::sleep_for(std::min<Clock::duration>(end - Clock::now(), 50ms));
  }
}

// Polls pred every `step` until true; the elapsed ms since t0, or nullopt after `timeout`.
template <class F>
std::optional<double> time_until(Clock::time_point t0, F&& pred, std::chrono::milliseconds timeout,
                                 std::chrono::microseconds step = 500us) {
  while (Clock::now() - t0 < timeout) {
    check_interrupt();
    if (pred()) return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::this_thread::sleep_for(step);
  }
  return std::nullopt;
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

void progress(const std::string& s) { fmt::print(stderr, "[bench_scale] {}\n", s); }

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

double skew_ms(int interval, int prio) { return interval * (256.0 - prio) / 256.0; }
double master_down_ms(int interval, int prio) { return 3.0 * interval + skew_ms(interval, prio); }

struct Pair {
  std::unique_ptr<Daemon> a, b;
};

// The time from `t0` until the router owns `instances` VIPs, from address events (no polling).
Fig vips_at(VipWatch& watch, Clock::time_point t0, int instances, std::chrono::milliseconds timeout) {
  while (Clock::now() - t0 < timeout) {
    check_interrupt();
    if (watch.wait_for(instances, 50ms)) return ms_since(t0);
  }
  return std::nullopt;
}

// Start the master alone (→ start time to all VIPs), then the backup until it is BACKUP everywhere.
bool bring_up(ScaleLab& lab, Pair& p, const Workload& w, Daemon::Kind kind, LogSink sink, Fig* start_ms,
              std::chrono::seconds timeout = 30s) {
  lab.flush_vips();
  p.a = std::make_unique<Daemon>(lab.node("a"), kind, vigil::testing::scale::scale_config(w, 150, "a"), sink);
  p.b = std::make_unique<Daemon>(lab.node("b"), kind, vigil::testing::scale::scale_config(w, 100, "b"), sink);
  VipWatch watch(lab, "a");
  const auto t0 = Clock::now();
  p.a->start();
  // Master_Down for priority 150 plus a slow start-up (a loaded machine, a slow console): 30 s
  // (90 s for 1,000 instances logging onto a 1 ms-per-line console).
  auto up = vips_at(watch, t0, w.instances, timeout);
  if (!up) {
    progress(fmt::format("master never owned all {} VIPs (has {})", w.instances, lab.vip_count("a")));
    return false;
  }
  if (start_ms != nullptr) *start_ms = *up;
  p.b->start();
  // The backup starts as BACKUP and hears the master within one interval; its dump needs it
  // started (≤ 30 s on a slow console).
  auto settled = time_until(Clock::now(), [&] {
    if (!p.b->ready()) return false;
    auto s = p.b->states();
    return s && s->backup == w.instances;
  }, timeout, 200ms);
  if (!settled) {
    progress("backup never settled as BACKUP everywhere");
    return false;
  }
  return true;
}

struct Steady {
  double cpu = 0;
  long changes = 0;
  vigil::testing::scale::GapStats gaps;
  double window_s = 0, gap_window_s = 1;
};

// Two windows: CPU and state changes without a capture (a packet tap adds to the senders'
// softirq time, which /proc charges to the daemon), then, if asked, gaps with a capture (state
// changes counted over both).
std::optional<Steady> steady(ScaleLab& lab, Pair& p, std::chrono::seconds window, bool with_gaps) {
  auto sa0 = p.a->states();
  auto sb0 = p.b->states();
  if (!sa0 || !sb0) return std::nullopt;
  const double cpu0 = p.a->cpu_seconds();
  const auto t0 = realtime_ns();
  sleep_for(window);
  const auto t1 = realtime_ns();
  const double cpu1 = p.a->cpu_seconds();
  Steady s;
  s.cpu = cpu1 - cpu0;
  s.window_s = static_cast<double>(t1 - t0) / 1e9;
  if (with_gaps) {
    WireCapture cap(lab);
    sleep_for(200ms);  // the capture thread is reading
    const auto g0 = realtime_ns();
    sleep_for(window);
    s.gaps = cap.gaps(g0, realtime_ns());
    s.gap_window_s = static_cast<double>(realtime_ns() - g0) / 1e9;
  }
  auto sa1 = p.a->states();
  auto sb1 = p.b->states();
  if (!sa1 || !sb1) return std::nullopt;
  s.changes = (sa1->transitions - sa0->transitions) + (sb1->transitions - sb0->transitions);
  return s;
}

// --breakdown: a capture on the bridge during the failovers, for the progress line below. Off by
// default: a packet tap clones every frame in the sender's softirq (packet_rcv, skb_clone — ~40 %
// of the backup's CPU in a 1,000-VIP takeover with its 5,000 GARPs), which the measured figure
// would then include, for both daemons.
bool g_breakdown = false;

// Time from SIGTERM to the master until the backup owns every VIP.
Fig graceful(ScaleLab& lab, Pair& p, int instances, std::chrono::milliseconds timeout) {
  std::optional<WireCapture> cap;
  if (g_breakdown) cap.emplace(lab);
  VipWatch watch(lab, "b");
  sleep_for(1300ms);  // a phase unrelated to the advert timers
  const auto t0 = Clock::now();
  const auto rt0 = realtime_ns();
  p.a->term();
  auto took = vips_at(watch, t0, instances, timeout);
  p.a->wait_exit(10s);
  const std::string all = took ? fmt::format("{:.1f} ms", *took) : std::string("never");
  if (!cap) {
    progress("  graceful: all VIPs at " + all);
    return took;
  }
  const auto z = cap->priority_zero_after(rt0);
  const auto b = cap->first_with_priority_after(100, rt0);  // the backup's first adverts as MASTER
  progress(fmt::format("  graceful: {} priority-0 adverts, first {:.1f} ms, last {:.1f} ms after SIGTERM; "
                       "backup's first adverts ({}) {:.1f} .. {:.1f} ms; all VIPs at {}",
                       z.count, static_cast<double>(z.first_ns - rt0) / 1e6, static_cast<double>(z.last_ns - rt0) / 1e6,
                       b.count, static_cast<double>(b.first_ns - rt0) / 1e6, static_cast<double>(b.last_ns - rt0) / 1e6,
                       all));
  return took;
}

// --only: which workload groups run (all by default).
struct Only {
  bool k1 = true, fast100 = true, fast1k = true, slow = true;
};

void run_kind(ScaleLab& lab, Daemon::Kind kind, std::chrono::seconds window, Figures& f, const Only& only) {
  const std::string name = kind == Daemon::Kind::vigil ? "vigild" : "keepalived";
  // ---- 1,000 instances @ 1 s ----
  if (only.k1) {
    const Workload w{.instances = 1000, .interval_ms = 1000, .ifaces = 4};
    progress(name + ": 1,000 @ 1 s: start");
    Pair p;
    if (bring_up(lab, p, w, kind, LogSink::file, &f.start_ms)) {
      progress(name + ": 1,000 @ 1 s: steady window");
      if (auto s = steady(lab, p, window, false)) {
        f.cpu_1k = s->cpu;
        f.changes_1k = static_cast<double>(s->changes);
      }
      f.rss_parent = p.a->parent_rss_kb() / 1024.0;
      f.rss_child = p.a->child_rss_kb() / 1024.0;
      progress(name + ": 1,000 @ 1 s: reload");
      WireCapture cap(lab);
      auto ta = p.a->states();
      auto tb = p.b->states();
      const auto t_dump = Clock::now();
      const bool dumped = p.a->json().has_value();
      const double dump_ms = ms_since(t_dump);
      const auto g0 = realtime_ns();
      sleep_for(2s);
      const auto t_hup = Clock::now();
      p.a->hup();
      const bool reloaded = p.a->json(10s).has_value();
      const double hup_ms = ms_since(t_hup);
      if (dumped && reloaded) f.reload_ms = std::max(0.0, hup_ms - dump_ms);
      sleep_for(3s);
      f.reload_gap = cap.gaps(g0, realtime_ns()).max_ms;
      auto ta1 = p.a->states();
      auto tb1 = p.b->states();
      if (ta && tb && ta1 && tb1) {
        f.reload_changes = static_cast<double>((ta1->transitions - ta->transitions) + (tb1->transitions - tb->transitions));
      }
      progress(name + ": 1,000 @ 1 s: graceful stop");
      f.graceful_ms = graceful(lab, p, w.instances, 10s);
      // The master again (it preempts), then kill -9.
      p.a = std::make_unique<Daemon>(lab.node("a"), kind, vigil::testing::scale::scale_config(w, 150, "a"));
      p.a->start();
      // Start-up + one advert interval to preempt: 30 s on a loaded machine.
      auto back = time_until(Clock::now(), [&] {
        return lab.vip_count("a") == w.instances && lab.vip_count("b") == 0;
      }, 30s, 20ms);
      if (back) {
        VipWatch watch(lab, "b");
        sleep_for(2300ms);
        progress(name + ": 1,000 @ 1 s: kill -9");
        const auto t0 = Clock::now();
        p.a->kill9();
        f.kill_ms = vips_at(watch, t0, w.instances, 15s);
        p.a->wait_exit(5s);
      } else {
        progress("master did not take the VIPs back after its restart");
      }
    }
  }
  // ---- 100 instances @ 0.1 s ----
  if (only.fast100) {
    const Workload w{.instances = 100, .interval_ms = 100, .ifaces = 4};
    progress(name + ": 100 @ 0.1 s");
    Pair p;
    if (bring_up(lab, p, w, kind, LogSink::file, nullptr)) {
      if (auto s = steady(lab, p, window, true)) {
        f.cpu_100 = s->cpu;
        f.p99_100 = s->gaps.p99_ms;
        f.adverts_100 = static_cast<double>(s->gaps.adverts) / s->gap_window_s;
      }
      f.graceful_100 = graceful(lab, p, w.instances, 5s);
    }
  }
  // ---- 1,000 instances @ 0.1 s ----
  if (only.fast1k) {
    const Workload w{.instances = 1000, .interval_ms = 100, .ifaces = 4};
    progress(name + ": 1,000 @ 0.1 s");
    Pair p;
    if (bring_up(lab, p, w, kind, LogSink::file, nullptr)) {
      if (auto s = steady(lab, p, window, true)) {
        f.changes_1k_fast = static_cast<double>(s->changes);
        f.p99_1k_fast = s->gaps.p99_ms;
        f.cpu_1k_fast = s->cpu;
        f.adverts_1k_fast = static_cast<double>(s->gaps.adverts) / s->gap_window_s;
      }
    }
  }
  // ---- slow log sink ----
  if (only.slow) {
    const Workload w{.instances = 100, .interval_ms = 100, .ifaces = 4};
    progress(name + ": 100 @ 0.1 s, slow log sink");
    Pair p;
    p.a = std::make_unique<Daemon>(lab.node("a"), kind, vigil::testing::scale::scale_config(w, 150, "a"), LogSink::slow_pipe);
    p.b = std::make_unique<Daemon>(lab.node("b"), kind, vigil::testing::scale::scale_config(w, 100, "b"), LogSink::slow_pipe);
    lab.flush_vips();
    p.a->start();
    auto up = time_until(Clock::now(), [&] { return lab.vip_count("a") == w.instances; }, 30s, 5ms);
    if (up) {
      p.b->start();
      // Started and answering its dump: 30 s on a slow console. Then the window counts every
      // change; the start-up of the backup is part of it (it should enter BACKUP and stay).
      if (time_until(Clock::now(), [&] { return p.b->ready() && p.b->states().has_value(); }, 30s, 100ms)) {
        if (auto s = steady(lab, p, window, false)) f.slow_changes_100 = static_cast<double>(s->changes);
      } else {
        progress("slow sink: backup did not start within 30 s");
      }
    } else {
      progress("slow sink: master never owned all VIPs within 30 s");
    }
  }
  if (only.slow) {
    const Workload w{.instances = 1000, .interval_ms = 1000, .ifaces = 4};
    progress(name + ": 1,000 @ 1 s, slow log sink: graceful stop");
    Pair p;
    if (bring_up(lab, p, w, kind, LogSink::slow_pipe, nullptr, 90s)) {
      f.slow_graceful_1k = graceful(lab, p, w.instances, 20s);
    }
  }
}

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
    } else if (std::strcmp(argv[i], "--no-keepalived") == 0) {
      with_keepalived = false;
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      const std::string g = argv[++i];
      only = Only{.k1 = g == "1k", .fast100 = g == "100-fast", .fast1k = g == "1k-fast", .slow = g == "slow"};
    } else {
      fmt::print(stderr, "usage: {} [--quick] [--window SECONDS] [--no-keepalived] [--breakdown] [--only 1k|100-fast|1k-fast|slow]\n",
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
