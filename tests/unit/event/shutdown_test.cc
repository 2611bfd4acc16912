// Shutting-down mode (keepalived §2.5): start_terminate, what still runs, and when run() returns.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "event/loop.h"

namespace vigil::event {
namespace {

using namespace std::chrono_literals;

struct EventShutdownTest : ::testing::Test {
  ManualClock clock;
  Loop loop{clock};
  std::vector<std::string> seen;
  TaskHandle ignored_;
  auto note(const char* what) {
    return [this, what] { seen.emplace_back(what); };
  }
};

TEST_F(EventShutdownTest, StartTerminateWithNothingLeftEndsTheLoopWithItsCode) {
  loop.start_terminate(note("stopping"), 4);
  EXPECT_EQ(loop.run(), 4);
  EXPECT_EQ(seen, std::vector<std::string>{"stopping"});
  EXPECT_TRUE(loop.shutting_down());
}

TEST_F(EventShutdownTest, OnlyShutdownTimersChildrenSignalsAndTerminateRunOnceShuttingDown) {
  auto timer = loop.add_timer(10ms, note("timer"));
  auto event = loop.add_timer(5ms, [this] {
    loop.start_terminate(note("terminate_start"));
    ignored_ = loop.add_event(note("event"));  // added after the start: dropped too
  });
  TaskHandle linger;
  auto st = loop.add_timer(1ms, [&] { linger = loop.add_shutdown_timer(20ms, note("shutdown_timer")); });
  clock.advance(5ms);
  loop.run_until_idle();
  EXPECT_TRUE(loop.shutting_down());
  EXPECT_FALSE(loop.finished());  // the shutdown timer keeps it alive
  clock.advance(30ms);
  loop.run_until_idle();
  EXPECT_EQ(seen, (std::vector<std::string>{"terminate_start", "shutdown_timer"}));
  EXPECT_TRUE(loop.finished());
  EXPECT_EQ(loop.exit_code(), 0);
  EXPECT_GE(loop.stats().dropped, 2u);  // the timer and the event
}

TEST_F(EventShutdownTest, ShutdownTimerKeepsRunningUntilItFires) {
  auto linger = loop.add_shutdown_timer(1s, note("linger"));
  loop.start_terminate({}, 0);
  loop.run_until_idle();
  EXPECT_FALSE(loop.finished());
  clock.advance(1s);
  loop.run_until_idle();
  EXPECT_TRUE(loop.finished());
  EXPECT_EQ(seen, std::vector<std::string>{"linger"});
}

TEST_F(EventShutdownTest, CancellingTheLastShutdownTimerLetsTheLoopFinishAfterTheNextTask) {
  auto linger = loop.add_shutdown_timer(1h, note("never"));
  loop.start_terminate({}, 6);
  loop.run_until_idle();
  EXPECT_FALSE(loop.finished());
  linger.cancel();
  EXPECT_TRUE(loop.finished());
  EXPECT_EQ(loop.exit_code(), 6);
}

TEST_F(EventShutdownTest, FdTasksAreDroppedAndCloseOnDestroyFdsClosed) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
  auto r = loop.add_read(sv[0], note("read"), {}, {.close_on_destroy = true});
  auto linger = loop.add_shutdown_timer(1s, note("linger"));
  loop.start_terminate({});
  loop.run_until_idle();
  ASSERT_EQ(write(sv[1], "x", 1), 1);
  loop.run_until_idle();
  EXPECT_TRUE(seen.empty());
  EXPECT_FALSE(r.active());
  EXPECT_EQ(fcntl(sv[0], F_GETFD), -1);  // closed by the loop when dropped
  close(sv[1]);
}

TEST_F(EventShutdownTest, ChildrenStillRunAndTheLoopEndsWhenTheLastOneIsReaped) {
  const pid_t pid = fork();
  if (pid == 0) _exit(9);
  int code = -1;
  auto c = loop.add_child(pid, [&](const Fired& f) { code = f.exit_code(); });
  loop.start_terminate({}, 0);
  // Blocks in epoll_wait until SIGCHLD: the test's wait is the event itself.
  EXPECT_EQ(loop.run(), 0);
  EXPECT_EQ(code, 9);
}

TEST_F(EventShutdownTest, SignalsStillRunWhileShuttingDown) {
  int usr2 = 0;
  auto s = loop.add_signal(SIGUSR2, [&] { ++usr2; });
  auto linger = loop.add_shutdown_timer(1h, [] {});
  loop.start_terminate({});
  loop.run_until_idle();
  ASSERT_EQ(raise(SIGUSR2), 0);
  loop.run_until_idle();
  EXPECT_EQ(usr2, 1);
}

TEST_F(EventShutdownTest, TerminateWinsOverAPendingShutdown) {
  auto linger = loop.add_shutdown_timer(1h, [] {});
  loop.start_terminate([this] { loop.terminate(12); });
  EXPECT_EQ(loop.run(), 12);
}

}  // namespace
}  // namespace vigil::event
