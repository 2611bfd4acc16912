// vrrp_script runner on a real Loop with a real clock and real children. Each wait is bounded by
// a limit derived from what it waits for (written beside it); nothing sleeps.
#include "track/script_runner.h"

#include <sched.h>
#include <signal.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>

#include "helpers.h"

namespace vigil::track {
namespace {

using namespace std::chrono_literals;
using testing::LogCapture;
using testing::TempDir;

struct Fixture {
  event::MonotonicClock clock;
  event::Loop loop{clock};
  Spawner spawner;
  LogCapture log;
  std::vector<std::pair<std::size_t, Health>> changes;
  ScriptRunner runner{loop, spawner, log.sink(),
                      [this](std::size_t i, Health h) { changes.emplace_back(i, h); }};
};

ScriptConfig script(std::string name, std::string command, Duration interval = 10s,
                    std::optional<Duration> timeout = std::nullopt) {
  ScriptConfig c;
  c.name = std::move(name);
  c.command = std::move(command);
  c.interval = interval;
  c.timeout = timeout;
  return c;
}

bool process_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

// Dead: gone, or a zombie waiting for whoever reaps orphans here (not us).
bool process_dead(pid_t pid) {
  if (process_gone(pid)) return true;
  const std::string stat = testing::read_file("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

TEST(TrackScriptRunner, ExitZeroAndOneReportUpAndDown) {
  Fixture f;
  TempDir dir;
  const auto ok = testing::write_script(dir.file("ok.sh"), "exit 0");
  const auto ko = testing::write_script(dir.file("ko.sh"), "exit 1");
  ASSERT_TRUE(f.runner.add(script("chk_ok", ok)).has_value());
  ASSERT_TRUE(f.runner.add(script("chk_ko", ko + " ignored-arg")).has_value());
  f.runner.start();
  // Two /bin/sh runs: a few ms each; 5 s is generous for a loaded 2-core machine.
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return f.changes.size() == 2; }, 5s));
  EXPECT_EQ(f.runner.health(0), Health::up);
  EXPECT_EQ(f.runner.health(1), Health::down);
  EXPECT_TRUE(f.log.contains("VRRP_Script(chk_ok) succeeded"));
  EXPECT_TRUE(f.log.contains("Script `chk_ko` now returning 1"));
  EXPECT_TRUE(f.log.contains("VRRP_Script(chk_ko) failed (exited with status 1)"));
  EXPECT_EQ(f.runner.stats(0).runs, 1u);
}

TEST(TrackScriptRunner, CrashingScriptIsAFailureBySignal) {
  Fixture f;
  TempDir dir;
  const auto s = testing::write_script(dir.file("crash.sh"), "kill -9 $$");
  ASSERT_TRUE(f.runner.add(script("crash", s)).has_value());
  f.runner.start();
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !f.changes.empty(); }, 5s));  // one run
  EXPECT_EQ(f.runner.health(0), Health::down);
  EXPECT_TRUE(f.log.contains("VRRP_Script(crash) failed (due to signal 9)"));
}

TEST(TrackScriptRunner, ArgumentsArriveAsSeparateWords) {
  Fixture f;
  TempDir dir;
  const auto out = dir.file("args.out");
  const auto s = testing::write_script(dir.file("args.sh"),
                                       "for a in \"$@\"; do echo \"[$a]\"; done > " + out);
  ASSERT_TRUE(f.runner.add(script("args", s + " one 'two words' \"x y\"")).has_value());
  f.runner.start();
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !f.changes.empty(); }, 5s));
  EXPECT_EQ(testing::read_file(out), "[one]\n[two words]\n[x y]\n");
}

TEST(TrackScriptRunner, ChildStartsClean) {
  Fixture f;
  TempDir dir;
  const auto out = dir.file("env.out");
  // Own process group (pgid == pid), no blocked signals (the loop blocks SIGCHLD for its
  // signalfd), stdio on /dev/null, no LD_PRELOAD. (PR_SET_PDEATHSIG is not visible in /proc.)
  const auto s = testing::write_script(
      dir.file("env.sh"),
      "set -- $(cut -d' ' -f5 /proc/$$/stat) $(grep SigBlk /proc/$$/status | cut -f2) "
      "$(readlink /proc/$$/fd/0) $(readlink /proc/$$/fd/1) \"${LD_PRELOAD-unset}\"\n"
      "echo \"$$ $*\" > " + out);
  ::setenv("LD_PRELOAD", "", 1);
  Spawner spawner;  // built with LD_PRELOAD set: it must still be filtered out
  ::unsetenv("LD_PRELOAD");
  ScriptRunner runner(f.loop, spawner, nullptr, [&](std::size_t, Health h) { f.changes.emplace_back(0, h); });
  ASSERT_TRUE(runner.add(script("env", s)).has_value());
  runner.start();
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !f.changes.empty(); }, 5s));
  std::istringstream in(testing::read_file(out));
  std::string pid, pgid, sigblk, fd0, fd1, preload;
  in >> pid >> pgid >> sigblk >> fd0 >> fd1 >> preload;
  EXPECT_EQ(pgid, pid);
  EXPECT_EQ(sigblk, "0000000000000000");
  EXPECT_EQ(fd0, "/dev/null");
  EXPECT_EQ(fd1, "/dev/null");
  EXPECT_EQ(preload, "unset");
}

