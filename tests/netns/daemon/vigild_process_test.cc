// Process tests: a real vigild (parent + VRRP child) in a network namespace of the test's own,
// driven with real signals. Pidfiles, TMPDIR (dump files) and logs live in a temp dir.
// Lifecycle: pidfiles, respawn and its back-off, the child's exit codes, stop.
#include "vigild_process_fixture.h"

namespace vigil::daemon::test {
namespace {

TEST_F(VigildProcess, PidfilesNameParentAndChildAndAreRemovedOnStop) {
  auto d = start();
  EXPECT_EQ(pid_in(pidfile_), d->pid());
  const pid_t child = child_pid();
  EXPECT_EQ(parent_of(child), d->pid());
  EXPECT_TRUE(d->log_has(fmt::format("Starting VRRP child process, pid={}", child)));
  EXPECT_TRUE(d->log_has("Starting Keepalived v2.2.7 (01/16,2022)"));

  ASSERT_EQ(signal_pid(d->pid(), SIGTERM), 0);
  EXPECT_EQ(d->wait_exit(kStopTimeout), 0) << d->log();
  EXPECT_FALSE(alive(child));
  EXPECT_NE(::access(pidfile_.c_str(), F_OK), 0);
  EXPECT_NE(::access(vrrp_pidfile_.c_str(), F_OK), 0);
  EXPECT_TRUE(d->log_has("Stopping"));
  EXPECT_TRUE(d->log_has("Stopped Keepalived v2.2.7 (01/16,2022)"));
}

TEST_F(VigildProcess, KilledChildIsRespawnedWithinOneSecond) {
  auto d = start();
  const pid_t old = child_pid();
  const pid_t fresh = kill_child_and_wait(kRespawnTimeout);
  ASSERT_NE(fresh, 0) << d->log();
  EXPECT_EQ(parent_of(fresh), d->pid());
  // Log lines reach the console through the writer thread: wait for the last one (order is kept).
  EXPECT_TRUE(wait_until([&] { return d->log_has(fmt::format("Starting VRRP child process, pid={}", fresh)); },
                         kDumpTimeout));
  EXPECT_TRUE(d->log_has(fmt::format("pid {} exited due to signal 9 (Killed)", old)));
  EXPECT_TRUE(d->log_has(fmt::format("VRRP child process({}) died: Respawning", old)));
  EXPECT_TRUE(d->log_has("Restart of VRRP process delayed 0 seconds to limit respawn rate"));
}

// Six quick deaths: delays 0, 1, 2, 4, 8, 16 s. The sixth is only logged (we stop then);
// each of the first five restarts is timed against its delay.
TEST_F(VigildProcess, QuickDeathsFollowTheBackoff) {
  auto d = start();
  const int expected[] = {0, 1, 2, 4, 8};
  for (int delay : expected) {
    const auto t0 = std::chrono::steady_clock::now();
    // Timeout: the back-off delay plus the 1 s respawn allowance.
    const pid_t fresh = kill_child_and_wait(std::chrono::seconds(delay) + kRespawnTimeout);
    ASSERT_NE(fresh, 0) << "no restart after a " << delay << " s back-off\n" << d->log();
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(took, std::chrono::seconds(delay) - 50ms) << delay;
    std::printf("back-off %d s: new child after %.1f ms\n", delay,
                std::chrono::duration<double, std::milli>(took).count());
  }
  ASSERT_EQ(signal_pid(child_pid(), SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return d->log_has("delayed 16 seconds"); }, kRespawnTimeout));

