// Process tests: a real vigild (parent + VRRP child) in a network namespace of the test's own,
// driven with real signals. Pidfiles, TMPDIR (dump files) and logs live in a temp dir.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "harness.h"

namespace vigil::daemon::test {
namespace {

using namespace std::chrono_literals;

// Start-up is config parse + fork + the child's own parse: milliseconds; 5 s leaves room for
// sanitizer builds on a loaded 2-core machine.
constexpr auto kStartTimeout = 5000ms;
// A respawn with back-off delay 0 must produce a new child within 1 s (the requirement itself).
constexpr auto kRespawnTimeout = 1000ms;
// Stop: the child stops at once (no engine to linger for); the parent waits at most
// child_wait_time (5 s default) before SIGKILL — so 5 s + 1 s margin.
constexpr auto kStopTimeout = 6000ms;
// A dump is written by the child as soon as the forwarded signal is read: 2 s is generous.
constexpr auto kDumpTimeout = 2000ms;

// kill(2) that refuses pid <= 0: a missing pidfile must fail the test, not signal our own
// process group (kill(0, …)) or every process (kill(-1, …)).
int signal_pid(pid_t pid, int sig) {
  if (pid <= 0) {
    ADD_FAILURE() << "refusing to signal pid " << pid;
    return -1;
  }
  return ::kill(pid, sig);
}

class VigildProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ns_.ok()) << "cannot create a network namespace (needs root)";
    conf_ = dir_.file("keepalived.conf");
    pidfile_ = dir_.file("keepalived.pid");
    vrrp_pidfile_ = dir_.file("vrrp.pid");
    write_file(conf_, one_instance_config());
  }

  std::vector<std::string> base_args() const {
    return {"-n", "-l", "-G", "-f", conf_, "-p", pidfile_, "-r", vrrp_pidfile_};
  }

  // Starts vigild and waits until both pidfiles name live processes and the child reported
  // its configuration loaded.
  std::unique_ptr<Vigild> start(std::vector<std::string> extra_args = {},
                                std::vector<std::string> env = {}) {
    auto args = base_args();
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto d = std::make_unique<Vigild>(ns_, dir_, args, env);
    const bool up = wait_until(
        [&] {
          auto p = pid_in(pidfile_);
          auto c = pid_in(vrrp_pidfile_);
          return p && c && alive(*c) && d->log_has("Startup complete");
        },
        kStartTimeout);
    EXPECT_TRUE(up) << d->log();
    return d;
  }

  pid_t child_pid() const { return pid_in(vrrp_pidfile_).value_or(0); }

  // Kills the current child and waits for a different, live child pid in the pidfile.
  pid_t kill_child_and_wait(std::chrono::milliseconds timeout) {
    const pid_t old = child_pid();
    if (signal_pid(old, SIGKILL) != 0) return 0;
    pid_t fresh = 0;
    wait_until(
        [&] {
          fresh = child_pid();
          return fresh != 0 && fresh != old && alive(fresh);
        },
        timeout);
    return fresh != old ? fresh : 0;
  }

  Netns ns_;
  TempDir dir_;
  std::string conf_, pidfile_, vrrp_pidfile_;
};

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

