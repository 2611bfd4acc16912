// vrrp_script with real vigild processes: weight → failover and preemption back, rise/fall
// counts, a hung script killed at its timeout, a script whose grandchild outlives it.
//
// Timing (RFC 5798 §6.1, VRRPv3 advert 100 ms): Master_Down(100) = 3 × 100 + 60.9 = 360.9 ms,
// Master_Down(150) = 341.4 ms. Start-up allowance 3 s (loaded 2-core machine). Scripts run
// every `interval`; a result is seen at most one interval + the script's run time after the
// change it reacts to.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "vrrp_lab.h"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartup = 3000ms;
constexpr auto kElected = kStartup + 400ms;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

std::string script_block(const std::string& body_path, const std::string& extra) {
  return fmt::format("vrrp_script chk {{\n  script \"{}\"\n{}}}\n", body_path, extra);
}

std::string write_sh(const Router& r, const std::string& name, const std::string& body) {
  const std::string path = r.dir() + "/" + name;
  sh("printf '%s\\n' '#!/bin/sh' '" + body + "' > " + path + " && chmod 755 " + path);
  return path;
}

// a (150, tracking chk with weight -60) and b (100): chk failing puts a at 90 < 100.
struct Pair {
  Topology topo;
  Router probe;
  std::unique_ptr<Router> a, b;
  explicit Pair(const std::string& prefix) : topo(prefix, {"a", "b"}), probe(topo.node("a"), Router::Kind::vigil, "") {}
  void start(const std::string& script_extra, const std::string& script_path) {
    a = std::make_unique<Router>(topo.node("a"), Router::Kind::vigil,
                                 script_block(script_path, script_extra) +
                                     lab_config({.priority = 150, .extra = "  track_script {\n    chk\n  }\n"}, "a"));
    b = std::make_unique<Router>(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100}, "b"));
    a->start();
    b->start();
  }
};

TEST(TrackScripts, FailingScriptHandsOverAndRecoveryPreempts) {
  Pair p("vts");
  const std::string flag = p.probe.dir() + "/down";
  const auto chk = write_sh(p.probe, "chk.sh", "test ! -e " + flag);
  p.start("  interval 0.2\n  weight -60\n", chk);
  // chk's first run succeeds within 0.2 s of start; a elected within start-up + master-down.
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster && p.a->owns("10.99.0.100"); }, kElected)) << p.a->log();
  ASSERT_TRUE(wait_until([&] { return p.b->state() == kBackup; }, kElected));
  EXPECT_EQ(p.a->effective_priority(), 150);
  sh("touch " + flag);
  // Next run (≤ 0.2 s) fails: a advertises 90; b preempts at its master-down (360.9 ms). + slack.
  ASSERT_TRUE(wait_until([&] { return p.b->state() == kMaster && p.b->owns("10.99.0.100"); }, 1500ms)) << p.a->log();
  EXPECT_EQ(p.a->state(), kBackup);
  EXPECT_EQ(p.a->effective_priority(), 90);
  EXPECT_NE(p.a->log().find("VRRP_Script(chk) failed (exited with status 1)"), std::string::npos) << p.a->log();
  EXPECT_NE(p.a->log().find("(VI_1) Changing effective priority from 150 to 90"), std::string::npos);
  sh("rm -f " + flag);
  // Next run succeeds: a back at 150 preempts b (a's master-down 341.4 ms). + slack.
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster && p.a->owns("10.99.0.100"); }, 1500ms)) << p.a->log();
  EXPECT_EQ(p.a->effective_priority(), 150);
  EXPECT_NE(p.a->log().find("VRRP_Script(chk) succeeded"), std::string::npos);
  EXPECT_TRUE(wait_until([&] { return p.b->state() == kBackup && !p.b->owns("10.99.0.100"); }, 500ms));
}

