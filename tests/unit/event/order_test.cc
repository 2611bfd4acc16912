// Dispatch order, timers, retime and cancel, on a ManualClock (keepalived §2.3).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "event/loop.h"

namespace vigil::event {
namespace {

using namespace std::chrono_literals;

struct EventOrderTest : ::testing::Test {
  ManualClock clock;
  Loop loop{clock};
  std::vector<std::string> seen;
  auto note(const char* what) {
    return [this, what] { seen.emplace_back(what); };
  }
};

TEST_F(EventOrderTest, EventsRunBeforeReadyTasksAndInFifoOrder) {
  auto t1 = loop.add_timer(0s, [this] { seen.push_back("timer1"); });
  auto t2 = loop.add_timer(0s, [this] { seen.push_back("timer2"); });
  auto e1 = loop.add_event([this] { seen.push_back("event1"); });
  auto e2 = loop.add_event([this] { seen.push_back("event2"); });
  EXPECT_EQ(loop.run_until_idle(), 4u);
  EXPECT_EQ(seen, (std::vector<std::string>{"event1", "event2", "timer1", "timer2"}));
  EXPECT_FALSE(t1.active());
  EXPECT_FALSE(e2.active());
}

TEST_F(EventOrderTest, EventQueuedByACallbackRunsBeforeTheRestOfTheReadyQueue) {
  TaskHandle inner;
  auto a = loop.add_timer(0s, [this, &inner] {
    seen.push_back("a");
    inner = loop.add_event([this] { seen.push_back("event-from-a"); });
  });
  auto b = loop.add_timer(0s, [this] { seen.push_back("b"); });
  auto c = loop.add_timer(0s, [this] { seen.push_back("c"); });
  loop.run_until_idle();
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "event-from-a", "b", "c"}));
}

TEST_F(EventOrderTest, TimersFireByDeadlineThenInsertionOrder) {
  std::vector<TaskHandle> hs;
  hs.push_back(loop.add_timer(30ms, [this] { seen.push_back("30a"); }));
  hs.push_back(loop.add_timer(10ms, [this] { seen.push_back("10a"); }));
  hs.push_back(loop.add_timer(30ms, [this] { seen.push_back("30b"); }));
  hs.push_back(loop.add_timer(10ms, [this] { seen.push_back("10b"); }));
  hs.push_back(loop.add_timer(20ms, [this] { seen.push_back("20"); }));
  hs.push_back(loop.add_timer(10ms, [this] { seen.push_back("10c"); }));
  clock.advance(9ms);
  EXPECT_EQ(loop.run_until_idle(), 0u);
  clock.advance(1ms);
  EXPECT_EQ(loop.run_until_idle(), 3u);
  EXPECT_EQ(seen, (std::vector<std::string>{"10a", "10b", "10c"}));
  clock.advance(1s);
  loop.run_until_idle();
  EXPECT_EQ(seen, (std::vector<std::string>{"10a", "10b", "10c", "20", "30a", "30b"}));
}

TEST_F(EventOrderTest, TimerIsToldItsDeadline) {
  const TimePoint due = clock.now() + 5ms;
  TimePoint told{};
  Reason reason = Reason::event;
  auto h = loop.add_timer_at(due, [&](const Fired& f) {
    told = f.deadline;
    reason = f.reason;
  });
  clock.advance(7ms);
  loop.run_until_idle();
  EXPECT_EQ(told, due);
  EXPECT_EQ(reason, Reason::timer);
  EXPECT_EQ(loop.now(), clock.now());
}

TEST_F(EventOrderTest, HundredThousandTimersInRandomOrderFireSorted) {
  constexpr int kCount = 100'000;
  std::mt19937_64 rng(42);
  std::vector<std::int64_t> offsets(kCount);
  for (auto& o : offsets) o = static_cast<std::int64_t>(rng() % 1'000'000);  // < 1 s, in us
  std::vector<std::int64_t> fired;
  fired.reserve(kCount);
  std::vector<TaskHandle> hs;
  hs.reserve(kCount);
  loop.reserve(kCount);
  for (std::int64_t o : offsets) {
    hs.push_back(loop.add_timer(std::chrono::microseconds(o), [&fired, o] { fired.push_back(o); }));
  }
  clock.advance(2s);
  EXPECT_EQ(loop.run_until_idle(), static_cast<std::size_t>(kCount));
  ASSERT_EQ(fired.size(), offsets.size());
  EXPECT_TRUE(std::is_sorted(fired.begin(), fired.end()));
  std::sort(offsets.begin(), offsets.end());
  EXPECT_EQ(fired, offsets);
}