TEST(TrackScriptRunner, ChildDropsRealtimePriorityAndNice) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for SCHED_RR";
  Fixture f;
  TempDir dir;
  const auto out = dir.file("sched.out");
  // /proc/PID/stat field 19 is the nice value, field 41 the policy (0 = SCHED_OTHER).
  const auto s = testing::write_script(dir.file("sched.sh"),
                                       "cut -d' ' -f19,41 /proc/$$/stat > " + out);
  ASSERT_TRUE(f.runner.add(script("sched", s)).has_value());
  const sched_param rt{.sched_priority = 1};
  ASSERT_EQ(::sched_setscheduler(0, SCHED_RR, &rt), 0);
  ASSERT_EQ(::setpriority(PRIO_PROCESS, 0, 5), 0);
  f.runner.start();
  const bool done = testing::run_until(f.loop, [&] { return !f.changes.empty(); }, 5s);
  const sched_param normal{};
  ::sched_setscheduler(0, SCHED_OTHER, &normal);
  ::setpriority(PRIO_PROCESS, 0, 0);
  ASSERT_TRUE(done);
  EXPECT_EQ(testing::read_file(out), "0 0\n");
}

TEST(TrackScriptRunner, HangingScriptIsKilledAtItsTimeout) {
  Fixture f;
  TempDir dir;
  const auto pidfile = dir.file("pids");
  // The script and its sleeping child share the script's process group; both must die.
  const auto s = testing::write_script(dir.file("hang.sh"),
                                       "sleep 30 & echo \"$$ $!\" > " + pidfile + "\nwait");
  constexpr auto kTimeout = 300ms;
  ASSERT_TRUE(f.runner.add(script("hang", s, 10s, kTimeout)).has_value());
  event::TimePoint started{};
  f.runner.set_on_start([&](std::size_t, event::TimePoint, event::TimePoint now) { started = now; });
  f.runner.start();
  // Limit: the timeout, plus SIGTERM delivery; the 2 s SIGKILL step must not be needed.
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !f.changes.empty(); }, kTimeout + 2s));
  const auto elapsed = f.clock.now() - started;
  EXPECT_GE(elapsed, kTimeout);
  EXPECT_LT(elapsed, kTimeout + 500ms);
  EXPECT_EQ(f.runner.health(0), Health::down);
  EXPECT_TRUE(f.log.contains("VRRP_Script(hang) timed_out"));
  EXPECT_EQ(f.runner.stats(0).timeouts, 1u);
  EXPECT_EQ(f.runner.running_pid(0), 0);
  pid_t script_pid = 0, sleep_pid = 0;
  std::istringstream(testing::read_file(pidfile)) >> script_pid >> sleep_pid;
  ASSERT_GT(script_pid, 0);
  ASSERT_GT(sleep_pid, 0);
  EXPECT_TRUE(process_gone(script_pid));  // reaped by the loop
  // The sleep got SIGTERM with its group; signal delivery takes microseconds, allow 2 s.
  EXPECT_TRUE(testing::run_until(f.loop, [&] { return process_dead(sleep_pid); }, 2s));
}

TEST(TrackScriptRunner, EscalatesToSigkillWhenTermIsIgnored) {
  Fixture f;
  TempDir dir;
  const auto s = testing::write_script(dir.file("stubborn.sh"),
                                       "trap '' TERM\nwhile :; do sleep 0.05; done");
  f.runner.set_escalation({.after_term = 200ms, .after_kill = 1s, .give_up = 1s});
  ASSERT_TRUE(f.runner.add(script("stubborn", s, 10s, 200ms)).has_value());
  f.runner.start();
  // timeout 200 ms + TERM grace 200 ms + SIGKILL delivery; limit 3 s.
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !f.changes.empty(); }, 3s));
  EXPECT_TRUE(f.log.contains("VRRP_Script(stubborn) timed_out"));
  EXPECT_EQ(f.runner.health(0), Health::down);
}