TEST_F(VigildProcess, DumpSignalsWriteKeepalivedFiles) {
  auto d = start();
  const std::string data = dir_.file("keepalived.data"), stats = dir_.file("keepalived.stats"),
                    json = dir_.file("keepalived.json"), parent = dir_.file("keepalived_parent.data");
  ASSERT_EQ(signal_pid(d->pid(), SIGUSR1), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(data).empty(); }, kDumpTimeout)) << d->log();
  const std::string data_text = read_file(data);
  EXPECT_NE(data_text.find(" VRRP Instance = VI_1\n"), std::string::npos);
  // d0 has no IPv4 address: the instance cannot send adverts and sits in FAULT.
  EXPECT_NE(data_text.find("   State = FAULT\n"), std::string::npos) << data_text;
  EXPECT_NE(data_text.find("   Wantstate = BACKUP\n"), std::string::npos);
  EXPECT_NE(data_text.find("   Interface = d0\n"), std::string::npos);
  EXPECT_NE(data_text.find("   Virtual Router ID = 51\n"), std::string::npos);
  EXPECT_NE(data_text.find("     10.9.9.9/24 dev d0 scope global\n"), std::string::npos);
  EXPECT_FALSE(read_file(parent).empty());
  EXPECT_TRUE(wait_until(
      [&] { return d->log_has(fmt::format("Printing VRRP data for process({}) on signal", child_pid())); },
      kDumpTimeout));

  ASSERT_EQ(signal_pid(d->pid(), SIGUSR2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(stats).empty(); }, kDumpTimeout));
  const auto stat_lines = lines_of(read_file(stats));
  ASSERT_EQ(stat_lines.size(), 20u);
  EXPECT_EQ(stat_lines[19], "Log lines dropped: 0");
  EXPECT_EQ(stat_lines[0], "VRRP Instance: VI_1");
  EXPECT_EQ(stat_lines[1], "  Advertisements:");
  EXPECT_EQ(stat_lines[2], "    Received: 0");

  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout));
  auto j = nlohmann::json::parse(read_file(json));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["data"]["iname"], "VI_1");
  EXPECT_EQ(j[0]["data"]["vrid"], 51);
  EXPECT_EQ(j[0]["data"]["state"], 3);  // FAULT, as in the .data dump
  EXPECT_EQ(j[0]["data"]["ifp_ifname"], "d0");
  EXPECT_EQ(j[0]["stats"]["advert_rcvd"], 0);

  unlink(stats.c_str());
  ASSERT_EQ(signal_pid(d->pid(), SIGRTMAX - 1), 0);  // STATS_CLEAR
  ASSERT_TRUE(wait_until([&] { return !read_file(stats).empty(); }, kDumpTimeout));
  EXPECT_TRUE(wait_until([&] { return d->log_has("Printing and clearing VRRP stats"); }, kDumpTimeout));
}

TEST_F(VigildProcess, BrokenConfigOnReloadIsReportedAndOldOneKept) {
  auto d = start();
  const pid_t child = child_pid();
  write_file(conf_, "vrrp_instance VI_1 {\n  state BACKUP\n");  // unterminated block
  ASSERT_EQ(signal_pid(d->pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return d->log_has("Reload aborted"); }, kDumpTimeout)) << d->log();
  EXPECT_TRUE(d->log_has("never closed"));
  EXPECT_TRUE(alive(d->pid()));
  EXPECT_EQ(child_pid(), child);
  EXPECT_FALSE(d->log_has("Reloading\n"));  // the child was not told to reload

  // The old configuration is still the one in effect.
  const std::string json = dir_.file("keepalived.json");
  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout));
  EXPECT_EQ(nlohmann::json::parse(read_file(json))[0]["data"]["base_priority"], 100);

  // A good configuration then reloads: the child applies it and reports back.
  write_file(conf_, one_instance_config(51, 150));
  ASSERT_EQ(signal_pid(d->pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return d->log_has("Reload complete"); }, kDumpTimeout)) << d->log();
  unlink(json.c_str());
  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout));
  EXPECT_EQ(nlohmann::json::parse(read_file(json))[0]["data"]["base_priority"], 150);
  EXPECT_EQ(child_pid(), child);
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

// sd_notify: READY=1 once the child has its config, RELOADING=1/READY=1 around a reload,
// STOPPING=1 on stop — read from a datagram socket standing in for systemd.
TEST_F(VigildProcess, SystemdNotifications) {
  const std::string sock_path = dir_.file("notify.sock");
  const int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock_path.c_str());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::vector<std::string> got;
  auto receive = [&] {
    char buf[256];
    for (ssize_t n; (n = ::recv(sock, buf, sizeof buf, 0)) > 0;) got.emplace_back(buf, n);
  };
  auto got_message = [&](const std::string& m) {
    receive();
    return std::find(got.begin(), got.end(), m) != got.end();
  };

  auto d = start({}, {"NOTIFY_SOCKET=" + sock_path});
  const std::string ready = fmt::format("READY=1\nMAINPID={}", d->pid());
  EXPECT_TRUE(wait_until([&] { return got_message(ready); }, kStartTimeout));
  ASSERT_EQ(signal_pid(d->pid(), SIGHUP), 0);
  EXPECT_TRUE(wait_until([&] { return got_message("RELOADING=1"); }, kDumpTimeout));
  EXPECT_TRUE(wait_until([&] { return std::count(got.begin(), got.end(), ready) == 2 || (receive(), false); },
                         kDumpTimeout));
  ASSERT_EQ(signal_pid(d->pid(), SIGTERM), 0);
  EXPECT_EQ(d->wait_exit(kStopTimeout), 0);
  EXPECT_TRUE(got_message("STOPPING=1"));
  ::close(sock);
}

}  // namespace
}  // namespace vigil::daemon::test