  std::vector<int> delays;
  const std::regex re("Restart of VRRP process delayed ([0-9]+) seconds to limit respawn rate");
  for (const auto& l : lines_of(d->log())) {
    std::smatch m;
    if (std::regex_search(l, m, re)) delays.push_back(std::stoi(m[1]));
  }
  EXPECT_EQ(delays, (std::vector<int>{0, 1, 2, 4, 8, 16}));
  // Stopping while a restart is pending: no child to wait for.
  ASSERT_EQ(signal_pid(d->pid(), SIGTERM), 0);
  EXPECT_EQ(d->wait_exit(kStopTimeout), 0);
}

TEST_F(VigildProcess, ChildConfigErrorStopsTheDaemon) {
  // An interface that does not exist (and no dynamic_interfaces): the child cannot run it and
  // exits with keepalived's CONFIG code, which is permanent.
  std::string conf = one_instance_config();
  conf.replace(conf.find("interface d0"), 12, "interface nosuch0");
  write_file(conf_, conf);
  Vigild d(ns_, dir_, base_args());
  EXPECT_EQ(d.wait_exit(kStartTimeout), 2) << d.log();
  EXPECT_TRUE(d.log_has("Keepalived_vrrp exited with permanent error CONFIG. Terminating"));
  EXPECT_TRUE(d.log_has("doesn't exist"));
  EXPECT_NE(::access(pidfile_.c_str(), F_OK), 0);
}

// The parent never parses the configuration (issue 8: it stays small): a file with a syntax
// error at start is read and reported by the VRRP child — file:line:col in the child's log file,
// nothing of it in the parent's — which exits CONFIG; the daemon stops with that code, no respawn.
TEST_F(VigildProcess, SyntaxErrorAtStartIsReportedByTheChildWhichExitsConfig) {
  write_file(conf_, "vrrp_instance VI_1 {\n  state BACKUP\n");  // unterminated block
  const std::string log = dir_.file("k.log");
  Vigild d(ns_, dir_, {"-n", "-G", "-g" + log, "-f", conf_, "-p", pidfile_, "-r", vrrp_pidfile_});
  EXPECT_EQ(d.wait_exit(kStartTimeout), 2);
  const std::string parent_log = read_file(log), child_log = read_file(dir_.file("k_vrrp.log"));
  EXPECT_NE(child_log.find(conf_ + ":1:20: error: block opened here is never closed"), std::string::npos)
      << child_log;
  EXPECT_NE(child_log.find("configuration '" + conf_ + "' cannot be used"), std::string::npos);
  EXPECT_EQ(parent_log.find("never closed"), std::string::npos) << parent_log;
  EXPECT_NE(parent_log.find("Keepalived_vrrp exited with permanent error CONFIG. Terminating"),
            std::string::npos)
      << parent_log;
  EXPECT_EQ(parent_log.find("Respawning"), std::string::npos);
  EXPECT_NE(::access(pidfile_.c_str(), F_OK), 0);
  EXPECT_NE(::access(vrrp_pidfile_.c_str(), F_OK), 0);
}

TEST_F(VigildProcess, UnknownKeywordIsAWarningTheDaemonRunsWith) {
  // keepalived logs "Unknown keyword" and runs; its -t counts it as a config error (exit 5).
  // vigild does the same: it starts, logs the warning with file:line, and -t exits 5.
  std::string conf = one_instance_config();
  conf.replace(conf.find("  advert_int 1"), 14, "  frobnicate 3\n  advert_int 1");
  write_file(conf_, conf);
  auto d = start();
  EXPECT_TRUE(d->log_has("Unknown keyword 'frobnicate'")) << d->log();
  EXPECT_TRUE(d->log_has(conf_ + ":7:3: warning:")) << d->log();
  Vigild t(ns_, dir_, {"-t", "-f", conf_});
  EXPECT_EQ(t.wait_exit(kStartTimeout), 5) << t.log();
}

TEST_F(VigildProcess, ParentKilledChildExitsByItself) {
  auto d = start();
  const pid_t child = child_pid();
  ASSERT_EQ(signal_pid(d->pid(), SIGKILL), 0);
  ASSERT_EQ(d->wait_exit(kStopTimeout), 128 + SIGKILL);
  // PR_SET_PDEATHSIG(SIGTERM): the child stops at once (two-phase stop, no linger).
  EXPECT_TRUE(wait_until([&] { return !alive(child); }, 2000ms)) << "child survived its parent";
  EXPECT_NE(::access(vrrp_pidfile_.c_str(), F_OK), 0);  // the child removed its pidfile
}

TEST_F(VigildProcess, SecondDaemonWithSamePidfileRefuses) {
  auto first = start();
  const pid_t child = child_pid();
  Vigild second(ns_, dir_, base_args());
  EXPECT_EQ(second.wait_exit(kStartTimeout), 0) << second.log();  // keepalived 2.2.7: rc 0
  EXPECT_TRUE(second.log_has("Another process has pid file " + pidfile_ + " locked"));
  EXPECT_TRUE(second.log_has("daemon is already running"));
  EXPECT_EQ(pid_in(pidfile_), first->pid());
  EXPECT_EQ(child_pid(), child);
  EXPECT_TRUE(alive(first->pid()));
}

TEST_F(VigildProcess, DontRespawnStopsOnChildDeath) {
  auto d = start({"-R"});
  const pid_t child = child_pid();
  ASSERT_EQ(signal_pid(child, SIGKILL), 0);
  EXPECT_EQ(d->wait_exit(kStopTimeout), 0) << d->log();
  EXPECT_TRUE(d->log_has(fmt::format("VRRP child process({}) died: Exiting", child)));
}

TEST_F(VigildProcess, StuckChildIsKilledAfterChildWaitTime) {
  write_file(conf_, one_instance_config(51, 100, "child_wait_time 1"));
  auto d = start();
  const pid_t child = child_pid();
  ASSERT_EQ(signal_pid(child, SIGSTOP), 0);  // it cannot act on SIGTERM now
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(signal_pid(d->pid(), SIGTERM), 0);
  EXPECT_EQ(d->wait_exit(kStopTimeout), 0) << d->log();
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 950ms);  // child_wait_time 1 s
  EXPECT_TRUE(d->log_has("process failed to die - forcing termination"));
  EXPECT_FALSE(alive(child));
}
}  // namespace
}  // namespace vigil::daemon::test

