// Child tasks (real fork/exit, reaped through SIGCHLD on the signalfd) and signal tasks (real
// signals sent to ourselves). Waiting is done by the loop blocking on the event itself, with a
// guard timer that ends the loop with kGuardCode if the event never comes; nothing sleeps.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "event/loop.h"

namespace vigil::event {
namespace {

using namespace std::chrono_literals;

// Guard: a child that exits at once is reaped within milliseconds; 10 s means "never came".
constexpr auto kGuard = 10s;
constexpr int kGuardCode = 99;

pid_t spawn_exit(int code) {
  const pid_t pid = fork();
  if (pid == 0) _exit(code);
  return pid;
}

// A child that waits until its pipe closes (or it is killed), then exits 0.
pid_t spawn_waiting(int& release_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    Loop::unblock_signals_for_exec();
    close(fds[1]);
    char c;
    while (read(fds[0], &c, 1) > 0) {
    }
    _exit(0);
  }
  close(fds[0]);
  release_fd = fds[1];
  return pid;
}

// Blocks until pid has exited, without reaping it (a condition wait, not a sleep).
void wait_zombie(pid_t pid) {
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
}

struct EventProcessTest : ::testing::Test {
  MonotonicClock clock;
  Loop loop{clock};
  TaskHandle guard = loop.add_timer(kGuard, [this] { loop.terminate(kGuardCode); });
};

TEST_F(EventProcessTest, ChildExitStatusIsDelivered) {
  Fired got;
  const pid_t pid = spawn_exit(7);
  ASSERT_GT(pid, 0);
  auto h = loop.add_child(pid, [&](const Fired& f) {
    got = f;
    loop.terminate(0);
  });
  ASSERT_EQ(loop.run(), 0);
  EXPECT_EQ(got.reason, Reason::exited);
  EXPECT_EQ(got.pid, pid);
  EXPECT_TRUE(got.exited_normally());
  EXPECT_EQ(got.exit_code(), 7);
  EXPECT_FALSE(h.active());
}

TEST_F(EventProcessTest, ChildThatExitedBeforeItWasWatchedIsStillReaped) {
  const pid_t pid = spawn_exit(3);
  wait_zombie(pid);  // SIGCHLD came and went before the loop blocked it
  int code = -1;
  auto h = loop.add_child(pid, [&](const Fired& f) {
    code = f.exit_code();
    loop.terminate(0);
  });
  ASSERT_EQ(loop.run(), 0);
  EXPECT_EQ(code, 3);
}

TEST_F(EventProcessTest, UnknownChildrenAreReapedAndIgnored) {
  const pid_t stray = spawn_exit(1);
  const pid_t known = spawn_exit(2);
  wait_zombie(stray);
  std::vector<pid_t> seen;
  auto h = loop.add_child(known, [&](const Fired& f) {
    seen.push_back(f.pid);
    loop.terminate(0);
  });
  ASSERT_EQ(loop.run(), 0);
  EXPECT_EQ(seen, std::vector<pid_t>{known});
  EXPECT_EQ(waitpid(stray, nullptr, WNOHANG), -1);  // already reaped by the loop
}

TEST_F(EventProcessTest, ChildTimeoutThenLateExitAfterKill) {
  // keepalived's script escalation: timeout -> SIGTERM -> re-watch -> exit status.
  ManualClock manual;
  Loop l(manual);
  int release = -1;
  const pid_t pid = spawn_waiting(release);
  ASSERT_GT(pid, 0);
  std::vector<Fired> got;
  TaskHandle watch;
  struct OnChild {
    Loop* l;
    TaskHandle* watch;
    std::vector<Fired>* got;
    void operator()(const Fired& f) const {
      got->push_back(f);
      if (f.timed_out()) {
        kill(f.pid, SIGTERM);
        *watch = l->add_child(f.pid, *this, std::chrono::seconds(2));
      }
    }
  };
  watch = l.add_child(pid, OnChild{&l, &watch, &got}, 5s);
  manual.advance(5s);
  l.run_until_idle();  // the timeout runs; the exit may or may not have been reaped yet
  ASSERT_GE(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::timed_out);
  EXPECT_EQ(got[0].pid, pid);
  while (got.size() < 2 && l.run_once(true)) {
  }  // blocks until SIGCHLD: no deadline is due on the manual clock
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].reason, Reason::exited);
  EXPECT_EQ(got[1].term_signal(), SIGTERM);
  close(release);
}