namespace vigil::daemon::test {
namespace {

// Without -n the launched process forks the daemon and exits 0; the daemon writes the pidfile.
TEST_F(VigildProcess, DaemonisesWithoutDashN) {
  Vigild launcher(ns_, dir_, {"-l", "-G", "-f", conf_, "-p", pidfile_, "-r", vrrp_pidfile_});
  EXPECT_EQ(launcher.wait_exit(kStartTimeout), 0) << launcher.log();
  std::optional<pid_t> daemon, child;
  ASSERT_TRUE(wait_until(
      [&] {
        daemon = pid_in(pidfile_);
        child = pid_in(vrrp_pidfile_);
        return daemon && child && alive(*daemon) && alive(*child);
      },
      kStartTimeout));
  EXPECT_NE(*daemon, launcher.pid());
  EXPECT_EQ(parent_of(*child), *daemon);
  ASSERT_EQ(signal_pid(*daemon, SIGTERM), 0);
  EXPECT_TRUE(wait_until([&] { return !alive(*daemon) && !alive(*child); }, kStopTimeout));
  EXPECT_TRUE(wait_until([&] { return ::access(pidfile_.c_str(), F_OK) != 0; }, kStopTimeout));
}

// -g FILE: the parent logs to FILE, the child to FILE with _vrrp before the extension.
TEST_F(VigildProcess, LogFilesPerProcess) {
  const std::string log = dir_.file("k.log");
  auto d = start({"-g" + log});
  EXPECT_TRUE(wait_until(
      [&] { return read_file(log).find("Starting VRRP child process") != std::string::npos; }, kDumpTimeout));
  ASSERT_EQ(signal_pid(d->pid(), SIGUSR1), 0);
  EXPECT_TRUE(wait_until(
      [&] { return read_file(dir_.file("k_vrrp.log")).find("Printing VRRP data") != std::string::npos; },
      kDumpTimeout));
}

// -s NAME: started outside the namespace, vigild joins it (d0 exists only there).
TEST_F(VigildProcess, NamespaceOption) {
  auto args = base_args();
  args.insert(args.end(), {"-s", ns_.name()});
  Vigild d(ns_, dir_, args, {}, /*enter_ns=*/false);
  ASSERT_TRUE(wait_until([&] { return d.log_has("Startup complete"); }, kStartTimeout)) << d.log();
  const pid_t child = child_pid();
  EXPECT_EQ(read_file(fmt::format("/proc/{}/net/dev", child)).find(" d0:") != std::string::npos,
            true);
  ASSERT_EQ(signal_pid(d.pid(), SIGTERM), 0);
  EXPECT_EQ(d.wait_exit(kStopTimeout), 0);
}

}  // namespace
}  // namespace vigil::daemon::test

namespace vigil::daemon::test {
namespace {

// No VRRP configuration: no child (keepalived's warning); a reload that adds an instance starts it.
TEST_F(VigildProcess, ReloadStartsChildWhenConfigurationAppears) {
  write_file(conf_, "global_defs {\n  router_id lb1\n}\n");
  Vigild d(ns_, dir_, base_args());
  ASSERT_TRUE(wait_until([&] { return d.log_has("keepalived has no configuration to run"); },
                         kStartTimeout))
      << d.log();
  EXPECT_EQ(child_pid(), 0);
  EXPECT_FALSE(d.log_has("Starting VRRP child process"));

  write_file(conf_, one_instance_config());
  ASSERT_EQ(signal_pid(d.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return child_pid() != 0 && d.log_has("Reload complete"); },
                         kStartTimeout))
      << d.log();
  EXPECT_EQ(parent_of(child_pid()), d.pid());
}

}  // namespace
}  // namespace vigil::daemon::test

namespace vigil::daemon::test {
namespace {

// -d logs the parsed configuration (config/dump.h's JSON), then runs as usual.
TEST_F(VigildProcess, DumpConfToTheLog) {
  auto d = start({"-d"});
  EXPECT_TRUE(d->log_has("\"virtual_router_id\": 51")) << d->log();
  EXPECT_TRUE(alive(child_pid()));
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
