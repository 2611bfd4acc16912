// Read/write tasks on real fds (socketpairs, pipes): readiness, timeouts, hang-up/error delivery,
// persistent tasks, close_on_destroy. Time moves only through the ManualClock.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <memory>
#include <vector>

#include "event/loop.h"

namespace vigil::event {
namespace {

using namespace std::chrono_literals;

struct Pair {
  int a = -1, b = -1;
  Pair() {
    int sv[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    a = sv[0];
    b = sv[1];
  }
  ~Pair() {
    if (a >= 0) close(a);
    if (b >= 0) close(b);
  }
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;
};

bool fd_is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

struct EventFdTest : ::testing::Test {
  ManualClock clock;
  Loop loop{clock};
  std::vector<Fired> got;
  auto record() {
    return [this](const Fired& f) { got.push_back(f); };
  }
};

TEST_F(EventFdTest, ReadReadyWhenDataArrives) {
  Pair p;
  auto h = loop.add_read(p.a, record());
  EXPECT_EQ(loop.run_until_idle(), 0u);
  ASSERT_EQ(write(p.b, "x", 1), 1);
  EXPECT_EQ(loop.run_until_idle(), 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::ready);
  EXPECT_EQ(got[0].fd, p.a);
  EXPECT_FALSE(h.active());  // one-shot
  // Still readable, but nobody is watching: nothing more runs.
  EXPECT_EQ(loop.run_until_idle(), 0u);
}

TEST_F(EventFdTest, ReAddingFromTheCallbackKeepsReading) {
  Pair p;
  int reads = 0;
  TaskHandle h;
  struct OnRead {
    Loop* loop;
    TaskHandle* h;
    int* reads;
    void operator()(const Fired& f) const {
      char c;
      if (read(f.fd, &c, 1) == 1) ++*reads;
      *h = loop->add_read(f.fd, *this);
    }
  };
  h = loop.add_read(p.a, OnRead{&loop, &h, &reads});
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(write(p.b, "x", 1), 1);
    loop.run_until_idle();
  }
  EXPECT_EQ(reads, 3);
  EXPECT_TRUE(h.active());
}

TEST_F(EventFdTest, WriteReadyOnAWritableSocket) {
  Pair p;
  auto h = loop.add_write(p.a, record());
  EXPECT_EQ(loop.run_until_idle(), 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::ready);
}

TEST_F(EventFdTest, ReadAndWriteTasksOnTheSameFd) {
  Pair p;
  auto r = loop.add_read(p.a, record());
  auto w = loop.add_write(p.a, record());
  loop.run_until_idle();
  ASSERT_EQ(got.size(), 1u);  // writable only
  ASSERT_EQ(write(p.b, "x", 1), 1);
  loop.run_until_idle();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].reason, Reason::ready);
  EXPECT_FALSE(r.active());
}

TEST_F(EventFdTest, ReadTimesOutOnTheManualClock) {
  Pair p;
  auto h = loop.add_read(p.a, record(), 3s);
  clock.advance(2999ms);
  EXPECT_EQ(loop.run_until_idle(), 0u);
  clock.advance(1ms);
  EXPECT_EQ(loop.run_until_idle(), 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::timed_out);
  EXPECT_TRUE(got[0].timed_out());
  // The fd is no longer watched.
  ASSERT_EQ(write(p.b, "x", 1), 1);
  EXPECT_EQ(loop.run_until_idle(), 0u);
}

TEST_F(EventFdTest, RetimeAPendingReadTimeout) {
  Pair p;
  auto h = loop.add_read(p.a, record(), 3s);
  for (int i = 0; i < 10; ++i) {  // master-down timer pushed forward on every advert
    clock.advance(2s);
    ASSERT_TRUE(loop.retime_after(h, 3s));
    EXPECT_EQ(loop.run_until_idle(), 0u);
  }
  clock.advance(3s);
  loop.run_until_idle();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::timed_out);
}

