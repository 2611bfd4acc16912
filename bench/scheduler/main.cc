// bench_scheduler — the same three workloads on vigil::event::Loop and on libev, one invocation,
// median of several runs each, printed with the ratio vigil/libev (lower is better for vigil).
//
//   1. timer churn: 1,000,000 timers with random deadlines (< 1 ms), half cancelled, the rest fired
//   2. retime: 10,000 timers, each pushed forward 100 times, round-robin (VRRP master-down timers)
//   3. fd dispatch: 1,000 socketpairs, 100 active; each read writes one byte to the next pair
//      (libevent's bench.c shape), 100,000 writes
//
// Usage: bench_scheduler [runs=7] [churn|retime|fd]   (profiling: churn-reused|fd-vigil|fd-libev)
// Build it RelWithDebInfo for figures worth quoting. Figures are CPU milliseconds of the process
// (see time_ms); "ratio" is median(vigil)/median(libev), "paired" the median of per-run ratios.
// Both loops get their watchers/records allocated before the clock starts (vigil: reserve();
// libev: a preallocated watcher array), so the figures compare scheduling, not malloc.
// Extra rows show vigil's other modes against the same libev figure: add_timer (clock read per
// add), a loop reused across runs, and keepalived-style one-shot fd tasks.
#include <ev.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <ctime>
#include <vector>

#include "event/loop.h"