TEST(TrackScriptRunner, GrandchildDoesNotDelayTheResult) {
  Fixture f;
  TempDir dir;
  const auto pidfile = dir.file("gc");
  const auto s = testing::write_script(dir.file("fork.sh"),
                                       "sleep 30 &\necho $! > " + pidfile + "\nexit 0");
  ASSERT_TRUE(f.runner.add(script("forker", s)).has_value());
  event::TimePoint started{};
  f.runner.set_on_start([&](std::size_t, event::TimePoint, event::TimePoint now) { started = now; });
  f.runner.start();
  // The script itself exits at once; a runner waiting on the grandchild would take 30 s.
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !f.changes.empty(); }, 5s));
  EXPECT_LT(f.clock.now() - started, 2s);
  EXPECT_EQ(f.runner.health(0), Health::up);
  pid_t gc = 0;
  std::istringstream(testing::read_file(pidfile)) >> gc;
  ASSERT_GT(gc, 0);
  EXPECT_EQ(::kill(gc, 0), 0);  // still sleeping: nobody waited for it
  ::kill(gc, SIGKILL);
}

TEST(TrackScriptRunner, StillRunningScriptSkipsItsNextRun) {
  Fixture f;
  TempDir dir;
  const auto s = testing::write_script(dir.file("slow.sh"), "exec sleep 30");
  // interval 100 ms, timeout 350 ms: runs due at 100, 200, 300 ms find it running.
  ASSERT_TRUE(f.runner.add(script("slow", s, 100ms, 350ms)).has_value());
  f.runner.start();
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !f.changes.empty(); }, 3s));
  EXPECT_GE(f.runner.stats(0).skipped, 2u);
  EXPECT_TRUE(f.log.contains("Track script slow is already running, expect idle - skipping run"));
  EXPECT_TRUE(f.log.contains("VRRP_Script(slow) timed_out"));
}

TEST(TrackScriptRunner, RunsEveryIntervalAndCountsRise) {
  Fixture f;
  TempDir dir;
  const auto s = testing::write_script(dir.file("ok.sh"), "exit 0");
  auto cfg = script("rise", s, 50ms);
  cfg.counting = {.rise = 3, .fall = 1, .init_fail = true};
  ASSERT_TRUE(f.runner.add(std::move(cfg)).has_value());
  f.runner.start();
  // init_fail + rise 3: the third success (at ~100 ms) flips it up; limit 3 s.
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !f.changes.empty(); }, 3s));
  EXPECT_EQ(f.runner.stats(0).runs, 3u);
  EXPECT_EQ(f.runner.health(0), Health::up);
}

TEST(TrackScriptRunner, NonAbsoluteNameIsSearchedInPath) {
  Fixture f;
  ASSERT_TRUE(f.runner.add(script("rel", "true")).has_value());
  EXPECT_EQ(f.log.count_prefix("WARNING - script `true` resolved by path search to `"), 1u);
  f.runner.start();
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !f.changes.empty(); }, 5s));
  EXPECT_EQ(f.runner.health(0), Health::up);
}

TEST(TrackScriptRunner, MissingScriptIsRefused) {
  Fixture f;
  EXPECT_FALSE(f.runner.add(script("gone", "/nonexistent/chk.sh")).has_value());
  EXPECT_TRUE(f.log.contains("Script /nonexistent/chk.sh cannot be accessed - No such file or directory"));
  EXPECT_TRUE(f.log.contains("Disabling track script gone since not found/accessible"));
  EXPECT_EQ(f.runner.size(), 0u);
}

}  // namespace
}  // namespace vigil::track

namespace vigil::track {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

// A reload adds a script to a running runner: it runs at once, not at the next start().
TEST(TrackScriptRunner, ScriptAddedAfterStartRunsAtOnce) {
  Fixture f;
  TempDir dir;
  const auto ok = testing::write_script(dir.file("ok.sh"), "exit 0");
  f.runner.start();
  ASSERT_TRUE(f.runner.add(script("late", ok)).has_value());
  // One /bin/sh run: a few ms; 5 s for a loaded machine.
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return f.changes.size() == 1; }, 5s));
  EXPECT_EQ(f.runner.health(0), Health::up);
}

// A retired script (removed at a reload) runs no more and its running child is not reported.
TEST(TrackScriptRunner, RetiredScriptStopsAndIsNotReported) {
  Fixture f;
  TempDir dir;
  const auto marker = dir.file("started");
  const auto slow = testing::write_script(dir.file("slow.sh"), "touch " + marker + "; sleep 0.3; exit 1");
  ASSERT_TRUE(f.runner.add(script("gone", slow, 100ms, 1s)).has_value());
  f.runner.start();
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return f.runner.running_pid(0) != 0; }, 5s));
  f.runner.retire(0);
  EXPECT_TRUE(f.runner.retired(0));
  // The child ends (0.3 s) and is reaped without a report; no new run in 5 intervals.
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return f.runner.running_pid(0) == 0; }, 5s));
  EXPECT_FALSE(testing::run_until(f.loop, [&] { return f.runner.stats(0).runs > 1; }, 500ms));
  EXPECT_TRUE(f.changes.empty());
}

}  // namespace
}  // namespace vigil::track
