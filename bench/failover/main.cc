// bench_failover — failover as the wire sees it, vigild beside keepalived 2.2.7 in one run.
//
//   sudo build/release/bench/failover/bench_failover [--runs N] [--configs v2:1000,v3:1000,v3:100,v3:50]
//
// Two routers on a bridge (network namespaces, tests/netns/lib): a (priority 150) MASTER, b (100)
// BACKUP. Per run: start both daemons, wait for the election, then kill -9 the master (VRRP child
// and parent) or SIGTERM it (graceful: it sends a priority-0 advert), and read two times:
//
//  * wire time — from a capture on the bridge with kernel timestamps (SO_TIMESTAMPNS): from the
//    master's last advert (for a graceful stop that is its priority-0 advert) to the backup's
//    first advert. Protocol limit (RFC 5798 §6.1, reference §4.3): kill -9 → Master_Down_Interval
//    = 3 × I + Skew(100); graceful → Skew(100). Skew(100) = 156/256 × I for v3, 156/256 s for v2.
//  * VIP delay — from the backup's first advert (bridge timestamp) to the RTM_NEWADDR of the VIP
//    in the backup's namespace, read by a thread of this process blocked on an rtnetlink
//    subscription there and stamped with CLOCK_REALTIME on wake-up (so it includes that wake-up).
//
// Median (min..max) of N runs per daemon, runs of the two daemons interleaved so load drifts hit
// both alike. The load average is printed: the figures are only as quiet as the machine.
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "net/netlink_monitor.h"
#include "vrrp_lab.h"

namespace {

using namespace std::chrono_literals;
using vigil::testing::PacketCapture;
using vigil::testing::Router;
using SysTime = std::chrono::system_clock::time_point;

struct BenchConfig {
  int version = 3;
  int interval_ms = 100;
};

struct RunResult {
  double wire_ms = -1;  // < 0: failed
  double vip_ms = -1;   // < 0: not seen
};

struct Sample {
  std::vector<double> wire, vip;
  int failures = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double ms(SysTime from, SysTime to) { return std::chrono::duration<double, std::milli>(to - from).count(); }

// An IPv4 VRRP advert (protocol 112) from `src` (last octet of 10.99.0.x); its priority.
std::optional<int> advert_priority(const PacketCapture::Frame& f, int src) {
  if (f.ethertype() != 0x0800 || f.bytes.size() < 14 + 20 + 8 || f.bytes[23] != 112) return std::nullopt;
  if (f.bytes[26] != 10 || f.bytes[27] != 99 || f.bytes[28] != 0 || f.bytes[29] != src) return std::nullopt;
  return f.bytes[34 + 2];
}

// Waits in `ns` for RTM_NEWADDR of `vip`; the wall-clock time it arrived.
class VipWatch {
 public:
  VipWatch(const std::string& ns, const std::string& vip) : thread_([this, ns, vip] { run(ns, vip); }) {
    while (!ready_.load()) std::this_thread::sleep_for(1ms);
  }
  ~VipWatch() {
    stop_ = true;
    thread_.join();
  }
  std::optional<SysTime> seen() const {
    if (!done_.load()) return std::nullopt;
    return at_;
  }

