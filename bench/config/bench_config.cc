// bench_config — vigil's configuration check against `keepalived -t` on a large generated config:
// 1,000 vrrp_instances (250 VRIDs on each of 4 interfaces), 10 VIPs each (10,000 VIPs).
//
// Both are timed as whole processes, the same way: fork, exec `PROG -t -f FILE`, wait4() for
// wall time, CPU time and the child's peak RSS (ru_maxrss). They run in a network namespace this
// program creates (name carries the pid) holding the 4 interfaces, so the interface checks of
// both pass; this program enters it itself (setns) before forking, so no `ip netns exec` wrapper
// process is timed with either (it costs ~2 ms, the same for both, which only blurs the ratio).
// The namespace is deleted at exit. vigil's side is vigild itself (`vigild -t -f FILE`); the
// library alone is shown too (bench/config/vigil-config-check, built beside this program).
// Median of N runs each (default 5), interleaved (keepalived, vigild, check, keepalived, …) so
// a load change on the machine hits all three alike; the ratio is vigil / keepalived. Never run
// by the tests.
//
//   build-rel/bench/config/bench_config [--runs N] [--keep FILE]
#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

constexpr int kInterfaces = 4;
constexpr int kVridsPerInterface = 250;
constexpr int kVipsPerInstance = 10;

std::string ifname(int i) { return "bench" + std::to_string(i); }

void write_config(const std::string& path) {
  std::ofstream out(path);
  out << "global_defs {\n    router_id bench\n    vrrp_garp_master_delay 1\n}\n\n";
  int n = 0;
  for (int i = 0; i < kInterfaces; ++i) {
    for (int v = 1; v <= kVridsPerInterface; ++v, ++n) {
      out << "vrrp_instance VI_" << n << " {\n    state BACKUP\n    interface " << ifname(i)
          << "\n    virtual_router_id " << v << "\n    priority " << 50 + (n % 200)
          << "\n    advert_int 1\n    authentication {\n        auth_type PASS\n"
             "        auth_pass pw" << n % 1000 << "\n    }\n    virtual_ipaddress {\n";
      for (int a = 0; a < kVipsPerInstance; ++a)
        out << "        10." << i << "." << v << "." << a + 1 << "/24 dev " << ifname(i) << "\n";
      out << "    }\n}\n";
    }
  }
}

int sh(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct Run {
  double ms = 0;
  double cpu_ms = 0;  // user + system time of the child
  long maxrss_kib = 0;
  int exit_code = -1;
};

Run run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execvp(args[0], args.data());
    _exit(127);
  }
  int st = 0;
  rusage ru{};
  wait4(pid, &st, 0, &ru);
  auto t1 = std::chrono::steady_clock::now();
  Run r;
  r.ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  r.maxrss_kib = ru.ru_maxrss;
  auto tv = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  r.cpu_ms = tv(ru.ru_utime) + tv(ru.ru_stime);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

struct Summary {
  double median_ms;
  double median_cpu_ms;
  long max_rss_kib;
  int exit_code;
};

struct Samples {
  std::vector<double> ms, cpu;
  long rss = 0;
  int code = -1;
  void add(const Run& r) {
    ms.push_back(r.ms);
    cpu.push_back(r.cpu_ms);
    rss = std::max(rss, r.maxrss_kib);
    code = r.exit_code;
  }
  Summary summary() {
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    return {ms[ms.size() / 2], cpu[cpu.size() / 2], rss, code};
  }
};

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  std::string keep;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--keep") && i + 1 < argc) keep = argv[++i];
  }
  if (geteuid() != 0) {
    std::fprintf(stderr, "bench_config needs root (network namespace)\n");
    return 2;
  }
  const std::string self_dir = std::filesystem::canonical("/proc/self/exe").parent_path();
  const std::string check = self_dir + "/vigil-config-check";
  const std::string vigild = VIGILD_PATH;
  const std::string file = keep.empty() ? "/tmp/vigil-bench-config-" + std::to_string(getpid()) +
                                              ".conf"
                                        : keep;
  write_config(file);
  const std::string ns = "vigil-bench-" + std::to_string(getpid());
  if (sh("ip netns add " + ns) != 0) return 2;
  for (int i = 0; i < kInterfaces; ++i) {
    sh("ip -n " + ns + " link add " + ifname(i) + " type bridge");
    sh("ip -n " + ns + " link set " + ifname(i) + " up");
  }
  const int nsfd = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
  if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0) {
    std::perror("setns");
    sh("ip netns del " + ns);
    return 2;
  }
  close(nsfd);
  Samples ks, vs, cs;
  run({vigild, "-t", "-f", file});  // warm the page cache for both binaries and the file
  run({"/usr/sbin/keepalived", "-t", "-f", file});
  for (int i = 0; i < runs; ++i) {
    ks.add(run({"/usr/sbin/keepalived", "-t", "-f", file}));
    vs.add(run({vigild, "-t", "-f", file}));
    cs.add(run({check, "--quiet", file}));
  }
  Summary k = ks.summary(), v = vs.summary(), c = cs.summary();
  sh("ip netns del " + ns);
  if (keep.empty()) std::filesystem::remove(file);

  std::printf("config: %d instances (%d VRIDs x %d interfaces), %d VIPs; median of %d runs, "
              "whole processes, in a netns with the interfaces\n",
              kInterfaces * kVridsPerInterface, kVridsPerInterface, kInterfaces,
              kInterfaces * kVridsPerInterface * kVipsPerInstance, runs);
  std::printf("%-22s %10s %10s %14s %6s\n", "", "wall (ms)", "cpu (ms)", "peak RSS (MiB)",
              "exit");
  std::printf("%-22s %10.1f %10.1f %14.1f %6d\n", "keepalived -t", k.median_ms, k.median_cpu_ms,
              k.max_rss_kib / 1024.0, k.exit_code);
  std::printf("%-22s %10.1f %10.1f %14.1f %6d\n", "vigild -t", v.median_ms, v.median_cpu_ms,
              v.max_rss_kib / 1024.0, v.exit_code);
  std::printf("%-22s %10.1f %10.1f %14.1f %6d\n", "(vigil-config-check)", c.median_ms,
              c.median_cpu_ms, c.max_rss_kib / 1024.0, c.exit_code);
  std::printf("ratio vigild/keepalived: wall %.3f, cpu %.3f, memory %.3f\n",
              v.median_ms / k.median_ms, v.median_cpu_ms / k.median_cpu_ms,
              static_cast<double>(v.max_rss_kib) / static_cast<double>(k.max_rss_kib));
  return 0;
}