TEST_F(EventOrderTest, HeapStaysOrderedUnderRandomCancelAndRetime) {
  constexpr int kCount = 20'000;
  std::mt19937_64 rng(7);
  std::vector<std::int64_t> due(kCount);
  std::vector<TaskHandle> hs(kCount);
  std::vector<std::int64_t> fired;
  for (int i = 0; i < kCount; ++i) {
    due[i] = static_cast<std::int64_t>(rng() % 100'000);
    hs[i] = loop.add_timer(std::chrono::microseconds(due[i]), [&fired, &due, i] { fired.push_back(due[i]); });
  }
  for (int i = 0; i < kCount; i += 3) hs[i].cancel();
  for (int i = 1; i < kCount; i += 3) {
    due[i] = static_cast<std::int64_t>(rng() % 100'000);
    ASSERT_TRUE(loop.retime(hs[i], clock.now() + std::chrono::microseconds(due[i])));
  }
  clock.advance(1s);
  loop.run_until_idle();
  EXPECT_EQ(fired.size(), static_cast<std::size_t>(kCount - (kCount + 2) / 3));
  EXPECT_TRUE(std::is_sorted(fired.begin(), fired.end()));
}

TEST_F(EventOrderTest, RetimeMovesATimerBothWays) {
  int fired = 0;
  auto h = loop.add_timer(10ms, [&] { ++fired; });
  ASSERT_TRUE(loop.retime(h, clock.now() + 50ms));  // the VRRP pattern: push it forward
  clock.advance(20ms);
  loop.run_until_idle();
  EXPECT_EQ(fired, 0);
  ASSERT_TRUE(loop.retime_after(h, 1ms));  // pull it in (relative to the last poll step)
  clock.advance(1ms);
  loop.run_until_idle();
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(h.active());
  EXPECT_FALSE(loop.retime(h, clock.now()));  // finished tasks cannot be retimed
}

TEST_F(EventOrderTest, RetimeToNeverParksATimer) {
  int fired = 0;
  auto h = loop.add_timer(1ms, [&] { ++fired; });
  ASSERT_TRUE(loop.retime(h, TimePoint::max()));
  clock.advance(1h);
  loop.run_until_idle();
  EXPECT_EQ(fired, 0);
  EXPECT_TRUE(h.active());
}

TEST_F(EventOrderTest, RetimeWithEqualDeadlinesCountsAsReAdded) {
  auto a = loop.add_timer(5ms, note("a"));
  auto b = loop.add_timer(5ms, note("b"));
  ASSERT_TRUE(loop.retime(a, clock.now() + 5ms));
  clock.advance(5ms);
  loop.run_until_idle();
  EXPECT_EQ(seen, (std::vector<std::string>{"b", "a"}));
}

TEST_F(EventOrderTest, DestroyingAHandleCancels) {
  {
    auto h = loop.add_timer(1ms, note("gone"));
    auto e = loop.add_event(note("gone too"));
  }
  clock.advance(1s);
  EXPECT_EQ(loop.run_until_idle(), 0u);
  EXPECT_TRUE(seen.empty());
}

TEST_F(EventOrderTest, MoveAssignmentCancelsTheOldTaskAndKeepsTheNew) {
  auto h = loop.add_timer(1ms, note("old"));
  h = loop.add_timer(2ms, note("new"));
  TaskHandle moved = std::move(h);
  EXPECT_FALSE(h.active());  // NOLINT(bugprone-use-after-move): moved-from handles are empty
  EXPECT_TRUE(moved.active());
  clock.advance(5ms);
  loop.run_until_idle();
  EXPECT_EQ(seen, (std::vector<std::string>{"new"}));
}

TEST_F(EventOrderTest, ReleasedTaskStillRuns) {
  auto h = loop.add_timer(1ms, note("released"));
  h.release();
  EXPECT_FALSE(h.active());
  clock.advance(1ms);
  loop.run_until_idle();
  EXPECT_EQ(seen, (std::vector<std::string>{"released"}));
}

TEST_F(EventOrderTest, CancelSelfInsideCallback) {
  TaskHandle self;
  int runs = 0;
  self = loop.add_timer(1ms, [&] {
    ++runs;
    self.cancel();
    EXPECT_FALSE(self.active());
  });
  clock.advance(1ms);
  loop.run_until_idle();
  EXPECT_EQ(runs, 1);
}

TEST_F(EventOrderTest, CancelAnotherTaskAlreadyInTheReadyQueue) {
  TaskHandle second;
  auto first = loop.add_timer(1ms, [&] {
    seen.push_back("first");
    second.cancel();  // it expired in the same poll step: it is queued, and must not run
  });
  second = loop.add_timer(1ms, note("second"));
  auto third = loop.add_timer(1ms, note("third"));
  clock.advance(1ms);
  loop.run_until_idle();
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "third"}));
}

