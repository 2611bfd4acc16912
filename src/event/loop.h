// event/loop.h — vigil's single-threaded event scheduler (keepalived's lib/scheduler.c, redone).
//
// One epoll instance, one CLOCK_MONOTONIC timerfd armed to the earliest deadline (timers, fd
// timeouts, child timeouts), one signalfd for every handled signal. Callbacks run one at a time
// on the caller's thread, never in signal context. Every add_* returns a move-only TaskHandle;
// destroying the handle cancels the task.
//
// Usage (the daemon):
//
//   using namespace vigil::event;
//   using namespace std::chrono_literals;
//   MonotonicClock clock;
//   Loop loop(clock, {.log = [](Severity, std::string_view m) { log_line(m); }});
//
//   TaskHandle sock = loop.add_read(fd, [&](const Fired& f) {
//     if (f.timed_out()) { /* master-down timer */ } else if (f.ok()) { /* recvmsg loop */ }
//   }, 3s, {.persistent = true});          // stays registered; loop.retime(sock, t) on every advert
//   TaskHandle tick = loop.add_timer(1s, [&] { send_advert(); });
//   TaskHandle term = loop.add_signal(SIGTERM, [&] {
//     loop.start_terminate([&] { release_vips(); /* add_shutdown_timer(1s, ...) to linger */ });
//   });
//   pid_t pid = spawn_script();
//   TaskHandle script = loop.add_child(pid, [&](const Fired& f) {
//     if (f.timed_out()) { kill(-pid, SIGTERM); /* re-watch with add_child(pid, ..., 2s) */ }
//     else record(f.exit_code());
//   }, 5s);
//   return loop.run();                      // exit code: terminate(code), or start_terminate's
//
// Usage (tests, no sleeping): build the loop on a ManualClock, then
//   clock.advance(1s); loop.run_until_idle();   // fires exactly what is due, through the same queues
//
// Dispatch order (keepalived §2.3): the event queue first, then the ready queue, then one poll
// step. A poll step reads the clock, moves every expired deadline to the ready queue in
// (deadline, insertion) order, then the fds epoll reports ready, then the signals read from the
// signalfd (reaping children on SIGCHLD). Because the queues are re-read after every callback,
// events added by a callback run before the rest of the ready queue. A read task whose timeout
// and data come due in the same poll step is told `timed_out` first; the data (level-triggered)
// is reported at the next step.
//
// Time: relative durations given to add_* / retime_after are measured from clock.now() at the
// call. Loop::now() is the clock reading of the last poll step (keepalived's cached time_now).
//
// Task kinds:
//  * add_read / add_write: one read and one write task per fd (a second is refused, logged, and
//    returns an inactive handle: cancel the old one first). One-shot by default, like keepalived:
//    after it fires, re-add it. {.persistent = true} keeps it registered after `ready` (a timeout,
//    once fired, is gone until retime(); error/hangup end it). Callback reason: ready, timed_out,
//    error (EPOLLERR, or the fd cannot be watched: bad fd, regular file), hangup (EPOLLHUP). On
//    error/hangup the read task is told; the write task only if there is no read task.
//    Prefer persistent tasks for sockets read on every packet: a one-shot task re-added from its
//    callback costs an epoll_ctl(MOD) per wake-up, because the fd may have been closed and its
//    number reused in between, and only the kernel can tell.
//    {.close_on_destroy = true}: the loop closes the fd if the task ends without its callback
//    running (cancelled, dropped at shutdown, loop destroyed). Close an fd only after cancelling
//    its tasks (or via close_on_destroy).
//  * add_timer / add_timer_at: one-shot; re-add (or retime before it fires) to repeat.
//  * add_shutdown_timer: a timer that still runs in shutting-down mode and keeps the loop alive.
//  * add_child(pid, cb, timeout): reason exited (status = waitpid status) or timed_out. Children
//    are reaped with waitpid(-1, WNOHANG) on SIGCHLD, or at a wake-up due within
//    Options::child_reap_slack; unknown pids are reaped and ignored. After a timeout the task
//    is finished: re-watch the pid (typically after kill()) to learn its exit.
//    An exit reaped while the timeout is still queued is delivered as `exited` instead.
//  * add_event: runs before anything ready.
//  * add_signal(signo, cb): runs for every arrival (persistent) until the handle is destroyed.
//    One handler per signal. The signal stays blocked while the loop lives.
//  * start_terminate(cb, code): cb runs, then the loop is "shutting down": only the timerfd, the
//    signalfd (signal tasks), child tasks, shutdown timers and terminate still run; every other
//    task that comes up is dropped. run() returns `code` once no child and no shutdown timer is
//    left. terminate(code) ends run() with code at its turn in the event queue.
//
// Cancel: TaskHandle::cancel() (or destroying the handle) from anywhere, including callbacks;
// a task already in the ready queue is unlinked and does not run.
//
// Late timers: a deadline handled more than Options::late_threshold after it was due is counted
// (stats().late_timers) and logged once per poll step ("A thread timer expired X.XXXXXX seconds ago").
//
// epoll_wait failure: EINTR is retried; other errors are logged; 5 identical errors in a row end
// run() with kExitProgramError (70, keepalived's "program error": the parent respawns).
//
// Allocation: task records come from a free pool, deadlines sit in an intrusive heap, callbacks
// are InplaceFunction (no heap). Once warmed up (or after reserve()), adding, retiming, firing and
// cancelling tasks allocate nothing.
//
// fork(): a Loop is not shared across processes. In a forked child that keeps running C++ code,
// call close_after_fork() on the inherited loop (closes its epoll/timer/signal fds and the fds of
// close_on_destroy tasks, drops every task without running it or touching the parent's epoll
// registrations), then build a fresh Loop and never return into the old one's run(). Destroying a
// Loop is also fork-safe (no epoll_ctl, no waitpid), so in a child outside any callback simply
// destroy it and construct a new one. A child that execs should call unblock_signals_for_exec()
// first (the loop's signals are blocked, and an exec'd program inherits the mask).
//
// Callbacks must not throw: the loop does not catch, and a task whose callback threw is left
// half-run (the error policy is to crash and let the parent respawn).
//
// Not thread-safe: one loop per thread, all calls on that thread.
#pragma once

