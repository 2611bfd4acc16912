// Steady state allocates nothing: this binary replaces global operator new/delete with counting
// versions, warms a loop up, then counts allocations while scheduling, retiming, firing and
// cancelling timers, fd tasks, events, signals and child watches (a real fork per round).
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <vector>

#include "event/loop.h"
#include "counting_new.h"

namespace vigil::event {
namespace {

using namespace std::chrono_literals;

struct Workload {
  Loop& loop;
  ManualClock& clock;
  int sv[2];
  std::vector<TaskHandle> timers;
  TaskHandle reader, writer, event, sig, child;
  long fired = 0;

  // One round: 200 timers added, half retimed, a quarter cancelled, the rest fired; a persistent
  // read retimed from its callback; one-shot write re-added; an event; a signal.
  void round() {
    for (std::size_t i = 0; i < timers.size(); ++i) {
      timers[i] = loop.add_timer(std::chrono::milliseconds(1 + i % 17), [this] { ++fired; });
    }
    for (std::size_t i = 0; i < timers.size(); i += 2) loop.retime_after(timers[i], 30ms);
    for (std::size_t i = 1; i < timers.size(); i += 4) timers[i].cancel();
    writer = loop.add_write(sv[0], [this](const Fired& f) {
      fired += f.ok();
      char c = 'x';
      (void)::write(sv[0], &c, 1);
    });
    event = loop.add_event([this] { ++fired; });
    ::raise(SIGUSR1);
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    child = loop.add_child(pid, [this](const Fired& f) { fired += f.exited_normally(); }, 1s);
    siginfo_t info{};
    ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);  // exited, not reaped
    clock.advance(40ms);
    loop.run_until_idle();
  }
};

TEST(EventAllocTest, SteadyStateSchedulingRetimingFiringAndCancellingAllocateNothing) {
  ManualClock clock;
  Loop loop(clock);
  Workload w{loop, clock, {-1, -1}, {}, {}, {}, {}, {}, {}, 0};
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, w.sv), 0);
  w.timers.resize(200);
  w.reader = loop.add_read(w.sv[1], [&w](const Fired& f) {
    char buf[64];
    while (::read(f.fd, buf, sizeof buf) > 0) {
    }
    w.loop.retime_after(w.reader, 3s);
    ++w.fired;
  }, 3s, {.persistent = true});
  w.sig = loop.add_signal(SIGUSR1, [&w] { ++w.fired; });

  for (int i = 0; i < 3; ++i) w.round();  // warm-up: pool, heap, fd table, epoll buffers grow
  const long fired_before = w.fired;
  const long before = vigil::testing::allocations();
  for (int i = 0; i < 100; ++i) w.round();
  const long after = vigil::testing::allocations();
  EXPECT_EQ(after - before, 0) << "allocations in steady state";
  // 150 timers + write + read + event + signal + child per round actually ran.
  EXPECT_EQ(w.fired - fired_before, 100L * (150 + 5));

  // The counter itself works: a vector push does allocate.
  std::vector<int> v;
  v.push_back(1);
  EXPECT_GT(vigil::testing::allocations(), after);
  close(w.sv[0]);
  close(w.sv[1]);
}

}  // namespace
}  // namespace vigil::event
