// bench_failover — how long after the master dies does the backup own the VIP?
//
//   sudo build/release/bench/failover/bench_failover [--runs N] [--intervals 50,100,200]
//
// Two routers on a bridge (network namespaces, tests/netns/lib), master priority 150, backup
// 100, VRRPv3 at each advert interval. Per run: start both daemons, wait for the election,
// then either kill -9 the master (VRRP child and parent) or SIGTERM it (graceful: priority-0
// advert), and measure from that syscall until the VIP appears on the backup's eth0 (netlink
// polled every 0.2 ms from the backup's namespace). The same for vigild and for keepalived 2.2.7.
// Protocol limits (RFC 5798 §6.1): kill -9 → Master_Down_Interval = 3 × I + (256−100)/256 × I
// counted from the master's last advert (so the measured time is at most that); graceful →
// Skew_Time = (256−100)/256 × I.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "vrrp_lab.h"

namespace {

using namespace std::chrono_literals;
using vigil::testing::Router;

struct Sample {
  std::vector<double> ms;
  int failures = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// One run; negative on failure (no election, or no takeover within 5 s).
double one_run(vigil::testing::Topology& topo, Router::Kind kind, int interval_ms, bool graceful) {
  vigil::testing::LabInstance li{.advert_ms = interval_ms};
  li.priority = 150;
  Router a(topo.node("a"), kind, vigil::testing::lab_config(li, "a"));
  li.priority = 100;
  Router b(topo.node("b"), kind, vigil::testing::lab_config(li, "b"));
  const std::string vip = "10.99.0.100";
  a.start();
  b.start();
  // Start-up (≤ 3 s) + master-down at the slowest interval, then b must have heard a.
  if (!vigil::testing::wait_until([&] { return a.state() == vigil::testing::kMaster && a.owns(vip); }, 5000ms) ||
      !vigil::testing::wait_until([&] { return b.state() == vigil::testing::kBackup && !b.owns(vip); }, 5000ms)) {
    return -1;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms * 2));  // a random-ish phase
  const auto t0 = std::chrono::steady_clock::now();
  if (graceful) {
    a.term();
  } else {
    a.kill9();
  }
  double took = -1;
  while (std::chrono::steady_clock::now() - t0 < 5s) {
    if (b.owns(vip)) {
      took = vigil::testing::ms_since(t0);
      break;
    }
    ::usleep(200);
  }
  a.stop(3000ms);
  b.stop(3000ms);
  vigil::testing::run(topo.node("a").exec("ip addr del " + vip + "/24 dev eth0 2>/dev/null"));
  vigil::testing::run(topo.node("b").exec("ip addr del " + vip + "/24 dev eth0 2>/dev/null"));
  return took;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  std::vector<int> intervals = {50, 100, 200};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--intervals") == 0 && i + 1 < argc) {
      intervals.clear();
      std::string list = argv[++i];
      for (std::size_t pos = 0; pos <= list.size();) {
        auto comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        intervals.push_back(std::atoi(list.substr(pos, comma - pos).c_str()));
        pos = comma + 1;
      }
    } else {
      fmt::print(stderr, "usage: {} [--runs N] [--intervals 50,100,200]\n", argv[0]);
      return 2;
    }
  }
  if (::geteuid() != 0) {
    fmt::print(stderr, "bench_failover needs root (network namespaces)\n");
    return 1;
  }
  vigil::testing::Topology topo("bfo", {"a", "b"});
  fmt::print("{:<9} {:>6} {:>9} | {:>26} | {:>26} | {:>6}\n", "mode", "int ms", "limit ms",
             "vigild median (min..max)", "keepalived median (min..max)", "ratio");
  for (bool graceful : {false, true}) {
    for (int interval : intervals) {
      const double limit = graceful ? interval * 156.0 / 256 : 3.0 * interval + interval * 156.0 / 256;
      Sample s[2];
      for (int r = 0; r < runs; ++r) {
        for (int k = 0; k < 2; ++k) {  // interleaved so load drifts hit both alike
          const double ms = one_run(topo, k == 0 ? Router::Kind::vigil : Router::Kind::keepalived, interval, graceful);
          if (ms < 0) {
            ++s[k].failures;
          } else {
            s[k].ms.push_back(ms);
          }
        }
      }
      auto cell = [](const Sample& x) {
        if (x.ms.empty()) return std::string("no data");
        return fmt::format("{:7.1f} ({:.1f}..{:.1f}){}", median(x.ms), *std::min_element(x.ms.begin(), x.ms.end()),
                           *std::max_element(x.ms.begin(), x.ms.end()),
                           x.failures ? fmt::format(" {}x fail", x.failures) : "");
      };
      const double ratio = s[1].ms.empty() || s[0].ms.empty() ? 0 : median(s[0].ms) / median(s[1].ms);
      fmt::print("{:<9} {:>6} {:>9.1f} | {:>26} | {:>26} | {:>6.2f}\n", graceful ? "graceful" : "kill -9",
                 interval, limit, cell(s[0]), cell(s[1]), ratio);
      std::fflush(stdout);
    }
  }
  return 0;
}