// fall 3 / rise 2, interval 1 s: the priority drops only at the 3rd failure in a row and comes
// back only at the 2nd success. The script logs each result, so the count at each step is known;
// one interval (1 s) leaves time to read the priority before the next run.
TEST(TrackScripts, RiseAndFallCountConsecutiveResults) {
  Pair p("vtr");
  const std::string flag = p.probe.dir() + "/down", runs = p.probe.dir() + "/runs";
  const auto chk = write_sh(p.probe, "chk.sh",
                            "if [ -e " + flag + " ]; then echo ko >> " + runs + "; exit 1; fi; echo ok >> " + runs);
  p.start("  interval 1\n  weight -60\n  rise 2\n  fall 3\n", chk);
  // First result OK at once (counter starts at rise-1): a elected. start-up + 1 s run + master-down.
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kElected + 1000ms)) << p.a->log();
  sh("touch " + flag);
  auto kos = [&] { return count_of(run("cat " + runs).out, "ko"); };
  auto oks = [&] { return count_of(run("cat " + runs).out, "ok"); };
  for (std::size_t n = 1; n <= 2; ++n) {
    // Each run: ≤ 1 interval away, + 0.5 s slack.
    ASSERT_TRUE(wait_until([&] { return kos() >= n; }, 1500ms));
    EXPECT_EQ(p.a->effective_priority(), 150) << "after " << n << " failure(s)";
  }
  ASSERT_TRUE(wait_until([&] { return kos() >= 3; }, 1500ms));
  EXPECT_TRUE(wait_until([&] { return p.a->effective_priority() == 90; }, 500ms)) << p.a->log();
  sh("rm -f " + flag);
  const std::size_t ok_before = oks();
  ASSERT_TRUE(wait_until([&] { return oks() >= ok_before + 1; }, 1500ms));
  EXPECT_EQ(p.a->effective_priority(), 90) << "after 1 success";
  ASSERT_TRUE(wait_until([&] { return oks() >= ok_before + 2; }, 1500ms));
  EXPECT_TRUE(wait_until([&] { return p.a->effective_priority() == 150; }, 500ms)) << p.a->log();
  EXPECT_EQ(count_of(p.a->log(), "VRRP_Script(chk) failed"), 1u);
}

// A script that hangs is killed at its timeout (SIGTERM to its process group) and counts as a
// failure: priority drops and the hung process is gone.
TEST(TrackScripts, HungScriptIsKilledAtItsTimeoutAndFails) {
  Pair p("vth");
  const std::string flag = p.probe.dir() + "/hang", pidfile = p.probe.dir() + "/pid";
  const auto chk = write_sh(p.probe, "chk.sh",
                            "if [ -e " + flag + " ]; then echo $$ > " + pidfile + "; exec sleep 30; fi");
  p.start("  interval 1\n  timeout 0.3\n  weight -60\n", chk);
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kElected + 1000ms)) << p.a->log();
  sh("touch " + flag);
  // Next run ≤ 1 s, hangs, killed 0.3 s later: failure → 90 → b takes over (360.9 ms). + slack.
  ASSERT_TRUE(wait_until([&] { return p.a->effective_priority() == 90; }, 2000ms)) << p.a->log();
  EXPECT_NE(p.a->log().find("VRRP_Script(chk) timed_out"), std::string::npos) << p.a->log();
  const std::string pid = run("cat " + pidfile).out;
  ASSERT_FALSE(pid.empty());
  const pid_t hung = static_cast<pid_t>(std::stoi(pid));
  // SIGTERM went at the timeout; the sleep dies at once and vigild reaps it.
  EXPECT_TRUE(wait_until([&] { return ::kill(hung, 0) != 0; }, 500ms)) << "hung script " << hung << " still there";
  EXPECT_TRUE(wait_until([&] { return p.b->state() == kMaster; }, 1000ms));
  sh("rm -f " + flag);
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster && p.a->effective_priority() == 150; }, 2000ms));
}

// A pids cgroup (v1 controller at /sys/fs/cgroup/pids, else cgroup2 at /sys/fs/cgroup/unified
// with the pids controller) of our own, removed at the end: processes moved in may not fork
// more tasks than pids.max. Empty path() when neither is available.
class PidsCgroup {
 public:
  explicit PidsCgroup(const std::string& name) {
    for (const std::string root : {"/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified"}) {
      if (!std::filesystem::exists(root + "/cgroup.procs")) continue;
      const std::string dir = root + "/" + name;
      std::error_code ec;
      if (!std::filesystem::create_directory(dir, ec)) continue;
      if (std::filesystem::exists(dir + "/pids.max")) {
        root_ = root;
        path_ = dir;
        return;
      }
      std::filesystem::remove(dir, ec);
    }
  }
  ~PidsCgroup() {
    if (path_.empty()) return;
    // Back to the root cgroup whatever is left (a tree with tasks cannot be removed).
    std::istringstream procs(read_file(path_ + "/cgroup.procs"));
    for (std::string pid; std::getline(procs, pid);) write(root_ + "/cgroup.procs", pid);
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  PidsCgroup(const PidsCgroup&) = delete;
  PidsCgroup& operator=(const PidsCgroup&) = delete;
  const std::string& path() const { return path_; }
  bool set_max(const std::string& value) const { return write(path_ + "/pids.max", value); }
  bool add(pid_t pid) const { return write(path_ + "/cgroup.procs", std::to_string(pid)); }

 private:
  static bool write(const std::string& file, const std::string& value) {
    std::ofstream out(file);
    out << value << std::flush;
    return static_cast<bool>(out);
  }
  std::string root_, path_;
};

// user + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15).
double cpu_seconds(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// clone() failing (EAGAIN: the VRRP process is put in a pids cgroup already at its limit): each
// due run logs the failure and is tried again at the next interval; vigild neither crashes nor
// spins, and the script runs again as soon as the limit is lifted. Meanwhile the script's last
// result stands (a run that never started is no result), so a stays MASTER at 150.
TEST(TrackScripts, ForkFailureIsLoggedAndRetried) {
  Pair p("vtk");
  const std::string runs = p.probe.dir() + "/runs";
  const auto chk = write_sh(p.probe, "chk.sh", "echo ok >> " + runs);
  p.start("  interval 0.2\n  weight -60\n", chk);
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kElected)) << p.a->log();
  const auto vrrp = pid_in(p.a->dir() + "/vrrp.pid");
  ASSERT_TRUE(vrrp.has_value());

