// event/loop.cc — Loop: construction, destruction, fork handling, run and dispatch
// (keepalived §2.3 and §2.5). The poll step is in loop_poll.cc.
#include "event/loop.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <system_error>

#include "event/loop_tags.h"

namespace vigil::event {

using detail::Kind;
using detail::kSignalTag;
using detail::kTimerTag;
using detail::kNever;
using detail::State;
using detail::Task;

namespace {

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