#include <sys/epoll.h>
#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "event/clock.h"
#include "event/fd_table.h"
#include "event/fired.h"
#include "event/handle.h"
#include "event/ready_queue.h"
#include "event/signals.h"
#include "event/task.h"
#include "event/task_pool.h"
#include "event/timer_heap.h"

namespace vigil::event {

inline constexpr int kExitProgramError = 70;  // keepalived KEEPALIVED_EXIT_PROGRAM_ERROR

enum class Severity : std::uint8_t { debug, info, warning, error };
using LogSink = std::function<void(Severity, std::string_view)>;
// Test hook with epoll_wait's signature.
using EpollWaitFn = int (*)(int epfd, epoll_event* events, int max_events, int timeout_ms);

struct Options {
  Duration late_threshold = std::chrono::seconds(1);  // keepalived min_auto_priority_delay
  LogSink log{};                                      // optional; no global logger
  std::function<void(Duration late)> on_late_timer{};  // optional (VRRP: timer_expired_backup)
  EpollWaitFn epoll_wait = nullptr;                   // nullptr = ::epoll_wait
  Duration epoll_error_backoff = std::chrono::seconds(1);  // after EBADF/EFAULT/EINVAL
  int max_events = 256;                               // epoll_event batch size
  // While children are watched and the next deadline is at most this far off, SIGCHLD does not
  // wake the loop: children are reaped at that (or any earlier) wake-up instead. 0 = every
  // SIGCHLD wakes the loop. Bounds the delay of an exit report; saves one wake-up per exit when
  // script timers are due anyway (500 scripts a second: see track/script_runner.cc).
  Duration child_reap_slack = std::chrono::milliseconds(25);
};

struct FdOptions {
  bool persistent = false;        // stay registered after firing `ready`
  bool close_on_destroy = false;  // close the fd if the task ends without its callback running
};

struct Stats {
  std::uint64_t dispatched = 0;    // callbacks run
  std::uint64_t dropped = 0;       // tasks discarded in shutting-down mode
  std::uint64_t late_timers = 0;   // poll steps whose earliest expired deadline was late
  std::uint64_t epoll_errors = 0;  // epoll_wait failures other than EINTR
  std::uint64_t spurious_fd = 0;   // epoll reports for an fd with no matching task
};

class Loop {
 public:
  explicit Loop(Clock& clock, Options options = {});  // throws std::system_error on fd failure
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  [[nodiscard]] TaskHandle add_read(int fd, Callback cb, std::optional<Duration> timeout = {},
                                    FdOptions opts = {});
  [[nodiscard]] TaskHandle add_write(int fd, Callback cb, std::optional<Duration> timeout = {},
                                     FdOptions opts = {});
  [[nodiscard]] TaskHandle add_timer(Duration after, Callback cb);
  [[nodiscard]] TaskHandle add_timer_at(TimePoint deadline, Callback cb);
  [[nodiscard]] TaskHandle add_shutdown_timer(Duration after, Callback cb);
  [[nodiscard]] TaskHandle add_child(pid_t pid, Callback cb, std::optional<Duration> timeout = {});
  [[nodiscard]] TaskHandle add_event(Callback cb);
  [[nodiscard]] TaskHandle add_signal(int signo, Callback cb);

  // Queues the start of shutdown (see above). Not cancellable.
  void start_terminate(Callback cb, int exit_code = 0);
  // Queues the end of run() with exit_code. Not cancellable.
  void terminate(int exit_code);