  PidsCgroup cg("vigil-test-forkfail-" + std::to_string(::getpid()));
  if (cg.path().empty()) GTEST_SKIP() << "no pids cgroup controller to limit forks with";
  ASSERT_TRUE(cg.set_max("1"));  // the VRRP process alone already uses its one task (or more)
  ASSERT_TRUE(cg.add(*vrrp));
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds(*vrrp);
  const std::string failed = "Failed to start track script chk: ";
  // A run is due every 0.2 s: three failed attempts within 3 × 0.2 s + 1 s slack.
  ASSERT_TRUE(wait_until([&] { return count_of(p.a->log(), failed) >= 3; }, 1600ms)) << p.a->log();
  const double wall = ms_since(t0) / 1000.0;
  const double cpu = cpu_seconds(*vrrp) - cpu0;
  EXPECT_NE(p.a->log().find("Resource temporarily unavailable"), std::string::npos) << p.a->log();
  // Not spinning on the failure: a retry loop would burn a whole core; idle vigild uses ~0.
  EXPECT_LT(cpu, 0.25 * wall) << cpu << " s of CPU in " << wall << " s";
  const std::size_t runs_blocked = count_of(read_file(runs), "ok");

  ASSERT_TRUE(cg.set_max("max"));
  // The next due run starts (≤ 0.2 s) and appends to the file; + 1 s slack.
  EXPECT_TRUE(wait_until([&] { return count_of(read_file(runs), "ok") > runs_blocked; }, 1200ms))
      << p.a->log();
  EXPECT_EQ(pid_in(p.a->dir() + "/vrrp.pid"), vrrp);  // the same process: no crash, no restart
  EXPECT_EQ(::kill(*vrrp, 0), 0);
  EXPECT_EQ(p.a->state(), kMaster);
  EXPECT_EQ(p.a->effective_priority(), 150);
}

// A script that starts a long-lived grandchild and exits: its result counts when the script
// exits (the grandchild holds nothing vigild waits on), and the next runs are never skipped.
TEST(TrackScripts, GrandchildOutlivingTheScriptDoesNotHoldVigild) {
  Pair p("vtg");
  const std::string flag = p.probe.dir() + "/down", pids = p.probe.dir() + "/grandchildren";
  const auto chk = write_sh(p.probe, "chk.sh",
                            "sleep 20 & echo $! >> " + pids + "; test ! -e " + flag);
  p.start("  interval 0.3\n  timeout 5\n  weight -60\n", chk);
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kElected)) << p.a->log();
  sh("touch " + flag);
  // The failing run (≤ 0.3 s) exits at once; its grandchild sleeps on. Were vigild waiting for
  // the grandchild (a pipe, a wait on the group), the result would come after 20 s or 5 s.
  EXPECT_TRUE(wait_until([&] { return p.a->effective_priority() == 90; }, 1000ms)) << p.a->log();
  EXPECT_TRUE(wait_until([&] { return p.b->state() == kMaster; }, 1000ms));
  EXPECT_EQ(p.a->log().find("is already running"), std::string::npos) << p.a->log();
  // Clean up the grandchildren, by PID.
  std::string list = run("cat " + pids).out;
  std::size_t pos = 0;
  while (pos < list.size()) {
    const std::size_t nl = list.find('\n', pos);
    const std::string one = list.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (!one.empty()) ::kill(static_cast<pid_t>(std::stoi(one)), SIGKILL);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
}

}  // namespace
}  // namespace vigil::testing
