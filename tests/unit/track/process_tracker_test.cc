// vrrp_track_process: matching rules (pure) and quorum with real processes the test starts and
// kills by PID, through /proc scans and (where the kernel offers it) the proc connector.
#include "track/process_tracker.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "helpers.h"

extern char** environ;

namespace vigil::track {
namespace {

using namespace std::chrono_literals;

TEST(TrackProcessMatch, NameArgsAndQuorum) {
  TrackProcessConfig c{.name = "p", .process = "haproxy"};
  EXPECT_TRUE(process_matches(c, {"haproxy", {"/usr/sbin/haproxy", "-f", "x"}}));
  EXPECT_FALSE(process_matches(c, {"haproxy2", {}}));
  // The kernel's name is 15 characters at most.
  c.process = "a_very_long_process_name";
  EXPECT_TRUE(process_matches(c, {"a_very_long_pro", {}}));
  c.process = "/usr/sbin/haproxy";
  c.full_command = true;
  EXPECT_TRUE(process_matches(c, {"haproxy", {"/usr/sbin/haproxy"}}));
  EXPECT_FALSE(process_matches(c, {"haproxy", {"haproxy"}}));

  TrackProcessConfig a{.name = "a", .process = "x", .args = {"-f", "cfg"}};
  const ProcessInfo exact{"x", {"x", "-f", "cfg"}};
  const ProcessInfo longer{"x", {"x", "-f", "cfg", "-d"}};
  const ProcessInfo inside{"x", {"x", "-d", "-f", "cfg"}};
  EXPECT_TRUE(process_matches(a, exact));
  EXPECT_FALSE(process_matches(a, longer));
  a.param_match = ParamMatch::initial;
  EXPECT_TRUE(process_matches(a, longer));
  EXPECT_FALSE(process_matches(a, inside));
  a.param_match = ParamMatch::partial;
  EXPECT_TRUE(process_matches(a, inside));
  EXPECT_FALSE(process_matches(a, {"x", {"x", "-f"}}));

  TrackProcessConfig q{.name = "q", .process = "x", .quorum = 2, .quorum_max = 3};
  EXPECT_FALSE(quorum_met(q, 1));
  EXPECT_TRUE(quorum_met(q, 2));
  EXPECT_TRUE(quorum_met(q, 3));
  EXPECT_FALSE(quorum_met(q, 4));
  EXPECT_EQ(quorum_line("p", true), "Quorum gained for tracked process p");
  EXPECT_EQ(quorum_line("p", false), "Quorum lost for tracked process p");
}

// A copy of /bin/sleep under a name nothing else on the machine uses. Every process it started
// is killed (by PID) when it goes away, so a failed assertion leaves nothing running.
class Sleeper {
 public:
  explicit Sleeper(const testing::TempDir& dir)
      : name_("vgtrk" + std::to_string(::getpid())), path_(dir.file(name_)) {
    std::filesystem::copy_file("/bin/sleep", path_);
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all);
  }
  ~Sleeper() {
    while (!pids_.empty()) stop(pids_.back());
  }
  Sleeper(const Sleeper&) = delete;
  Sleeper& operator=(const Sleeper&) = delete;

  // Returns once the kernel shows the new name (posix_spawn returns before exec sets it).
  pid_t start() {
    pid_t pid = 0;
    char* argv[] = {path_.data(), const_cast<char*>("60"), nullptr};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);  // not ctest's pipe
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    EXPECT_EQ(::posix_spawn(&pid, path_.c_str(), &fa, nullptr, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    pids_.push_back(pid);
    const std::string comm = "/proc/" + std::to_string(pid) + "/comm";
    // exec finishes within microseconds of posix_spawn returning; bounded at 1 s.
    const auto limit = std::chrono::steady_clock::now() + 1s;
    while (testing::read_file(comm) != name_ + "\n" && std::chrono::steady_clock::now() < limit) {
      ::sched_yield();
    }
    return pid;
  }
  void stop(pid_t pid) {
    std::erase(pids_, pid);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);  // reaped: no zombie left in /proc
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string path_;
  std::vector<pid_t> pids_;
};

struct Fixture {
  explicit Fixture(bool connector)
      : procs(loop, log.sink(), [this](std::size_t, Health h) { changes.push_back(h); },
              {.use_connector = connector, .scan_interval = 50ms, .probe_timeout = 1s}) {}
  event::MonotonicClock clock;
  event::Loop loop{clock};
  testing::LogCapture log;
  std::vector<Health> changes;
  ProcessTracker procs;
  testing::TempDir dir;
  Sleeper sleeper{dir};

