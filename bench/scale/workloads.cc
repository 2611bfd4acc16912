// bench/scale/workloads.cc — bench_scale's workloads (workloads.h): bring a pair up, steady
// windows, reload, start, graceful stop, kill, slow log sink.
#include "workloads.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "scale_lab.h"

namespace vigil::bench::scale {

std::atomic<bool> g_interrupted{false};

double skew_ms(int interval, int prio) { return interval * (256.0 - prio) / 256.0; }
double master_down_ms(int interval, int prio) { return 3.0 * interval + skew_ms(interval, prio); }

bool g_breakdown = false;
int g_start_rounds = 5;
int g_graceful_rounds = 3;

namespace {

using namespace std::chrono_literals;
using vigil::testing::scale::Daemon;
using vigil::testing::scale::LogSink;
using vigil::testing::scale::ScaleLab;
using vigil::testing::scale::VipWatch;
using vigil::testing::scale::WireCapture;
using vigil::testing::scale::Workload;
using vigil::testing::scale::percentile;
using vigil::testing::scale::realtime_ns;
using Clock = std::chrono::steady_clock;

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

// One start of the master alone: the time from fork/exec until it owns all `instances` VIPs
// (with --breakdown, also when its takeover adverts hit the wire and its first VIP appeared).
Fig timed_start(ScaleLab& lab, Daemon& a, int instances, std::chrono::seconds timeout) {
  lab.flush_vips();
  std::optional<WireCapture> cap;
  if (g_breakdown) cap.emplace(lab);
  VipWatch watch(lab, "a");
  const auto t0 = Clock::now();
  const auto rt0 = realtime_ns();
  a.start();
  // Master_Down for priority 150 plus a slow start-up (a loaded machine, a slow console): 30 s
  // (90 s for 1,000 instances logging onto a 1 ms-per-line console).
  auto up = vips_at(watch, t0, instances, timeout);
  if (!up) {
    progress(fmt::format("master never owned all {} VIPs (has {})", instances, lab.vip_count("a")));
    return up;
  }
  if (cap) {
    const auto adv = cap->first_with_priority_after(150, rt0);  // the takeover burst
    const auto v = watch.first_added();
    progress(fmt::format("  start: master's first adverts ({}) {:.1f} .. {:.1f} ms; VIPs {:.1f} .. {:.1f} ms",
                         adv.count, static_cast<double>(adv.first_ns - rt0) / 1e6,
                         static_cast<double>(adv.last_ns - rt0) / 1e6,
                         v ? std::chrono::duration<double, std::milli>(*v - t0).count() : -1.0, *up));
  } else {
    progress(fmt::format("  start: all VIPs at {:.1f} ms", *up));
  }
  return up;
}

// Start the master alone (→ start time to all VIPs), then the backup until it is BACKUP everywhere.
// With `start_ms`, the master is started g_start_rounds times (stopped in between) and the
// figure is the median: one start moves by a few ms with whatever else the machine does.
bool bring_up(ScaleLab& lab, Pair& p, const Workload& w, Daemon::Kind kind, LogSink sink, Fig* start_ms,
              std::chrono::seconds timeout = 30s) {
  auto master = [&] {
    return std::make_unique<Daemon>(lab.node("a"), kind, vigil::testing::scale::scale_config(w, 150, "a"), sink);
  };
  p.b = std::make_unique<Daemon>(lab.node("b"), kind, vigil::testing::scale::scale_config(w, 100, "b"), sink);
  std::vector<double> starts;
  const int rounds = start_ms != nullptr ? std::max(1, g_start_rounds) : 1;
  for (int i = 0; i < rounds; ++i) {
    if (i > 0) {  // the previous round's master stops (and takes its VIPs away)
      p.a->term();
      p.a->wait_exit(10s);
      sleep_for(200ms);
    }
    p.a = master();
    auto up = timed_start(lab, *p.a, w.instances, timeout);
    if (!up) return false;
    starts.push_back(*up);
  }
  if (start_ms != nullptr) *start_ms = percentile(starts, 50);
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

}  // namespace

void run_kind(ScaleLab& lab, Daemon::Kind kind, std::chrono::seconds window, Figures& f, const Only& only) {
  const std::string name = kind == Daemon::Kind::vigil ? "vigild" : "keepalived";
  // ---- 1,000 instances @ 1 s ----
  if (only.k1) {
    const Workload w{.instances = 1000, .interval_ms = 1000, .ifaces = 4};
    progress(name + ": 1,000 @ 1 s: start");
    Pair p;
    if (bring_up(lab, p, w, kind, LogSink::file, &f.start_ms) && !only.start_only) {
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
      const auto g0 = realtime_ns();
      sleep_for(2s);
      // Rounds of a plain dump, then SIGHUP + dump: the reload time is the difference of the
      // medians (one round of each read 1.7–25.6 ms for the same vigild on a loaded machine).
      // State changes and advert gaps are counted over all of them.
      constexpr int kReloadRounds = 5;
      std::vector<double> dumps, reloads;
      for (int i = 0; i < kReloadRounds; ++i) {
        const auto t_dump = Clock::now();
        if (p.a->json().has_value()) dumps.push_back(ms_since(t_dump));
        sleep_for(300ms);
        const auto t_hup = Clock::now();
        p.a->hup();
        if (p.a->json(10s).has_value()) reloads.push_back(ms_since(t_hup));
        sleep_for(300ms);
      }
      if (dumps.size() == kReloadRounds && reloads.size() == kReloadRounds) {
        f.reload_ms = std::max(0.0, percentile(reloads, 50) - percentile(dumps, 50));
      }
      sleep_for(3s);
      f.reload_gap = cap.gaps(g0, realtime_ns()).max_ms;
      auto ta1 = p.a->states();
      auto tb1 = p.b->states();
      if (ta && tb && ta1 && tb1) {
        f.reload_changes = static_cast<double>((ta1->transitions - ta->transitions) + (tb1->transitions - tb->transitions));
      }
      // Graceful stops (the median of g_graceful_rounds), each followed by the master's restart
      // (it preempts), then kill -9.
      std::vector<double> stops;
      std::optional<double> back;
      for (int i = 0; i < std::max(1, g_graceful_rounds); ++i) {
        progress(name + ": 1,000 @ 1 s: graceful stop");
        if (auto g = graceful(lab, p, w.instances, 10s)) stops.push_back(*g);
        p.a = std::make_unique<Daemon>(lab.node("a"), kind, vigil::testing::scale::scale_config(w, 150, "a"));
        p.a->start();
        // Start-up + one advert interval to preempt: 30 s on a loaded machine.
        back = time_until(Clock::now(), [&] {
          return lab.vip_count("a") == w.instances && lab.vip_count("b") == 0;
        }, 30s, 20ms);
        if (!back) break;
      }
      if (static_cast<int>(stops.size()) == std::max(1, g_graceful_rounds)) f.graceful_ms = percentile(stops, 50);
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
}  // namespace vigil::bench::scale