TEST_F(EventOrderTest, CancelAQueuedEventFromAnEvent) {
  TaskHandle b;
  auto a = loop.add_event([&] {
    seen.push_back("a");
    b.cancel();
  });
  b = loop.add_event(note("b"));
  loop.run_until_idle();
  EXPECT_EQ(seen, (std::vector<std::string>{"a"}));
}

TEST_F(EventOrderTest, CallbackCanRescheduleItselfThroughItsHandle) {
  TaskHandle h;
  int runs = 0;
  struct Tick {
    Loop* loop;
    TaskHandle* h;
    int* runs;
    void operator()() const {
      if (++*runs < 3) *h = loop->add_timer(10ms, *this);
    }
  };
  h = loop.add_timer(10ms, Tick{&loop, &h, &runs});
  for (int i = 0; i < 5; ++i) {
    clock.advance(10ms);
    loop.run_until_idle();
  }
  EXPECT_EQ(runs, 3);
  EXPECT_FALSE(h.active());
}

TEST_F(EventOrderTest, TerminateEndsRunWithItsCode) {
  auto t = loop.add_timer(0s, [&] { loop.terminate(42); });
  EXPECT_EQ(loop.run(), 42);
  EXPECT_TRUE(loop.finished());
}

TEST_F(EventOrderTest, LateTimerIsCountedAndLoggedOnce) {
  std::vector<std::string> logged;
  std::vector<Duration> lates;
  Loop l(clock, {.late_threshold = 1s,
                 .log = [&](Severity, std::string_view m) { logged.emplace_back(m); },
                 .on_late_timer = [&](Duration d) { lates.push_back(d); }});
  auto a = l.add_timer(10ms, [] {});
  auto b = l.add_timer(20ms, [] {});
  clock.advance(10ms + 1500ms);
  l.run_until_idle();
  EXPECT_EQ(l.stats().late_timers, 1u);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0], "A thread timer expired 1.500000 seconds ago");
  ASSERT_EQ(lates.size(), 1u);
  EXPECT_EQ(lates[0], 1500ms);
  auto c = l.add_timer(10ms, [] {});
  clock.advance(500ms);  // late, but under the threshold
  l.run_until_idle();
  EXPECT_EQ(l.stats().late_timers, 1u);
}

TEST_F(EventOrderTest, DoubleReadOnOneFdIsRefused) {
  std::vector<std::string> logged;
  Loop l(clock, {.log = [&](Severity, std::string_view m) { logged.emplace_back(m); }});
  auto a = l.add_read(0, [] {});
  auto b = l.add_read(0, [] {});
  EXPECT_TRUE(a.active());
  EXPECT_FALSE(b.active());
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_NE(logged[0].find("already has a read task"), std::string::npos);
}

// epoll_wait failure path: an injected epoll_wait that always fails.
int failing_epoll_wait(int, epoll_event*, int, int) {
  errno = EBADF;
  return -1;
}

TEST_F(EventOrderTest, FiveIdenticalEpollErrorsEndTheLoopWithProgramError) {
  std::vector<std::string> logged;
  Loop l(clock, {.log = [&](Severity, std::string_view m) { logged.emplace_back(m); },
                 .epoll_wait = &failing_epoll_wait,
                 .epoll_error_backoff = Duration::zero()});
  EXPECT_EQ(l.run(), kExitProgramError);
  EXPECT_EQ(l.stats().epoll_errors, 5u);
  ASSERT_EQ(logged.size(), 2u);  // the error once, then the give-up line
  EXPECT_NE(logged[0].find("Bad file descriptor"), std::string::npos);
}

int eintr_count = 0;
int eintr_then_ok(int epfd, epoll_event* ev, int max, int timeout) {
  if (eintr_count++ < 3) {
    errno = EINTR;
    return -1;
  }
  return ::epoll_wait(epfd, ev, max, timeout);
}

TEST_F(EventOrderTest, EintrIsRetriedSilently) {
  eintr_count = 0;
  Loop l(clock, {.epoll_wait = &eintr_then_ok});
  int fired = 0;
  auto h = l.add_timer(1ms, [&] { ++fired; });
  clock.advance(1ms);
  l.run_until_idle();
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(l.stats().epoll_errors, 0u);
  EXPECT_GE(eintr_count, 4);
}

}  // namespace
}  // namespace vigil::event