namespace vigil::daemon::test {
namespace {

// A respawned child runs the configuration the parent checked (inherited with fork), not
// whatever the file holds now: an edit in progress cannot turn a crash into a stopped daemon.
TEST_F(VigildProcess, RespawnedChildRunsTheParentsCheckedConfig) {
  auto d = start();
  write_file(conf_, "vrrp_instance VI_1 {\n  state BACKUP\n");  // broken, and not reloaded
  const pid_t fresh = kill_child_and_wait(kRespawnTimeout);
  ASSERT_NE(fresh, 0) << d->log();
  const std::string json = dir_.file("keepalived.json");
  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout)) << d->log();
  EXPECT_EQ(nlohmann::json::parse(read_file(json))[0]["data"]["vrid"], 51);
  EXPECT_TRUE(alive(d->pid()));
  EXPECT_FALSE(d->log_has("permanent error"));
}

// After a reload the parent keeps the bytes of the files it checked, not the parsed model: a
// respawned child parses those bytes — included files too — not what the files hold now.
TEST_F(VigildProcess, RespawnAfterReloadRunsTheReloadedFilesBytes) {
  const std::string part = dir_.file("instance.conf");
  write_file(part, one_instance_config(51, 100));
  write_file(conf_, fmt::format("include {}\n", part));
  auto d = start();
  write_file(part, one_instance_config(52, 150));
  ASSERT_EQ(signal_pid(d->pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return d->log_has("Reload complete"); }, kDumpTimeout)) << d->log();
  write_file(part, "vrrp_instance VI_1 {\n  state BACKUP\n");  // broken, and not reloaded
  ASSERT_NE(kill_child_and_wait(kRespawnTimeout), 0) << d->log();
  const std::string json = dir_.file("keepalived.json");
  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout)) << d->log();
  const auto data = nlohmann::json::parse(read_file(json))[0]["data"];
  EXPECT_EQ(data["vrid"], 52);
  EXPECT_EQ(data["base_priority"], 150);
  EXPECT_TRUE(alive(d->pid()));
}

}  // namespace
}  // namespace vigil::daemon::test

namespace vigil::daemon::test {
namespace {

// A child that exits FATAL (1) — here: it cannot write its pidfile because its directory is
// gone — stops the whole daemon with that code, like CONFIG (reference §1.2).
TEST_F(VigildProcess, ChildFatalExitStopsTheDaemon) {
  const std::string sub = dir_.file("run");
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  vrrp_pidfile_ = sub + "/vrrp.pid";
  auto d = start();
  // First death: respawn at once; second: 1 s back-off — time enough to take the directory away.
  ASSERT_NE(kill_child_and_wait(kRespawnTimeout), 0) << d->log();
  ASSERT_EQ(signal_pid(child_pid(), SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return d->log_has("delayed 1 seconds"); }, kRespawnTimeout)) << d->log();
  ASSERT_EQ(::unlink(vrrp_pidfile_.c_str()), 0);
  ASSERT_EQ(::rmdir(sub.c_str()), 0);
  // The restart comes 1 s after the death; the child fails at once: 1 s + 1 s.
  EXPECT_EQ(d->wait_exit(2000ms), 1) << d->log();
  EXPECT_TRUE(d->log_has("Keepalived_vrrp exited with permanent error FATAL. Terminating")) << d->log();
  EXPECT_TRUE(d->log_has("cannot write pidfile"));
}

}  // namespace
}  // namespace vigil::daemon::test

namespace vigil::daemon::test {
namespace {

// A SIGHUP while the child waits out its respawn back-off is kept: the new child starts from the
// snapshot of the running configuration, then the reload reads the edited file.
TEST_F(VigildProcess, ReloadDuringRespawnBackoffIsAppliedToTheNewChild) {
  auto d = start();
  ASSERT_NE(kill_child_and_wait(kRespawnTimeout), 0) << d->log();  // back-off 0 s
  ASSERT_EQ(signal_pid(child_pid(), SIGKILL), 0);                     // back-off 1 s
  ASSERT_TRUE(wait_until([&] { return d->log_has("delayed 1 seconds"); }, kRespawnTimeout)) << d->log();
  write_file(conf_, one_instance_config(51, 150));
  ASSERT_EQ(signal_pid(d->pid(), SIGHUP), 0);
  // The 1 s back-off, the child's start and one reload.
  ASSERT_TRUE(wait_until([&] { return d->log_has("Reload complete"); }, 1000ms + kStartTimeout)) << d->log();
  const std::string json = dir_.file("keepalived.json");
  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout)) << d->log();
  EXPECT_EQ(nlohmann::json::parse(read_file(json))[0]["data"]["base_priority"], 150);
  EXPECT_EQ(parent_of(child_pid()), d->pid());
}

}  // namespace
}  // namespace vigil::daemon::test