TEST_F(EventFdTest, TimeoutIsDeliveredBeforeReadinessWhenBothAreDue) {
  Pair p;
  auto h = loop.add_read(p.a, [this](const Fired& f) {
    got.push_back(f);
    char c;
    if (f.ok()) {
      EXPECT_EQ(read(f.fd, &c, 1), 1);  // level-triggered: drain, or it fires again
    }
  }, 1s, {.persistent = true});
  ASSERT_EQ(write(p.b, "x", 1), 1);
  clock.advance(1s);
  loop.run_until_idle();
  // Both due in one poll step: the timeout first; the data is reported at the next step.
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].reason, Reason::timed_out);
  EXPECT_EQ(got[1].reason, Reason::ready);
}

TEST_F(EventFdTest, PersistentReadStaysRegisteredAndCanBeRetimedFromItsCallback) {
  Pair p;
  TaskHandle h;
  int ready = 0, timeouts = 0;
  h = loop.add_read(p.a, [&](const Fired& f) {
    if (f.timed_out()) {
      ++timeouts;
      return;
    }
    char c;
    ASSERT_EQ(read(f.fd, &c, 1), 1);
    ++ready;
    EXPECT_TRUE(loop.retime_after(h, 3s));
  }, 3s, {.persistent = true});
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(write(p.b, "x", 1), 1);
    clock.advance(2s);
    loop.run_until_idle();
  }
  EXPECT_EQ(ready, 5);
  EXPECT_EQ(timeouts, 0);
  EXPECT_TRUE(h.active());
  clock.advance(3s);
  loop.run_until_idle();
  EXPECT_EQ(timeouts, 1);
  EXPECT_TRUE(h.active());  // still watching the fd, now without a timeout
  clock.advance(1h);
  loop.run_until_idle();
  EXPECT_EQ(timeouts, 1);
}

TEST_F(EventFdTest, PersistentWriteFiresUntilCancelledFromItsCallback) {
  Pair p;
  TaskHandle h;
  int calls = 0;
  h = loop.add_write(p.a, [&](const Fired& f) {
    EXPECT_TRUE(f.ok());
    if (++calls == 3) h.cancel();
  }, {}, {.persistent = true});
  for (int i = 0; i < 5; ++i) loop.run_until_idle();
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(h.active());
}

TEST_F(EventFdTest, HangupEndsAPersistentRead) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  auto h = loop.add_read(fds[0], record(), 5s, {.persistent = true});
  close(fds[1]);
  loop.run_until_idle();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::hangup);
  EXPECT_FALSE(h.active());  // no busy loop on a level-triggered hang-up
  clock.advance(10s);
  EXPECT_EQ(loop.run_until_idle(), 0u);  // and its timeout went with it
  close(fds[0]);
}

TEST_F(EventFdTest, HangupIsDeliveredToTheReader) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  auto h = loop.add_read(fds[0], record());
  close(fds[1]);
  loop.run_until_idle();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::hangup);
  close(fds[0]);
}

TEST_F(EventFdTest, ErrorIsDeliveredToTheWriterWhenTheReaderIsGone) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  close(fds[0]);
  auto h = loop.add_write(fds[1], record());
  loop.run_until_idle();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::error);
  close(fds[1]);
}

TEST_F(EventFdTest, AFdEpollCannotWatchGetsAnError) {
  char path[] = "/tmp/vigil-event-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  unlink(path);
  auto h = loop.add_read(fd, record());  // regular file: epoll_ctl says EPERM
  loop.run_until_idle();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::error);
  close(fd);
}

TEST_F(EventFdTest, ClosedAndReusedFdNumberIsWatchedAgain) {
  auto p1 = std::make_unique<Pair>();
  const int num = p1->a;
  {
    auto h = loop.add_read(p1->a, record());
    loop.run_until_idle();  // registered with epoll
  }                          // cancelled; the DEL is deferred
  p1.reset();                // both ends closed: epoll drops the registration itself
  Pair p2;                   // lowest free numbers: the same fd numbers come back
  ASSERT_EQ(p2.a, num);
  auto h = loop.add_read(p2.a, record());
  ASSERT_EQ(write(p2.b, "x", 1), 1);
  loop.run_until_idle();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, Reason::ready);
}