TEST_F(EventProcessTest, ExitReapedWhileTheTimeoutIsQueuedIsReportedAsExit) {
  ManualClock manual;
  Loop l(manual);
  int release = -1;
  const pid_t pid = spawn_waiting(release);
  std::vector<Fired> got;
  auto h = l.add_child(pid, [&](const Fired& f) { got.push_back(f); }, 1s);
  l.run_until_idle();  // SIGCHLD now blocked and on the signalfd
  close(release);      // the child exits 0...
  wait_zombie(pid);
  manual.advance(2s);  // ...and its timeout is due in the same poll step
  l.run_until_idle();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::exited);
  EXPECT_EQ(got[0].exit_code(), 0);
}

TEST_F(EventProcessTest, CancelledChildWatchIsNotReported) {
  const pid_t pid = spawn_exit(0);
  int runs = 0;
  auto h = loop.add_child(pid, [&] { ++runs; });
  h.cancel();
  wait_zombie(pid);
  auto stop = loop.add_timer(0s, [this] { loop.terminate(0); });
  loop.run_until_idle();
  EXPECT_EQ(runs, 0);
}

TEST_F(EventProcessTest, SignalRaisedToSelfRunsAsATask) {
  std::vector<Fired> got;
  auto h = loop.add_signal(SIGUSR1, [&](const Fired& f) {
    got.push_back(f);
    loop.terminate(0);
  });
  ASSERT_TRUE(h.active());
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  ASSERT_EQ(loop.run(), 0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::signal);
  EXPECT_EQ(got[0].signo, SIGUSR1);
  EXPECT_EQ(got[0].sender, getpid());
}

TEST_F(EventProcessTest, SignalTaskIsPersistentAndHandlesEveryDaemonSignal) {
  const int sigs[] = {SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGRTMIN + 2, SIGRTMAX - 1};
  std::vector<int> seen;
  std::vector<TaskHandle> hs;
  for (int s : sigs) hs.push_back(loop.add_signal(s, [&](const Fired& f) { seen.push_back(f.signo); }));
  for (int round = 0; round < 2; ++round) {
    for (int s : sigs) {
      const std::size_t before = seen.size();
      ASSERT_EQ(raise(s), 0);
      while (seen.size() == before && loop.run_once(true)) {
      }
    }
  }
  ASSERT_EQ(seen.size(), 14u);
  for (std::size_t i = 0; i < 14; ++i) EXPECT_EQ(seen[i], sigs[i % 7]);
}

TEST_F(EventProcessTest, SecondHandlerForASignalIsRefused) {
  auto a = loop.add_signal(SIGUSR2, [] {});
  auto b = loop.add_signal(SIGUSR2, [] {});
  EXPECT_TRUE(a.active());
  EXPECT_FALSE(b.active());
}

TEST_F(EventProcessTest, UserSigchldHandlerRunsBesideChildReaping) {
  int sigchld = 0;
  Fired exit;
  auto s = loop.add_signal(SIGCHLD, [&] { ++sigchld; });
  const pid_t pid = spawn_exit(5);
  auto h = loop.add_child(pid, [&](const Fired& f) { exit = f; });
  while ((sigchld == 0 || exit.reason != Reason::exited) && loop.run_once(true)) {
  }
  EXPECT_GE(sigchld, 1);
  EXPECT_EQ(exit.exit_code(), 5);
}

TEST_F(EventProcessTest, ForkedChildCanDropTheLoopAndBuildAFreshOne) {
  int status_pipe[2];
  ASSERT_EQ(pipe2(status_pipe, O_CLOEXEC), 0);
  auto keep = loop.add_read(status_pipe[0], [] {});
  const pid_t pid = fork();
  if (pid == 0) {
    // In the child: the inherited loop is dropped without touching the parent's epoll set.
    loop.close_after_fork();
    int code = keep.active() ? 10 : 0;
    MonotonicClock c;
    Loop fresh(c);
    auto t = fresh.add_timer(0s, [&] { fresh.terminate(code + 3); });
    _exit(fresh.run());
  }
  int code = -1;
  auto h = loop.add_child(pid, [&](const Fired& f) {
    code = f.exit_code();
    loop.terminate(0);
  });
  ASSERT_EQ(loop.run(), 0);
  EXPECT_EQ(code, 3);
  // The parent's loop still watches its pipe.
  ASSERT_EQ(write(status_pipe[1], "x", 1), 1);
  EXPECT_TRUE(keep.active());
  bool readable = false;
  keep = loop.add_read(status_pipe[0], [&] { readable = true; });  // refused: keep still holds it
  EXPECT_FALSE(keep.active());  // the assignment cancelled the old task
  keep = loop.add_read(status_pipe[0], [&] { readable = true; });
  while (!readable && loop.run_once(true)) {
  }
  EXPECT_TRUE(readable);
  close(status_pipe[0]);
  close(status_pipe[1]);
}

