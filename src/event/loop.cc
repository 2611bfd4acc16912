// event/loop.cc — Loop: construction, the poll step and dispatch (keepalived §2.3 and §2.5).
#include "event/loop.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <system_error>

namespace vigil::event {

using detail::Kind;
using detail::kNever;
using detail::State;
using detail::Task;

namespace {

// epoll data tags for the loop's own fds; user fds are tagged with their (non-negative) number.
constexpr std::uint64_t kTimerTag = 1ULL << 40;
constexpr std::uint64_t kSignalTag = 2ULL << 40;

int add_internal(int epoll_fd, int fd, std::uint64_t tag) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag;
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

bool runs_while_shutting_down(Kind k) {
  return k == Kind::child || k == Kind::shutdown_timer || k == Kind::terminate || k == Kind::signal;
}

TimePoint to_time(std::int64_t ns) {
  return ns == kNever ? TimePoint{} : TimePoint(Duration(ns));
}

}  // namespace

Loop::Loop(Clock& clock, Options options) : clock_(clock), options_(std::move(options)) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ < 0 || add_internal(epoll_fd_, timer_fd_, kTimerTag) != 0 ||
      add_internal(epoll_fd_, signals_.fd(), kSignalTag) != 0) {
    const int err = errno;
    if (timer_fd_ >= 0) ::close(timer_fd_);
    ::close(epoll_fd_);
    throw std::system_error(err, std::generic_category(), "scheduler timerfd");
  }
  if (options_.epoll_wait == nullptr) options_.epoll_wait = &::epoll_wait;
  if (options_.max_events < 1) options_.max_events = 1;
  epoll_events_.resize(static_cast<std::size_t>(options_.max_events));
  now_ = clock_.now().time_since_epoch().count();
}

Loop::~Loop() {
  // Handles first, so a callback capture destroyed below cannot reach back into the loop.
  pool_.for_each_live([](Task& t) {
    if (t.owner != nullptr) {
      t.owner->task_ = nullptr;
      t.owner = nullptr;
    }
  });
  pool_.for_each_live([this](Task& t) {
    if ((t.kind == Kind::read || t.kind == Kind::write) && t.close_fd && t.fd >= 0 &&
        !closed_after_fork_) {
      ::close(t.fd);
    }
    t.state = State::free;  // never touched again, whatever a capture destructor does
    t.callback.reset();
  });
  if (!closed_after_fork_) {
    ::close(timer_fd_);
    ::close(epoll_fd_);
  }
}

void Loop::close_after_fork() {
  // We may be inside one of this loop's callbacks: close kernel objects and detach handles, but
  // destroy no callback (the running one is on the stack) and touch no shared epoll registration.
  if (closed_after_fork_) return;
  pool_.for_each_live([](Task& t) {
    if (t.owner != nullptr) {
      t.owner->task_ = nullptr;
      t.owner = nullptr;
    }
    if ((t.kind == Kind::read || t.kind == Kind::write) && t.close_fd && t.fd >= 0) ::close(t.fd);
  });
  ::close(timer_fd_);
  ::close(epoll_fd_);
  signals_.close_fd();
  closed_after_fork_ = true;
  finished_ = true;
}

void Loop::log(Severity s, std::string_view msg) const {
  if (options_.log) options_.log(s, msg);
}

int Loop::run() {
  if (closed_after_fork_) return kExitProgramError;
  do {
    run_once(true);
  } while (!finished_);
  return exit_code_;
}

std::size_t Loop::run_until_idle() {
  std::size_t n = 0;
  while (run_once(false)) {
    ++n;
    if (finished_) break;
  }
  return n;
}

bool Loop::run_once(bool block) {
  if (closed_after_fork_) return false;
  finished_ = false;  // "finished" describes the last run; a new iteration starts afresh
  Task* t = events_.pop_front();
  if (t == nullptr) t = ready_.pop_front();
  if (t == nullptr) {
    poll(block);
    if (finished_) return false;
    t = events_.pop_front();
    if (t == nullptr) t = ready_.pop_front();
    if (t == nullptr) return false;
  }
  // Records in the ready queue are scattered over the pool: start loading one a few places
  // ahead while this one runs.
  ready_.prefetch(4);
  dispatch(t);
  return true;
}

void Loop::make_ready(Task* t, Reason reason) {
  t->reason = reason;
  t->state = State::queued;
  ready_.push_back(t);
}

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
      timeout_ms = -1;  // nothing timed: no need to read the clock before waiting
    } else if (const std::int64_t before = clock_.now().time_since_epoch().count(); next > before) {
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

void Loop::dispatch(Task* t) {
  if (t->kind == Kind::child) unlink_child(t);
  if (t->kind == Kind::shutdown_timer) --shutdown_timers_;
  const Kind kind = t->kind;
  if (shutting_down_ && !runs_while_shutting_down(kind)) {
    ++stats_.dropped;
    t->state = State::running;
    end_unrun(t);
    check_shutdown_done();
    return;
  }
  t->state = State::running;
  if (kind == Kind::terminate) {
    finished_ = true;
    exit_code_ = t->fd;
    recycle(t);
    return;
  }
  Fired f;
  f.reason = t->reason;
  switch (kind) {
    case Kind::read:
    case Kind::write:
      f.fd = t->fd;
      if (t->reason == Reason::timed_out) f.deadline = to_time(t->deadline);
      break;
    case Kind::child:
      f.pid = static_cast<pid_t>(t->fd);
      f.status = t->status;
      if (t->reason == Reason::timed_out) f.deadline = to_time(t->deadline);
      break;
    case Kind::signal:
      f.signo = t->fd;
      f.sender = static_cast<pid_t>(t->status);
      break;
    case Kind::timer:
    case Kind::shutdown_timer:
      f.deadline = to_time(t->deadline);
      break;
    default:
      break;
  }
  ++stats_.dispatched;
  if (t->callback) t->callback(f);
  if (kind == Kind::terminate_start) {
    shutting_down_ = true;
    shutdown_exit_code_ = t->fd;
  }
  bool keep = false;
  if (!t->cancelled) {
    if (kind == Kind::signal) {
      keep = signal_tasks_[static_cast<std::size_t>(t->fd)] == t;
    } else if ((kind == Kind::read || kind == Kind::write) && t->persistent) {
      auto* slot = fds_.find(t->fd);
      keep = slot != nullptr && (slot->read == t || slot->write == t);
    }
  }
  if (keep) {
    t->state = State::pending;
  } else {
    if (!t->cancelled) detach(t);
    recycle(t);
  }
  check_shutdown_done();
}

void Loop::check_shutdown_done() {
  if (shutting_down_ && !finished_ && shutdown_timers_ == 0 && child_count_ == 0) {
    finished_ = true;
    exit_code_ = shutdown_exit_code_;
  }
}

}  // namespace vigil::event