  // One scan interval (50 ms) or one netlink event, plus exec time; 3 s bounds a loaded box.
  bool wait_for(std::size_t n) {
    return testing::run_until(loop, [&] { return changes.size() >= n; }, 3s);
  }
  bool wait_count(std::uint32_t c) {
    return testing::run_until(loop, [&] { return procs.count(0) == c; }, 3s);
  }
};

void run_quorum_scenario(Fixture& f) {
  std::vector<pid_t> pids{f.sleeper.start()};
  ASSERT_TRUE(f.wait_count(1));
  EXPECT_EQ(f.procs.health(0), Health::down);
  pids.push_back(f.sleeper.start());
  ASSERT_TRUE(f.wait_for(2));
  EXPECT_EQ(f.changes.back(), Health::up);
  EXPECT_TRUE(f.log.contains("Quorum gained for tracked process tp"));
  pids.push_back(f.sleeper.start());  // above quorum_max
  ASSERT_TRUE(f.wait_for(3));
  EXPECT_EQ(f.changes.back(), Health::down);
  f.sleeper.stop(pids.back());
  pids.pop_back();
  ASSERT_TRUE(f.wait_for(4));
  EXPECT_EQ(f.changes.back(), Health::up);
  for (pid_t p : pids) f.sleeper.stop(p);
  ASSERT_TRUE(f.wait_for(5));
  EXPECT_EQ(f.changes.back(), Health::down);
  EXPECT_TRUE(f.log.contains("Quorum lost for tracked process tp"));
  EXPECT_EQ(f.procs.count(0), 0u);
}

TEST(TrackProcessTracker, QuorumByProcScan) {
  Fixture f(false);
  f.procs.add({.name = "tp", .process = f.sleeper.name(), .quorum = 2, .quorum_max = 2});
  f.procs.start();
  EXPECT_EQ(f.procs.mode(), ProcessTracker::Mode::scan);
  ASSERT_EQ(f.changes.size(), 1u);  // the first scan reports the initial state
  EXPECT_EQ(f.changes[0], Health::down);
  run_quorum_scenario(f);
}

TEST(TrackProcessTracker, QuorumByProcConnector) {
  Fixture f(true);
  f.procs.add({.name = "tp", .process = f.sleeper.name(), .quorum = 2, .quorum_max = 2});
  f.procs.start();
  // The kernel's acknowledgement arrives at once, or the probe times out (1 s).
  ASSERT_TRUE(testing::run_until(
      f.loop, [&] { return f.procs.mode() != ProcessTracker::Mode::probing; }, 3s));
  if (f.procs.mode() != ProcessTracker::Mode::connector) {
    GTEST_SKIP() << "no proc connector here (needs CAP_NET_ADMIN, CONFIG_PROC_EVENTS, init netns)";
  }
  run_quorum_scenario(f);
}

TEST(TrackProcessTracker, TerminateDelayHoldsTheLoss) {
  Fixture f(false);
  constexpr auto kDelay = 300ms;
  f.procs.add({.name = "tp", .process = f.sleeper.name(), .terminate_delay = kDelay});
  const pid_t pid = f.sleeper.start();
  f.procs.start();
  ASSERT_EQ(f.procs.health(0), Health::up);
  const auto t0 = f.clock.now();
  f.sleeper.stop(pid);
  ASSERT_TRUE(f.wait_count(0));
  EXPECT_EQ(f.procs.health(0), Health::up);  // still within the delay
  ASSERT_TRUE(f.wait_for(2));
  EXPECT_GE(f.clock.now() - t0, kDelay);
  EXPECT_EQ(f.procs.health(0), Health::down);
}

TEST(TrackProcessTracker, LossWithinForkDelayIsNeverReported) {
  Fixture f(false);
  f.procs.add({.name = "tp", .process = f.sleeper.name(), .fork_delay = 10s});
  f.procs.start();
  ASSERT_EQ(f.changes.size(), 1u);
  const pid_t pid = f.sleeper.start();
  ASSERT_TRUE(f.wait_count(1));
  f.sleeper.stop(pid);
  ASSERT_TRUE(f.wait_count(0));
  // Gained and lost again inside the 10 s fork_delay: nothing to report.
  EXPECT_EQ(f.changes.size(), 1u);
  EXPECT_EQ(f.log.count_prefix("Quorum"), 0u);
}

}  // namespace
}  // namespace vigil::track
