// bench_tracking — vrrp_script load: N scripts (default 500) at interval 1 s running /bin/true
// for D seconds (default 20), on vigil's ScriptRunner, on vigild and on keepalived 2.2.7, in one
// invocation.
//
//   runner:     vigil's ScriptRunner in this process: own CPU (getrusage RUSAGE_SELF: excludes
//               the scripts) as % of one core, and the start lateness of every run (clock
//               reading just before the spawn minus the deadline it was scheduled for — the
//               intended time, not the previous start): p50, p99, max.
//   vigild, keepalived: the daemon's VRRP child's own CPU (/proc/PID/stat utime+stime, excludes
//               the scripts) on the same config (one instance tracking every script), each inside
//               a network namespace made for it (veth pair; removed after), one after the other.
//               Skipped when not root or keepalived/ip is missing.
//
// Usage: bench_tracking [seconds=20] [scripts=500] [runs=1] [--no-keepalived] [--rt N] [--blocking]
//   --no-keepalived: the runner only (no daemons: vigild nor keepalived).
//   --blocking: vigil's spawner in SpawnMode::blocking (CLONE_VFORK) instead of concurrent.
//   --rt N: run vigil under SCHED_RR priority N and give keepalived `vrrp_rt_priority N` — what
//   keepalived recommends against scheduling latency (reference §2.3); scripts drop it before exec.
// Medians over `runs` are printed; goals: vigild CPU < 2 % of one core, lateness < 10 ms.
// One command: sudo build/release/bench/tracking/bench_tracking 20 500 3
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "event/loop.h"
#include "track/script_runner.h"
#include "track/spawn.h"

