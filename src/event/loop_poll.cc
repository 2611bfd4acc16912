// event/loop_poll.cc — Loop: the poll step (keepalived §2.3 step 3). Brings epoll up to date,
// arms the timerfd for the earliest deadline, waits, then queues what is due: expired deadlines
// first (in deadline, insertion order), then ready fds, then signals and reaped children.
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "event/loop.h"
#include "event/loop_tags.h"

namespace vigil::event {

using detail::Kind;
using detail::kSignalTag;
using detail::kTimerTag;
using detail::kNever;
using detail::State;
using detail::Task;

void Loop::poll(bool block) {
  fds_.sync(epoll_fd_);
  if (!fds_.failed().empty()) {
    for (const auto& f : fds_.failed()) fail_fd(f.fd, f.error);
    fds_.failed().clear();
  }
  int timeout_ms = 0;
  if (block && ready_.empty() && !reap_pending_) {
    const std::int64_t next = heap_.top_deadline();
    if (next == kNever) {
      pace_sigchld(next, 0);
      timeout_ms = -1;  // nothing timed: no need to read the clock before waiting
    } else if (const std::int64_t before = clock_.now().time_since_epoch().count(); next > before) {
      pace_sigchld(next, before);
      arm_timerfd(next, before);
      timeout_ms = -1;
    }
  }
  int n = 0;
  for (;;) {
    n = options_.epoll_wait(epoll_fd_, epoll_events_.data(), options_.max_events, timeout_ms);
    if (n >= 0 || errno != EINTR) break;
  }
  if (n < 0) {
    handle_epoll_error(errno);
    return;
  }
  same_epoll_errors_ = 0;
  last_epoll_error_ = 0;

  now_ = clock_.now().time_since_epoch().count();
  expire(now_);
  bool signals = false;
  for (int i = 0; i < n; ++i) {
    const epoll_event& ev = epoll_events_[static_cast<std::size_t>(i)];
    if (ev.data.u64 == kTimerTag) {
      std::uint64_t ticks = 0;
      [[maybe_unused]] const ssize_t r = ::read(timer_fd_, &ticks, sizeof ticks);
      armed_ = kNever;
    } else if (ev.data.u64 == kSignalTag) {
      signals = true;
    } else {
      on_fd_event(static_cast<int>(ev.data.u64), ev.events);
    }
  }
  if (sigchld_muted_) reap_pending_ = true;
  if (signals || reap_pending_) read_signals();
}

void Loop::arm_timerfd(std::int64_t deadline, std::int64_t now) {
  if (deadline == armed_) return;
  itimerspec spec{};
  int flags = 0;
  std::int64_t when = deadline;
  if (clock_.is_kernel_monotonic()) {
    flags = TFD_TIMER_ABSTIME;
  } else {
    when = deadline - now;  // a foreign clock: arm for the same distance of real time
  }
  spec.it_value.tv_sec = static_cast<time_t>(when / 1'000'000'000);
  spec.it_value.tv_nsec = static_cast<long>(when % 1'000'000'000);
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  timerfd_settime(timer_fd_, flags, &spec, nullptr);
  armed_ = deadline;
}

void Loop::expire(std::int64_t now) {
  if (heap_.top_deadline() > now) return;
  const std::int64_t late = now - heap_.top_deadline();
  if (late > options_.late_threshold.count()) {
    ++stats_.late_timers;
    char msg[80];
    std::snprintf(msg, sizeof msg, "A thread timer expired %lld.%06lld seconds ago",
                  static_cast<long long>(late / 1'000'000'000),
                  static_cast<long long>((late % 1'000'000'000) / 1000));
    log(Severity::warning, msg);
    if (options_.on_late_timer) options_.on_late_timer(Duration(late));
  }
  while (heap_.top_deadline() <= now) {
    std::int64_t when = 0;
    Task* t = heap_.pop(&when);
    t->deadline = when;
    switch (t->kind) {
      case Kind::timer:
      case Kind::shutdown_timer:
        make_ready(t, Reason::timer);
        break;
      case Kind::read:
      case Kind::write:
        if (!t->persistent) {
          auto& slot = fds_.slot(t->fd);
          (t->kind == Kind::read ? slot.read : slot.write) = nullptr;
          fds_.touch(t->fd);
        }
        make_ready(t, Reason::timed_out);
        break;
      case Kind::child:
        make_ready(t, Reason::timed_out);  // stays in the child list until dispatched
        break;
      default:
        make_ready(t, Reason::timer);
        break;
    }
  }
}

void Loop::on_fd_event(int fd, std::uint32_t events) {
  auto* slot = fds_.find(fd);
  if (slot == nullptr) {
    ++stats_.spurious_fd;
    return;
  }
  Task* r = slot->read != nullptr && slot->read->state == State::pending ? slot->read : nullptr;
  Task* w = slot->write != nullptr && slot->write->state == State::pending ? slot->write : nullptr;
  if (r == nullptr && w == nullptr) {
    if (slot->read == nullptr && slot->write == nullptr) {
      // Registered in the kernel but wanted by nobody (e.g. a dup of a closed fd): drop it.
      ++stats_.spurious_fd;
      if (slot->registered == 0) slot->registered = EPOLLIN;
      fds_.touch(fd);
    }
    return;  // otherwise its tasks are queued already; level-triggered epoll will report again
  }
  auto fire = [&](Task* t, Reason reason) {
    const bool ends = !t->persistent || reason != Reason::ready;
    if (ends) {
      if (t->in_heap()) heap_.erase(t);
      (t->kind == Kind::read ? slot->read : slot->write) = nullptr;
      fds_.touch(fd);
    }
    make_ready(t, reason);
  };
  if ((events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0) {
    fire(r != nullptr ? r : w, (events & EPOLLERR) != 0 ? Reason::error : Reason::hangup);
    return;
  }
  if ((events & EPOLLIN) != 0 && r != nullptr) fire(r, Reason::ready);
  if ((events & EPOLLOUT) != 0 && w != nullptr) fire(w, Reason::ready);
}

void Loop::fail_fd(int fd, int error) {
  char msg[96];
  std::snprintf(msg, sizeof msg, "scheduler: cannot watch fd %d: %s", fd, std::strerror(error));
  log(Severity::error, msg);
  auto& slot = fds_.slot(fd);
  for (Task* t : {slot.read, slot.write}) {
    if (t == nullptr || t->state != State::pending) continue;
    if (t->in_heap()) heap_.erase(t);
    make_ready(t, Reason::error);
  }
  slot.read = slot.write = nullptr;
  slot.registered = 0;
}

void Loop::handle_epoll_error(int error) {
  ++stats_.epoll_errors;
  if (error == last_epoll_error_) {
    ++same_epoll_errors_;
  } else {
    last_epoll_error_ = error;
    same_epoll_errors_ = 1;
    char msg[96];
    std::snprintf(msg, sizeof msg, "scheduler: epoll_wait error: %s", std::strerror(error));
    log(Severity::error, msg);
  }
  if (same_epoll_errors_ >= 5) {
    log(Severity::error, "scheduler: epoll_wait failed 5 times in a row, exiting");
    finished_ = true;
    exit_code_ = kExitProgramError;
    return;
  }
  if ((error == EBADF || error == EFAULT || error == EINVAL) &&
      options_.epoll_error_backoff > Duration::zero()) {
    const auto n = options_.epoll_error_backoff.count();
    const timespec ts{static_cast<time_t>(n / 1'000'000'000), static_cast<long>(n % 1'000'000'000)};
    nanosleep(&ts, nullptr);
  }
}

}  // namespace vigil::event