  // Moves a pending task's deadline without reallocating: a timer's expiry, a read/write/child
  // task's timeout (TimePoint::max() removes the timeout). Works on a persistent fd task from
  // inside its own callback. False if the handle is inactive or the task is not waiting (queued,
  // or a one-shot task already running).
  bool retime(TaskHandle& handle, TimePoint deadline);
  bool retime_after(TaskHandle& handle, Duration after) {
    return retime(handle, clock_.now() + after);
  }

  // Runs until terminate, or until shutdown completes. Returns the exit code.
  int run();
  // One iteration: if nothing is queued, one poll step (blocking in epoll_wait if `block` and
  // nothing is due); then dispatches at most one task. True if a task was dispatched or dropped.
  bool run_once(bool block);
  // run_once(false) until nothing is due or the loop finished; returns the tasks dispatched.
  std::size_t run_until_idle();

  // True when the last run()/run_once() ended the loop (terminate, shutdown done, epoll failure).
  bool finished() const { return finished_; }
  bool shutting_down() const { return shutting_down_; }
  int exit_code() const { return exit_code_; }

  // The clock reading of the last poll step (keepalived's cached time_now).
  TimePoint now() const { return TimePoint(Duration(now_)); }
  Clock& clock() const { return clock_; }
  // True if another task is queued to run, or a deadline falls at or before `t` (background work
  // such as GARP batches asks before taking more time). Ready fds are not seen before a poll.
  bool has_work_before(TimePoint t) {
    return !events_.empty() || !ready_.empty() || heap_.top_deadline() <= t.time_since_epoch().count();
  }
  // The earliest pending deadline (TimePoint::max() if none); tasks already queued are not in it.
  TimePoint next_deadline() const {
    const std::int64_t d = heap_.top_deadline();
    return d == detail::kNever ? TimePoint::max() : TimePoint(Duration(d));
  }
  const Stats& stats() const { return stats_; }
  std::size_t pool_capacity() const { return pool_.capacity(); }

  // Preallocates task records, heap entries and fd slots.
  void reserve(std::size_t tasks, std::size_t fds = 0);

  // See "fork()" above.
  void close_after_fork();
  static void unblock_signals_for_exec() { detail::SignalFd::unblock_all_for_exec(); }

 private:
  friend class TaskHandle;
  using Task = detail::Task;

  Task* make(detail::Kind kind, Callback&& cb);
  TaskHandle own(Task* t) { return TaskHandle(this, t); }
  TaskHandle add_fd(detail::Kind kind, int fd, Callback&& cb, std::optional<Duration> timeout,
                    FdOptions opts);
  TaskHandle add_deadline(detail::Kind kind, std::int64_t deadline, Callback&& cb);

  void cancel(Task* t);
  void detach(Task* t);   // out of fd table / heap / child list / signal table / counters
  void recycle(Task* t);  // back to the pool; clears the owner's pointer
  void end_unrun(Task* t);  // detach + close fd if flagged + recycle

  void poll(bool block);
  void expire(std::int64_t now);
  void on_fd_event(int fd, std::uint32_t events);
  void fail_fd(int fd, int error);
  void read_signals();
  void reap_children();
  void unlink_child(Task* t);
  void pace_sigchld(std::int64_t next, std::int64_t now);  // before a blocking wait
  void arm_timerfd(std::int64_t deadline, std::int64_t now);
  void handle_epoll_error(int error);
  void dispatch(Task* t);
  void check_shutdown_done();
  void make_ready(Task* t, Reason reason);
  void log(Severity s, std::string_view msg) const;

  Clock& clock_;
  Options options_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  detail::SignalFd signals_;
  detail::TaskPool pool_;
  detail::TimerHeap heap_;
  detail::FdTable fds_;
  detail::TaskList events_;
  detail::ReadyQueue ready_;
  Task* children_ = nullptr;  // intrusive list via child_prev/child_next
  std::size_t child_count_ = 0;
  std::size_t shutdown_timers_ = 0;
  std::array<Task*, 65> signal_tasks_{};  // by signo (1.._NSIG-1)
  std::vector<epoll_event> epoll_events_;
  std::uint32_t next_seq_ = 0;
  std::int64_t now_ = 0;
  std::int64_t armed_ = detail::kNever;  // deadline the timerfd is armed for
  int last_epoll_error_ = 0;
  int same_epoll_errors_ = 0;
  bool reap_pending_ = false;
  bool sigchld_muted_ = false;  // SIGCHLD out of the signalfd: reap on every poll step
  bool shutting_down_ = false;
  bool finished_ = false;
  int exit_code_ = 0;
  int shutdown_exit_code_ = 0;
  bool closed_after_fork_ = false;
  Stats stats_;
};

}  // namespace vigil::event