namespace {

using Ms = std::chrono::duration<double, std::milli>;
using vigil::event::Loop;
using vigil::event::MonotonicClock;
using vigil::event::TaskHandle;

constexpr int kChurnTimers = 1'000'000;
constexpr int kRetimeTimers = 10'000;
constexpr int kRetimeRounds = 100;
constexpr int kPipes = 1'000;
constexpr int kActive = 100;
constexpr int kWrites = 100'000;

// CPU time of this process (user + system), not wall time: the build machine is shared and
// wall time mostly measures who else is compiling. None of the workloads has to sleep (every
// deadline is already due when its loop starts), so CPU time is the work each loop does.
double cpu_now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

template <class F>
double time_ms(F&& f) {
  const double start = cpu_now_ms();
  f();
  return cpu_now_ms() - start;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::vector<std::int64_t> random_offsets_ns(int n, std::int64_t range, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(range));
  return v;
}

// ---------------------------------------------------------------- 1. timer churn
// cached_now: deadlines from the loop's cached time, add_timer_at(loop.now() + d), which is what
// libev's ev_timer_set(after) does (relative to ev_now). Otherwise add_timer(d), which reads the
// clock on every call (keepalived's semantics; one vDSO clock_gettime per timer).
double churn_vigil(Loop& loop, std::vector<TaskHandle>& hs, const std::vector<std::int64_t>& off,
                   bool cached_now) {
  long fired = 0;
  const long target = kChurnTimers / 2;
  return time_ms([&] {
    auto on_fire = [&] {
      if (++fired == target) loop.terminate(0);
    };
    const auto base = loop.now();
    for (int i = 0; i < kChurnTimers; ++i) {
      const std::chrono::nanoseconds d(off[static_cast<std::size_t>(i)]);
      hs[static_cast<std::size_t>(i)] =
          cached_now ? loop.add_timer_at(base + d, on_fire) : loop.add_timer(d, on_fire);
    }
    for (int i = 1; i < kChurnTimers; i += 2) hs[static_cast<std::size_t>(i)].cancel();
    loop.run();
  });
}

void ev_count_cb(struct ev_loop*, ev_timer* w, int) { ++*static_cast<long*>(w->data); }

double churn_libev(struct ev_loop* loop, std::vector<ev_timer>& ws, const std::vector<std::int64_t>& off) {
  long fired = 0;
  // Grow libev's timer heap outside the timing, as vigil's reserve() does for its own.
  for (auto& w : ws) {
    ev_timer_init(&w, ev_count_cb, 1e6, 0.);
    ev_timer_start(loop, &w);
  }
  for (auto& w : ws) ev_timer_stop(loop, &w);
  const double t = time_ms([&] {
    for (int i = 0; i < kChurnTimers; ++i) {
      ev_timer* w = &ws[static_cast<std::size_t>(i)];
      ev_timer_init(w, ev_count_cb, static_cast<double>(off[static_cast<std::size_t>(i)]) * 1e-9, 0.);
      w->data = &fired;
      ev_timer_start(loop, w);
    }
    for (int i = 1; i < kChurnTimers; i += 2) ev_timer_stop(loop, &ws[static_cast<std::size_t>(i)]);
    ev_run(loop, 0);
  });
  if (fired != kChurnTimers / 2) std::fprintf(stderr, "libev churn fired %ld\n", fired);
  return t;
}

// ---------------------------------------------------------------- 2. retime
double retime_vigil(Loop& loop, const std::vector<std::int64_t>& jitter) {
  std::vector<TaskHandle> hs(kRetimeTimers);
  for (auto& h : hs) h = loop.add_timer(std::chrono::seconds(1), [] {});
  const auto base = loop.clock().now();
  const double t = time_ms([&] {
    for (int r = 1; r <= kRetimeRounds; ++r) {
      for (int i = 0; i < kRetimeTimers; ++i) {
        const auto d = std::chrono::seconds(1) + std::chrono::milliseconds(r) +
                       std::chrono::nanoseconds(jitter[static_cast<std::size_t>(i)]);
        loop.retime(hs[static_cast<std::size_t>(i)], base + d);
      }
    }
  });
  return t;  // handles cancel on scope exit, outside the timing
}

void ev_noop_cb(struct ev_loop*, ev_timer*, int) {}

double retime_libev(struct ev_loop* loop, const std::vector<std::int64_t>& jitter) {
  std::vector<ev_timer> ws(kRetimeTimers);
  for (auto& w : ws) {
    ev_timer_init(&w, ev_noop_cb, 1., 0.);
    ev_timer_start(loop, &w);
  }
  const double t = time_ms([&] {
    for (int r = 1; r <= kRetimeRounds; ++r) {
      for (int i = 0; i < kRetimeTimers; ++i) {
        ev_timer& w = ws[static_cast<std::size_t>(i)];
        w.repeat = 1. + r * 1e-3 + static_cast<double>(jitter[static_cast<std::size_t>(i)]) * 1e-9;
        ev_timer_again(loop, &w);
      }
    }
  });
  for (auto& w : ws) ev_timer_stop(loop, &w);
  return t;
}

// ---------------------------------------------------------------- 3. fd dispatch
struct Pipes {
  std::vector<int> rd, wr;
  Pipes() : rd(kPipes), wr(kPipes) {
    for (int i = 0; i < kPipes; ++i) {
      int sv[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0) std::abort();
      rd[static_cast<std::size_t>(i)] = sv[0];
      wr[static_cast<std::size_t>(i)] = sv[1];
    }
  }
  ~Pipes() {
    for (int i = 0; i < kPipes; ++i) {
      close(rd[static_cast<std::size_t>(i)]);
      close(wr[static_cast<std::size_t>(i)]);
    }
  }
};

struct Relay {
  Pipes* pipes;
  long count = 0, fired = 0, writes = 0;
  // Returns true when every written byte has been read.
  bool on_read(int idx) {
    char c;
    if (read(pipes->rd[static_cast<std::size_t>(idx)], &c, 1) == 1) ++count;
    if (writes > 0) {
      const int next = (idx + 1) % kPipes;
      if (write(pipes->wr[static_cast<std::size_t>(next)], "e", 1) == 1) ++fired;
      --writes;
    }
    return writes == 0 && count == fired;
  }
  void start() {
    count = fired = 0;
    writes = kWrites;
    constexpr int space = kPipes / kActive;
    for (int i = 0; i < kActive; ++i) {
      if (write(pipes->wr[static_cast<std::size_t>(i * space)], "e", 1) == 1) ++fired;
    }
    writes -= kActive;
  }
};

double fd_vigil(Loop& loop, Pipes& pipes, bool persistent) {
  Relay relay{&pipes};
  std::vector<TaskHandle> hs(kPipes);
  struct OnRead {
    Loop* loop;
    Relay* relay;
    std::vector<TaskHandle>* hs;
    int idx;
    bool persistent;
    void operator()() const {
      if (!persistent) (*hs)[static_cast<std::size_t>(idx)] = loop->add_read(relay->pipes->rd[static_cast<std::size_t>(idx)], *this);
      if (relay->on_read(idx)) loop->terminate(0);
    }
  };
  static_assert(sizeof(OnRead) <= vigil::event::kCallbackCapacity);
  for (int i = 0; i < kPipes; ++i) {
    hs[static_cast<std::size_t>(i)] = loop.add_read(pipes.rd[static_cast<std::size_t>(i)],
                                                    OnRead{&loop, &relay, &hs, i, persistent}, {},
                                                    {.persistent = persistent});
  }
  loop.run_until_idle();  // registrations reach the kernel outside the timing
  return time_ms([&] {
    relay.start();
    loop.run();
  });
}

struct EvRelay {
  ev_io io;
  Relay* relay;
  int idx;
};

void ev_read_cb(struct ev_loop* loop, ev_io* w, int) {
  auto* r = reinterpret_cast<EvRelay*>(w);
  if (r->relay->on_read(r->idx)) ev_break(loop, EVBREAK_ALL);
}

double fd_libev(struct ev_loop* loop, Pipes& pipes) {
  Relay relay{&pipes};
  std::vector<EvRelay> ws(kPipes);
  for (int i = 0; i < kPipes; ++i) {
    EvRelay& r = ws[static_cast<std::size_t>(i)];
    ev_io_init(&r.io, ev_read_cb, pipes.rd[static_cast<std::size_t>(i)], EV_READ);
    r.relay = &relay;
    r.idx = i;
    ev_io_start(loop, &r.io);
  }
  ev_run(loop, EVRUN_NOWAIT);  // registrations reach the kernel outside the timing
  const double t = time_ms([&] {
    relay.start();
    ev_run(loop, 0);
  });
  for (auto& r : ws) ev_io_stop(loop, &r.io);
  return t;
}

// ratio: median(vigil) / median(libev). paired: the median of the per-run ratios; each pair ran
// back to back, so it is the steadier figure on a shared, busy machine.
void row(const char* name, const std::vector<double>& vigil, const std::vector<double>& libev) {
  std::vector<double> paired;
  for (std::size_t i = 0; i < vigil.size() && i < libev.size(); ++i) paired.push_back(vigil[i] / libev[i]);
  std::printf("%-46s %10.2f %10.2f %8.2f %8.2f\n", name, median(vigil), median(libev),
              median(vigil) / median(libev), median(paired));
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
  const std::string only = argc > 2 ? argv[2] : "";
  const bool churn = only.empty() || only == "churn";
  const bool churn_reused_only = only == "churn-reused";  // for profiling
  const bool fd_vigil_only = only == "fd-vigil";            // for profiling / syscall counts
  const bool fd_libev_only = only == "fd-libev";
  const bool retime = only.empty() || only == "retime";
  const bool fd = only.empty() || only == "fd";
  MonotonicClock clock;

  const auto churn_off = random_offsets_ns(kChurnTimers, 1'000'000, 1);
  const auto jitter = random_offsets_ns(kRetimeTimers, 1'000'000, 2);
  std::vector<TaskHandle> churn_handles(kChurnTimers);
  std::vector<ev_timer> churn_watchers(kChurnTimers);
  Pipes pipes;

  // Each measurement gets a fresh loop of its kind, built (and for vigil, reserve()d) before the
  // clock starts, the way libev's watchers are allocated by the caller. vigil and libev take
  // turns going first, so neither always inherits the other's cache and socket state.
  struct EvLoop {
    struct ev_loop* l = ev_loop_new(EVBACKEND_EPOLL);
    ~EvLoop() { ev_loop_destroy(l); }
  };
  auto fresh = [&](std::size_t tasks) {
    auto l = std::make_unique<Loop>(clock);
    l->reserve(tasks, 4096);
    return l;
  };
  // The reused pair keeps one loop each across runs: vigil's pool then hands records back in
  // the random order the previous run's timers fired in.
  std::unique_ptr<Loop> reused = churn || churn_reused_only ? fresh(kChurnTimers) : nullptr;
  EvLoop reused_ev;

  std::vector<double> v1, v1b, v1r, l1, l1r, v2, l2, v3, l3, v4;
  for (int r = 0; r < runs; ++r) {
    const bool vigil_first = r % 2 == 0;
    auto both = [&](auto&& vigil_fn, auto&& libev_fn) {
      if (vigil_first) {
        vigil_fn();
        libev_fn();
      } else {
        libev_fn();
        vigil_fn();
      }
    };
    if (churn_reused_only) v1r.push_back(churn_vigil(*reused, churn_handles, churn_off, true));
    if (fd_vigil_only) v3.push_back(fd_vigil(*fresh(kPipes), pipes, true));
    if (fd_libev_only) {
      EvLoop e;
      l3.push_back(fd_libev(e.l, pipes));
    }
    if (churn) {
      both([&] { v1.push_back(churn_vigil(*fresh(kChurnTimers), churn_handles, churn_off, true)); },
           [&] { EvLoop e; l1.push_back(churn_libev(e.l, churn_watchers, churn_off)); });
      v1b.push_back(churn_vigil(*fresh(kChurnTimers), churn_handles, churn_off, false));
      both([&] { v1r.push_back(churn_vigil(*reused, churn_handles, churn_off, true)); },
           [&] { l1r.push_back(churn_libev(reused_ev.l, churn_watchers, churn_off)); });
    }
    if (retime) {
      both([&] { v2.push_back(retime_vigil(*fresh(kRetimeTimers), jitter)); },
           [&] { EvLoop e; l2.push_back(retime_libev(e.l, jitter)); });
    }
    if (fd) {
      both([&] { v3.push_back(fd_vigil(*fresh(kPipes), pipes, true)); },
           [&] { EvLoop e; l3.push_back(fd_libev(e.l, pipes)); });
      v4.push_back(fd_vigil(*fresh(kPipes), pipes, false));
    }
  }
  std::printf("bench_scheduler: median of %d runs, CPU milliseconds (ratio = vigil/libev, <= 1.0 is the goal)\n", runs);
  std::printf("%-46s %10s %10s %8s %8s\n", "workload", "vigil", "libev", "ratio", "paired");
  if (churn) {
    row("timer churn (1M timers, half cancelled)", v1, l1);
    row("  same, vigil add_timer (clock read per add)", v1b, l1);
    row("  same, one loop reused across runs", v1r, l1r);
  }
  if (churn_reused_only) std::printf("vigil churn, reused loop: %.2f ms\n", median(v1r));
  if (fd_vigil_only) std::printf("vigil fd dispatch: %.2f ms\n", median(v3));
  if (fd_libev_only) std::printf("libev fd dispatch: %.2f ms\n", median(l3));
  if (retime) row("retime (10k timers x 100 pushes)", v2, l2);
  if (fd) {
    row("fd dispatch (1000 pairs, 100 active, 100k)", v3, l3);
    row("  same, vigil one-shot re-add (keepalived)", v4, l3);
  }
  return 0;
}