#ifndef VIGILD_PATH
#error "VIGILD_PATH must be defined by CMake"
#endif

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double cpu_seconds_self() {
  rusage r{};
  ::getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct VigilRun {
  double cpu_percent = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::size_t starts = 0, late_10ms = 0;
  std::uint64_t blocking_spawns = 0;  // spawns that found all child stacks busy
  double queue_p99_ms = 0, queue_max_ms = 0;
};

VigilRun run_vigil(int seconds, int scripts, vigil::track::SpawnMode mode) {
  vigil::event::MonotonicClock clock;
  vigil::event::Loop loop(clock);
  vigil::track::Spawner spawner(mode);
  std::size_t failures = 0;
  vigil::track::ScriptRunner runner(
      loop, spawner,
      [&](vigil::event::Severity s, std::string_view m) {
        if (s >= vigil::event::Severity::warning) {
          ++failures;
          if (failures < 5) std::fprintf(stderr, "  log: %.*s\n", static_cast<int>(m.size()), m.data());
        }
      },
      nullptr, {.check = false, .enabled = false});
  for (int i = 0; i < scripts; ++i) {
    vigil::track::ScriptConfig c;
    c.name = "chk" + std::to_string(i);
    c.command = "/bin/true";
    c.interval = 1s;
    (void)runner.add(std::move(c));
  }
  std::vector<double> late_ms, queue_ms;
  late_ms.reserve(static_cast<std::size_t>(scripts) * static_cast<std::size_t>(seconds + 2));
  queue_ms.reserve(late_ms.capacity());
  bool measuring = false;
  // late: start − deadline. queue: start − the loop's wake-up for that poll step, i.e. the part
  // of the lateness spent behind other callbacks inside vigil (the rest is the kernel waking us).
  runner.set_on_start([&](std::size_t, vigil::event::TimePoint scheduled,
                          vigil::event::TimePoint now) {
    if (!measuring) return;
    late_ms.push_back(std::chrono::duration<double, std::milli>(now - scheduled).count());
    queue_ms.push_back(std::chrono::duration<double, std::milli>(now - loop.now()).count());
  });
  runner.start();
  // 1 s warm-up (first runs spread, page cache warm), then the measured window.
  struct Window {
    double cpu0 = 0;
    Clock::time_point wall0{};
    bool* measuring = nullptr;
    VigilRun out{};
  } w;
  w.measuring = &measuring;
  vigil::event::TaskHandle begin = loop.add_timer(1s, [&w] {
    *w.measuring = true;
    w.cpu0 = cpu_seconds_self();
    w.wall0 = Clock::now();
  });
  vigil::event::TaskHandle end = loop.add_timer(1s + std::chrono::seconds(seconds), [&w, &loop] {
    const double cpu = cpu_seconds_self() - w.cpu0;
    const double wall = std::chrono::duration<double>(Clock::now() - w.wall0).count();
    w.out.cpu_percent = 100.0 * cpu / wall;
    *w.measuring = false;
    loop.terminate(0);
  });
  VigilRun& out = w.out;
  loop.run();
  w.out.blocking_spawns = spawner.blocking_spawns();
  while (::waitpid(-1, nullptr, 0) > 0) {
  }
  out.starts = late_ms.size();
  if (!late_ms.empty()) {
    std::sort(late_ms.begin(), late_ms.end());
    out.p50_ms = late_ms[late_ms.size() / 2];
    out.p99_ms = late_ms[std::min(late_ms.size() - 1, late_ms.size() * 99 / 100)];
    out.max_ms = late_ms.back();
    out.late_10ms = static_cast<std::size_t>(
        late_ms.end() - std::upper_bound(late_ms.begin(), late_ms.end(), 10.0));
    std::sort(queue_ms.begin(), queue_ms.end());
    out.queue_p99_ms = queue_ms[std::min(queue_ms.size() - 1, queue_ms.size() * 99 / 100)];
    out.queue_max_ms = queue_ms.back();
  }
  return w.out;
}

// ---------------------------------------------------------------- keepalived reference

int sh(const std::string& cmd) { return std::system(cmd.c_str()); }

std::string slurp(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "re")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

double proc_cpu_seconds(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream rest(stat.substr(paren + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; rest >> field; ++i) {  // field 3 is the state
    if (i == 14) utime = std::stod(field);
    if (i == 15) {
      stime = std::stod(field);
      break;
    }
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Context switches of a process so far (voluntary + involuntary): its wake-ups, a figure the
// machine's load does not inflate the way it inflates CPU time.
double proc_switches(pid_t pid) {
  const std::string status = slurp("/proc/" + std::to_string(pid) + "/status");
  double total = 0;
  for (const char* key : {"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"}) {
    const auto pos = status.find(key);
    if (pos == std::string::npos) return -1;
    total += std::atof(status.c_str() + pos + std::strlen(key));
  }
  return total;
}

struct DaemonRun {
  double cpu_percent = -1;    // negative: could not run
  double switches_per_s = 0;
};

pid_t read_pid(const std::string& path) {
  return static_cast<pid_t>(std::atoi(slurp(path).c_str()));
}

// Runs `bin` (keepalived, or vigild: same command line) on the bench's config in a namespace
// of its own and returns its VRRP process's CPU % of one core, or a negative number if it could
// not run.
DaemonRun run_daemon(const std::string& bin, int seconds, int scripts, int rt) {
  DaemonRun result;
  if (::geteuid() != 0 || sh("command -v " + bin + " >/dev/null && command -v ip >/dev/null") != 0) {
    return result;
  }
  const std::string tag = "vigilbt" + std::to_string(::getpid());
  const std::string dir = "/tmp/" + tag;
  std::filesystem::create_directories(dir);
  {
    std::ofstream conf(dir + "/keepalived.conf");
    conf << "global_defs {\n  script_user root\n  enable_script_security\n";
    if (rt > 0) conf << "  vrrp_rt_priority " << rt << "\n";
    conf << "}\n";
    for (int i = 0; i < scripts; ++i) {
      conf << "vrrp_script chk" << i << " {\n  script \"/bin/true\"\n  interval 1\n}\n";
    }
    conf << "vrrp_instance VI_1 {\n  interface bt0\n  state BACKUP\n  virtual_router_id 51\n"
            "  priority 100\n  advert_int 1\n  virtual_ipaddress {\n    10.99.1.100/24\n  }\n"
            "  track_script {\n";
    for (int i = 0; i < scripts; ++i) conf << "    chk" << i << "\n";
    conf << "  }\n}\n";
  }
  if (sh("ip netns add " + tag + " && ip -n " + tag + " link add bt0 type veth peer name bt1 && ip -n " +
         tag + " link set bt0 up && ip -n " + tag + " link set bt1 up && ip -n " + tag +
         " addr add 10.99.1.1/24 dev bt0") == 0) {
    const pid_t main_pid = ::fork();
    if (main_pid == 0) {
      const sched_param normal{};  // keepalived sets its own (vrrp_rt_priority), not ours
      ::sched_setscheduler(0, SCHED_OTHER, &normal);
      const std::string conf = dir + "/keepalived.conf", pidf = dir + "/k.pid", vpid = dir + "/v.pid";
      ::execlp("ip", "ip", "netns", "exec", tag.c_str(), bin.c_str(), "-n", "-P", "-f", conf.c_str(),
               "-p", pidf.c_str(), "-r", vpid.c_str(), "--log-facility=7", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    pid_t vrrp = 0;
    for (int i = 0; i < 100 && vrrp <= 0; ++i) {  // up to 10 s for start-up
      ::usleep(100'000);  // a bench, not a test: polling keepalived's pidfile
      vrrp = read_pid(dir + "/v.pid");
    }
    if (vrrp > 0) {
      ::sleep(2);  // warm-up
      const double c0 = proc_cpu_seconds(vrrp);
      const double s0 = proc_switches(vrrp);
      const auto w0 = Clock::now();
      ::sleep(static_cast<unsigned>(seconds));
      const double c1 = proc_cpu_seconds(vrrp);
      const double s1 = proc_switches(vrrp);
      const double wall = std::chrono::duration<double>(Clock::now() - w0).count();
      if (c0 >= 0 && c1 >= 0) result.cpu_percent = 100.0 * (c1 - c0) / wall;
      result.switches_per_s = (s1 - s0) / wall;
    }
    ::kill(main_pid, SIGTERM);
    const pid_t kpid = read_pid(dir + "/k.pid");
    if (kpid > 0) ::kill(kpid, SIGTERM);
    ::waitpid(main_pid, nullptr, 0);
  }
  sh("ip netns del " + tag + " 2>/dev/null");
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 20, scripts = 500, runs = 1, rt = 0;
  bool keepalived = true;
  auto mode = vigil::track::SpawnMode::concurrent;
  std::vector<int> nums;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-keepalived") == 0) {
      keepalived = false;
    } else if (std::strcmp(argv[i], "--blocking") == 0) {
      mode = vigil::track::SpawnMode::blocking;
    } else if (std::strcmp(argv[i], "--rt") == 0 && i + 1 < argc) {
      rt = std::atoi(argv[++i]);
    } else {
      nums.push_back(std::atoi(argv[i]));
    }
  }
  if (nums.size() > 0) seconds = nums[0];
  if (nums.size() > 1) scripts = nums[1];
  if (nums.size() > 2) runs = nums[2];

  std::printf("bench_tracking: %d vrrp_scripts, interval 1 s, /bin/true, %d s window, %d run(s)\n",
              scripts, seconds, runs);
  // Lateness is scheduling latency: on a saturated machine it measures the machine, so say so.
  double load[3] = {0, 0, 0};
  if (::getloadavg(load, 3) == 3) {
    std::printf("load average at start: %.2f %.2f %.2f on %ld CPUs\n", load[0], load[1], load[2],
                ::sysconf(_SC_NPROCESSORS_ONLN));
  }
  std::vector<double> cpu, p50, p99, mx, k_cpu, d_cpu, d_sw, k_sw;
  std::size_t late = 0;
  if (rt > 0) {
    const sched_param p{.sched_priority = rt};
    // SCHED_RESET_ON_FORK: children start SCHED_OTHER, so starting one costs no realtime
    // load-balancing work; with SpawnMode::concurrent vigil never waits for them anyway.
    if (::sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &p) != 0) {
      std::printf("--rt %d: sched_setscheduler failed (%s)\n", rt, std::strerror(errno));
      return 1;
    }
    std::printf("vigil runs SCHED_RR priority %d (reset on fork); the daemons get vrrp_rt_priority %d\n",
                rt, rt);
  }
  bool daemons = keepalived;
  for (int r = 0; r < runs; ++r) {
    const VigilRun v = run_vigil(seconds, scripts, mode);
    cpu.push_back(v.cpu_percent);
    p50.push_back(v.p50_ms);
    p99.push_back(v.p99_ms);
    mx.push_back(v.max_ms);
    late += v.late_10ms;
    std::printf("  runner run %d: cpu %.2f%% of one core, lateness p50 %.3f ms p99 %.3f ms max %.3f ms"
                " (%zu starts, %zu later than 10 ms, %llu blocking spawns)\n"
                "    of which queued inside vigil after the wake-up: p99 %.3f ms, max %.3f ms\n",
                r + 1, v.cpu_percent, v.p50_ms, v.p99_ms, v.max_ms, v.starts, v.late_10ms,
                static_cast<unsigned long long>(v.blocking_spawns), v.queue_p99_ms, v.queue_max_ms);
    if (!daemons) continue;
    // The daemons, one after the other on the same config: vigild's VRRP child, keepalived's.
    const DaemonRun dr = run_daemon(VIGILD_PATH, seconds, scripts, rt);
    const DaemonRun kr = run_daemon("keepalived", seconds, scripts, rt);
    const double d = dr.cpu_percent, k = kr.cpu_percent;
    if (d < 0 || k < 0) {
      std::printf("  daemons run %d: skipped (needs root, ip, keepalived, vigild)\n", r + 1);
      daemons = false;
      continue;
    }
    d_cpu.push_back(d);
    k_cpu.push_back(k);
    d_sw.push_back(dr.switches_per_s);
    k_sw.push_back(kr.switches_per_s);
    std::printf("  daemons run %d: VRRP process cpu: vigild %.2f%%, keepalived %.2f%% of one core; "
                "context switches/s: vigild %.0f, keepalived %.0f\n",
                r + 1, d, k, dr.switches_per_s, kr.switches_per_s);
  }
  std::printf("runner     median: cpu %.2f%% of one core; lateness p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
              median(cpu), median(p50), median(p99), median(mx));
  if (!k_cpu.empty()) {
    std::printf("vigild     median: cpu %.2f%% of one core (VRRP process, scripts excluded)\n", median(d_cpu));
    std::printf("keepalived median: cpu %.2f%% of one core (VRRP process, scripts excluded)\n", median(k_cpu));
    std::printf("ratio vigild/keepalived cpu: %.2f\n", median(d_cpu) / median(k_cpu));
    std::printf("context switches/s (wake-ups): vigild %.0f, keepalived %.0f, ratio %.2f\n", median(d_sw),
                median(k_sw), median(d_sw) / median(k_sw));
  }
  if (::getloadavg(load, 3) == 3) {
    std::printf("load average at end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
  }
  const double goal_cpu = d_cpu.empty() ? median(cpu) : median(d_cpu);
  std::printf("goals: %s cpu < 2%% %s; max lateness < 10 ms %s (%zu late starts)\n",
              d_cpu.empty() ? "runner" : "vigild", goal_cpu < 2 ? "MET" : "MISSED", late == 0 ? "MET" : "MISSED", late);
  return 0;
}