 private:
  void run(const std::string& ns, const std::string& vip_text) {
    vigil::testing::NetnsScope in(ns);
    auto mon = vigil::net::NetlinkMonitor::open(vigil::net::MonitorGroups{.links = false, .addresses = true});
    ready_ = true;
    if (!mon) return;
    const auto vip = vigil::vrrp::IpAddress::parse(vip_text);
    while (!stop_ && !done_) {
      pollfd p{mon->fd(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const SysTime now = std::chrono::system_clock::now();
      auto r = mon->drain([&](const vigil::net::NetlinkMessage& m) {
        if (const auto* a = std::get_if<vigil::net::AddressEvent>(&m); a && !a->deleted && a->address == *vip && !done_) {
          at_ = now;
          done_ = true;
        }
      });
      if (!r) return;
    }
  }
  std::atomic<bool> ready_{false}, stop_{false}, done_{false};
  SysTime at_{};
  std::thread thread_;
};

RunResult one_run(vigil::testing::Topology& topo, Router::Kind kind, const BenchConfig& bc, bool graceful,
                  std::mt19937& rng) {
  const std::string vip = "10.99.0.100";
  vigil::testing::LabInstance li{.version = bc.version, .advert_ms = bc.interval_ms};
  li.priority = 150;
  Router a(topo.node("a"), kind, vigil::testing::lab_config(li, "a"));
  li.priority = 100;
  Router b(topo.node("b"), kind, vigil::testing::lab_config(li, "b"));
  PacketCapture cap(topo.bridge_ns(), "br0");
  a.start();
  b.start();
  RunResult res;
  // Start-up (≤ 3 s) + a's master-down (3 × I + skew), then b must have heard a.
  const auto elect = 3000ms + 4 * std::chrono::milliseconds(bc.interval_ms);
  if (vigil::testing::wait_until([&] { return a.state() == vigil::testing::kMaster && a.owns(vip); }, elect) &&
      vigil::testing::wait_until([&] { return b.state() == vigil::testing::kBackup && !b.owns(vip); }, elect)) {
    // A random phase inside the advert interval, after a few adverts.
    std::uniform_int_distribution<int> phase(0, bc.interval_ms - 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * bc.interval_ms + phase(rng)));
    std::optional<SysTime> a_last, b_first;
    auto scan = [&](const PacketCapture::Frame& f) {
      if (advert_priority(f, 1)) a_last = f.at;
      if (auto p = advert_priority(f, 2); p && *p > 0) b_first = f.at;
      return b_first.has_value();
    };
    for (const auto& f : cap.drain()) scan(f);
    b_first.reset();  // b's own adverts before the election settled do not count
    VipWatch watch(topo.node("b").ns, vip);
    if (graceful) {
      a.term();
    } else {
      a.kill9();
    }
    // b takes over within master-down; allow 3 × that + 1 s.
    const auto limit = 1000ms + 3 * (3 * std::chrono::milliseconds(bc.interval_ms) + 1000ms);
    if (cap.next(scan, std::chrono::duration_cast<std::chrono::milliseconds>(limit)) && a_last) {
      res.wire_ms = ms(*a_last, *b_first);
      vigil::testing::wait_until([&] { return watch.seen().has_value(); }, 1000ms);
      if (auto t = watch.seen()) res.vip_ms = ms(*b_first, *t);
    } else {
      fmt::print(stderr, "run failed: no takeover advert from b seen{}\n", a_last ? "" : " (nor an advert from a)");
    }
  } else {
    fmt::print(stderr, "run failed: no election (a {} b {})\n", a.state(), b.state());
  }
  a.stop(3000ms);
  b.stop(3000ms);
  vigil::testing::run(topo.node("a").exec("ip addr del " + vip + "/24 dev eth0 2>/dev/null"));
  vigil::testing::run(topo.node("b").exec("ip addr del " + vip + "/24 dev eth0 2>/dev/null"));
  return res;
}

std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string cell(const std::vector<double>& v, int failures) {
  if (v.empty()) return "no data";
  return fmt::format("{:.1f} ({:.1f}..{:.1f}){}", median(v), *std::min_element(v.begin(), v.end()),
                     *std::max_element(v.begin(), v.end()), failures ? fmt::format(" {}x fail", failures) : "");
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  std::vector<BenchConfig> configs = {{2, 1000}, {3, 1000}, {3, 100}, {3, 50}};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--configs") == 0 && i + 1 < argc) {
      configs.clear();
      std::string list = argv[++i];
      for (std::size_t pos = 0; pos <= list.size();) {
        auto comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        const std::string item = list.substr(pos, comma - pos);  // "v3:100"
        const auto colon = item.find(':');
        if (item.size() < 4 || item[0] != 'v' || colon == std::string::npos) {
          fmt::print(stderr, "bad config '{}': want vVERSION:INTERVAL_MS\n", item);
          return 2;
        }
        configs.push_back({std::atoi(item.substr(1, colon - 1).c_str()), std::atoi(item.substr(colon + 1).c_str())});
        pos = comma + 1;
      }
    } else {
      fmt::print(stderr, "usage: {} [--runs N] [--configs v2:1000,v3:1000,v3:100,v3:50]\n", argv[0]);
      return 2;
    }
  }
  if (::geteuid() != 0) {
    fmt::print(stderr, "bench_failover needs root (network namespaces)\n");
    return 1;
  }
  std::mt19937 rng(42);
  vigil::testing::Topology topo("bfo", {"a", "b"});
  fmt::print("load average at start: {}\n", loadavg());
  fmt::print("wire ms = master's last advert → backup's first advert (bridge capture); "
             "VIP ms = backup's first advert → RTM_NEWADDR in its namespace\n");
  fmt::print("{:<9} {:>3} {:>6} {:>8} | {:>24} | {:>24} | {:>7} | {:>20} | {:>20}\n", "mode", "ver", "int ms",
             "limit", "vigild wire", "keepalived wire", "v - k", "vigild VIP", "keepalived VIP");
  for (bool graceful : {false, true}) {
    for (const auto& bc : configs) {
      const double skew = bc.version == 2 ? 1000.0 * 156 / 256 : bc.interval_ms * 156.0 / 256;
      const double limit = graceful ? skew : 3.0 * bc.interval_ms + skew;
      Sample s[2];
      for (int r = 0; r < runs; ++r) {
        for (int k = 0; k < 2; ++k) {
          const RunResult rr = one_run(topo, k == 0 ? Router::Kind::vigil : Router::Kind::keepalived, bc, graceful, rng);
          if (rr.wire_ms < 0) {
            ++s[k].failures;
            continue;
          }
          s[k].wire.push_back(rr.wire_ms);
          if (rr.vip_ms >= 0) s[k].vip.push_back(rr.vip_ms);
        }
      }
      const double diff = s[0].wire.empty() || s[1].wire.empty() ? 0 : median(s[0].wire) - median(s[1].wire);
      fmt::print("{:<9} {:>3} {:>6} {:>8.1f} | {:>24} | {:>24} | {:>+7.1f} | {:>20} | {:>20}\n",
                 graceful ? "graceful" : "kill -9", bc.version, bc.interval_ms, limit, cell(s[0].wire, s[0].failures),
                 cell(s[1].wire, s[1].failures), diff, cell(s[0].vip, 0), cell(s[1].vip, 0));
      std::fflush(stdout);
    }
  }
  fmt::print("load average at end: {}\n", loadavg());
  return 0;
}
