// event/loop_tasks.cc — Loop: creating, cancelling, retiming and recycling tasks.
// (The dispatch loop is in loop.cc; children and signals in loop_children.cc.)
#include <unistd.h>

#include <cstdio>

#include "event/loop.h"

namespace vigil::event {

using detail::Kind;
using detail::kNever;
using detail::State;
using detail::Task;

namespace {

std::int64_t ns(TimePoint t) { return t.time_since_epoch().count(); }

std::int64_t deadline_after(const Clock& clock, Duration after) {
  if (after >= Duration::max() - clock.now().time_since_epoch()) return kNever;
  return ns(clock.now() + after);
}

bool is_fd_kind(Kind k) { return k == Kind::read || k == Kind::write; }

}  // namespace

Task* Loop::make(Kind kind, Callback&& cb) {
  Task* t = pool_.acquire();
  t->kind = kind;
  t->callback = std::move(cb);
  t->seq = next_seq_++;
  t->owner = nullptr;
  t->reason = Reason::event;
  // Line 2 of the record (fd, status, links, deadline) is left alone: each kind sets what it
  // uses, so adding a timer touches one cache line.
  t->persistent = false;
  t->close_fd = false;
  t->cancelled = false;
  t->state = State::pending;
  return t;
}

TaskHandle Loop::add_fd(Kind kind, int fd, Callback&& cb, std::optional<Duration> timeout,
                        FdOptions opts) {
  if (fd < 0) {
    log(Severity::error, "scheduler: refusing an fd task on a negative fd");
    return {};
  }
  auto& slot = fds_.slot(fd);
  Task*& place = kind == Kind::read ? slot.read : slot.write;
  if (place != nullptr) {
    char msg[96];
    std::snprintf(msg, sizeof msg, "scheduler: fd %d already has a %s task; refusing a second one",
                  fd, kind == Kind::read ? "read" : "write");
    log(Severity::error, msg);
    return {};
  }
  Task* t = make(kind, std::move(cb));
  t->fd = fd;
  t->persistent = opts.persistent;
  t->close_fd = opts.close_on_destroy;
  place = t;
  fds_.touch(fd);
  if (timeout) {
    const std::int64_t d = deadline_after(clock_, *timeout);
    if (d != kNever) heap_.push(t, d);
  }
  return own(t);
}

TaskHandle Loop::add_read(int fd, Callback cb, std::optional<Duration> timeout, FdOptions opts) {
  return add_fd(Kind::read, fd, std::move(cb), timeout, opts);
}

TaskHandle Loop::add_write(int fd, Callback cb, std::optional<Duration> timeout, FdOptions opts) {
  return add_fd(Kind::write, fd, std::move(cb), timeout, opts);
}

TaskHandle Loop::add_deadline(Kind kind, std::int64_t deadline, Callback&& cb) {
  Task* t = make(kind, std::move(cb));
  if (deadline != kNever) heap_.push(t, deadline);
  if (kind == Kind::shutdown_timer) ++shutdown_timers_;
  return own(t);
}

TaskHandle Loop::add_timer(Duration after, Callback cb) {
  return add_deadline(Kind::timer, deadline_after(clock_, after), std::move(cb));
}

TaskHandle Loop::add_timer_at(TimePoint deadline, Callback cb) {
  return add_deadline(Kind::timer, ns(deadline), std::move(cb));
}

TaskHandle Loop::add_shutdown_timer(Duration after, Callback cb) {
  return add_deadline(Kind::shutdown_timer, deadline_after(clock_, after), std::move(cb));
}

TaskHandle Loop::add_event(Callback cb) {
  Task* t = make(Kind::event, std::move(cb));
  t->state = State::queued;
  t->reason = Reason::event;
  events_.push_back(t);
  return own(t);
}

void Loop::start_terminate(Callback cb, int exit_code) {
  Task* t = make(Kind::terminate_start, std::move(cb));
  t->fd = exit_code;
  t->state = State::queued;
  t->reason = Reason::terminate_start;
  events_.push_back(t);
}

void Loop::terminate(int exit_code) {
  Task* t = make(Kind::terminate, Callback{});
  t->fd = exit_code;
  t->state = State::queued;
  events_.push_back(t);
}

bool Loop::retime(TaskHandle& handle, TimePoint deadline) {
  Task* t = handle.task_;
  if (t == nullptr || t->cancelled) return false;
  switch (t->kind) {
    case Kind::timer:
    case Kind::shutdown_timer:
    case Kind::child:
      if (t->state != State::pending) return false;
      break;
    case Kind::read:
    case Kind::write: {
      if (t->state == State::pending) break;
      // A persistent fd task may be retimed while queued or from its own callback.
      auto* slot = fds_.find(t->fd);
      const bool registered =
          slot != nullptr && (slot->read == t || slot->write == t) && t->persistent;
      if (!registered) return false;
      break;
    }
    default:
      return false;
  }
  const std::int64_t d = ns(deadline);
  t->seq = next_seq_++;
  if (d == kNever) {
    if (t->in_heap()) heap_.erase(t);
  } else if (t->in_heap()) {
    heap_.update(t, d);
  } else {
    heap_.push(t, d);
  }
  return true;
}

void Loop::cancel(Task* t) {
  switch (t->state) {
    case State::free:
      return;
    case State::pending:
      end_unrun(t);
      check_shutdown_done();  // it may have been the last shutdown timer or child
      return;
    case State::queued:
      if (t->kind == Kind::event || t->kind == Kind::terminate_start || t->kind == Kind::terminate) {
        events_.unlink(t);
      } else {
        ready_.unlink(t);
      }
      end_unrun(t);
      check_shutdown_done();
      return;
    case State::running:
      // Its callback is on the stack: take it out of every structure now, recycle it after.
      detach(t);
      t->cancelled = true;
      return;
  }
}

void Loop::detach(Task* t) {
  if (t->in_heap()) heap_.erase(t);
  switch (t->kind) {
    case Kind::read:
    case Kind::write:
      if (auto* slot = fds_.find(t->fd)) {
        if (slot->read == t) {
          slot->read = nullptr;
          fds_.touch(t->fd);
        } else if (slot->write == t) {
          slot->write = nullptr;
          fds_.touch(t->fd);
        }
      }
      break;
    case Kind::child:
      unlink_child(t);
      break;
    case Kind::shutdown_timer:
      if (t->state != State::running) --shutdown_timers_;  // dispatch already counted it out
      break;
    case Kind::signal:
      if (t->fd > 0 && t->fd < static_cast<int>(signal_tasks_.size()) &&
          signal_tasks_[static_cast<std::size_t>(t->fd)] == t) {
        signal_tasks_[static_cast<std::size_t>(t->fd)] = nullptr;
      }
      break;
    default:
      break;
  }
}

void Loop::end_unrun(Task* t) {
  detach(t);
  if (is_fd_kind(t->kind) && t->close_fd && t->fd >= 0) {
    ::close(t->fd);
    fds_.forget(t->fd);
  }
  recycle(t);
}

void Loop::recycle(Task* t) {
  if (t->owner != nullptr) {
    t->owner->task_ = nullptr;
    t->owner = nullptr;
  }
  t->state = State::running;  // in no structure; a re-entrant cancel() would only mark it
  t->cancelled = true;
  t->callback.reset();        // may run capture destructors, which may use the loop
  pool_.release(t);
}

void Loop::reserve(std::size_t tasks, std::size_t fds) {
  pool_.reserve(tasks);
  heap_.reserve(tasks);
  ready_.reserve(tasks);
  fds_.reserve(fds);
}

}  // namespace vigil::event
