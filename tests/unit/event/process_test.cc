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

}  // namespace
}  // namespace vigil::event
