// bench/lib/microbench.h — timing helpers for the in-process micro-benchmarks (codec, engine).
//
//   const double ns = vigil::bench::median_ns(1'000'000, [&](long i) { keep(work(i)); });
//
// Figures are thread CPU time, not wall time: on a shared, loaded build host wall time mostly
// measures the scheduler. Each figure is the median of kRuns runs.
#pragma once

#include <algorithm>
#include <array>
#include <ctime>

namespace vigil::bench {

inline constexpr int kRuns = 7;

inline double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Keeps a value (and the memory behind a pointer) observable so the loop is not optimised out.
template <class T>
void keep(const T& v) {
  asm volatile("" : : "r,m"(v) : "memory");
}

// Nanoseconds per call of body(i), i = 0 … iters-1: the median of kRuns runs.
template <class F>
double median_ns(long iters, F&& body) {
  std::array<double, kRuns> runs{};
  for (double& r : runs) {
    const double t0 = thread_cpu_ns();
    for (long i = 0; i < iters; ++i) body(i);
    r = (thread_cpu_ns() - t0) / static_cast<double>(iters);
  }
  std::sort(runs.begin(), runs.end());
  return runs[kRuns / 2];
}

}  // namespace vigil::bench