TEST_F(EventFdTest, CancelledReadyReadDoesNotRun) {
  // Both fds are ready in the same poll step, so both tasks are queued; whichever runs first
  // cancels the other, which must then not run.
  Pair p1, p2;
  TaskHandle h1, h2;
  h1 = loop.add_read(p1.a, [&](const Fired& f) {
    got.push_back(f);
    h2.cancel();
  });
  h2 = loop.add_read(p2.a, [&](const Fired& f) {
    got.push_back(f);
    h1.cancel();
  });
  ASSERT_EQ(write(p1.b, "x", 1), 1);
  ASSERT_EQ(write(p2.b, "x", 1), 1);
  EXPECT_EQ(loop.run_until_idle(), 1u);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_FALSE(h1.active());
  EXPECT_FALSE(h2.active());
}

// The fds registered in this process's (only) epoll instance, from /proc/self/fdinfo.
std::vector<int> epoll_registrations() {
  std::vector<int> fds;
  for (int fd = 0; fd < 1024; ++fd) {
    char link[64], target[64] = {};
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    if (readlink(link, target, sizeof target - 1) <= 0) continue;
    if (std::string(target) != "anon_inode:[eventpoll]") continue;
    char info[64];
    std::snprintf(info, sizeof info, "/proc/self/fdinfo/%d", fd);
    std::ifstream in(info);
    std::string line;
    while (std::getline(in, line)) {
      int tfd = -1;
      if (std::sscanf(line.c_str(), "tfd: %d", &tfd) == 1) fds.push_back(tfd);
    }
  }
  return fds;
}

bool registered(int fd) {
  const auto v = epoll_registrations();
  return std::find(v.begin(), v.end(), fd) != v.end();
}

TEST_F(EventFdTest, EpollRegistrationFollowsTheTasks) {
  Pair p;
  auto r = loop.add_read(p.a, record());
  EXPECT_FALSE(registered(p.a));  // changes reach the kernel just before the next wait
  loop.run_until_idle();
  EXPECT_TRUE(registered(p.a));  // ADD
  auto w = loop.add_write(p.a, record());
  loop.run_until_idle();  // MOD to IN|OUT; the write fires at once
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(registered(p.a));  // MOD back to IN
  r.cancel();
  loop.run_until_idle();
  EXPECT_FALSE(registered(p.a));  // DEL
}

TEST_F(EventFdTest, CloseOnDestroyClosesWhenCancelled) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
  auto h = loop.add_read(sv[0], record(), {}, {.close_on_destroy = true});
  loop.run_until_idle();
  EXPECT_TRUE(fd_is_open(sv[0]));
  h.cancel();
  EXPECT_FALSE(fd_is_open(sv[0]));
  close(sv[1]);
}

TEST_F(EventFdTest, CloseOnDestroyLeavesTheFdToTheCallbackWhenItRuns) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
  auto h = loop.add_read(sv[0], record(), {}, {.close_on_destroy = true});
  ASSERT_EQ(write(sv[1], "x", 1), 1);
  loop.run_until_idle();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(fd_is_open(sv[0]));
  close(sv[0]);
  close(sv[1]);
}

TEST_F(EventFdTest, CloseOnDestroyClosesWhenTheLoopIsDestroyed) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
  TaskHandle h;
  {
    Loop l(clock);
    h = l.add_read(sv[0], [] {}, {}, {.close_on_destroy = true});
    EXPECT_TRUE(h.active());
  }
  EXPECT_FALSE(h.active());  // the loop deactivated the handle
  EXPECT_FALSE(fd_is_open(sv[0]));
  close(sv[1]);
}

}  // namespace
}  // namespace vigil::event