// SIGCHLD pacing (Options::child_reap_slack): with a deadline due within the slack, an exit does
// not wake the loop; it is reported at that deadline's wake-up. Counted through the epoll_wait
// hook: every call that returned at least one event is a wake-up.
int g_wakeups = 0;
int counting_epoll_wait(int epfd, epoll_event* events, int max, int timeout_ms) {
  const int n = ::epoll_wait(epfd, events, max, timeout_ms);
  if (n > 0) ++g_wakeups;
  return n;
}

struct PacedLoop {
  explicit PacedLoop(Duration slack)
      : loop(clock, Options{.epoll_wait = counting_epoll_wait, .child_reap_slack = slack}) {}
  // Makes the loop own SIGCHLD (its first add_child reaps at once, whatever the slack).
  void own_sigchld() {
    bool done = false;
    auto h = loop.add_child(spawn_exit(0), [&](const Fired&) { done = true; });
    while (!done && loop.run_once(true)) {
    }
  }
  MonotonicClock clock;
  Loop loop;
  TaskHandle guard = loop.add_timer(kGuard, [this] { loop.terminate(kGuardCode); });
};

TEST(EventChildPacing, ExitIsReportedAtTheNearDeadlineWithoutAWakeUpOfItsOwn) {
  PacedLoop p(1s);
  p.own_sigchld();
  // The timer is 300 ms off, within the 1 s slack: SIGCHLD leaves the signalfd while we wait.
  const TimePoint deadline = p.clock.now() + 300ms;  // the timer's deadline is no earlier
  TimePoint timer_at{};
  TaskHandle timer = p.loop.add_timer(300ms, [&] { timer_at = p.loop.now(); });
  const pid_t pid = spawn_exit(5);
  ASSERT_GT(pid, 0);
  Fired got;
  TimePoint reported_at{};
  auto h = p.loop.add_child(pid, [&](const Fired& f) {
    got = f;
    reported_at = p.loop.now();
    p.loop.terminate(0);
  });
  g_wakeups = 0;
  ASSERT_EQ(p.loop.run(), 0);
  EXPECT_EQ(got.exit_code(), 5);
  EXPECT_GE(reported_at, deadline);   // not before the timer's wake-up...
  EXPECT_EQ(reported_at, timer_at);   // ...but in that same poll step
  EXPECT_EQ(g_wakeups, 1);            // the timer's; the exit woke nobody
}

TEST(EventChildPacing, WithNoDeadlineNearAnExitWakesTheLoopAtOnce) {
  PacedLoop p(100ms);
  p.own_sigchld();
  // Muted while a near timer is pending, then the only deadline left is the 10 s guard: the
  // loop listens to SIGCHLD again, and a SIGCHLD left pending from the muted time is not lost.
  TimePoint near_at{};
  TaskHandle near = p.loop.add_timer(50ms, [&] { near_at = p.loop.now(); });
  int release = -1;
  const pid_t slow = spawn_waiting(release);
  ASSERT_GT(slow, 0);
  const pid_t quick = spawn_exit(0);
  wait_zombie(quick);  // exits while SIGCHLD is (about to be) muted
  int reported = 0;
  TimePoint quick_at{};
  auto hq = p.loop.add_child(quick, [&](const Fired&) {
    quick_at = p.loop.now();
    ++reported;
  });
  auto hs = p.loop.add_child(slow, [&](const Fired& f) {
    EXPECT_EQ(f.exit_code(), 0);
    ++reported;
    p.loop.terminate(0);
  });
  // Run past the near timer, then let the slow child exit: only SIGCHLD can wake us now.
  while ((near.active() || reported == 0) && p.loop.run_once(true)) {
  }
  ASSERT_EQ(reported, 1);
  EXPECT_EQ(quick_at, near_at);  // the quick one, at the near timer's wake-up
  const TimePoint released = p.clock.now();
  close(release);
  ASSERT_EQ(p.loop.run(), 0);
  EXPECT_EQ(reported, 2);
  EXPECT_LT(p.loop.now() - released, 5s);  // SIGCHLD, not the guard, ended the wait
}

TEST(EventChildPacing, ZeroSlackLetsEveryExitWakeTheLoop) {
  PacedLoop p(0s);
  p.own_sigchld();
  TaskHandle timer = p.loop.add_timer(5s, [] {});
  const TimePoint start = p.clock.now();
  auto h = p.loop.add_child(spawn_exit(0), [&](const Fired&) { p.loop.terminate(0); });
  ASSERT_EQ(p.loop.run(), 0);
  EXPECT_LT(p.loop.now() - start, 5s);  // reported before the timer
}

}  // namespace
}  // namespace vigil::event
