// event/loop_children.cc — Loop: signal tasks (through the signalfd) and child-process tasks
// (reaped on SIGCHLD). keepalived §2.4: waitpid(-1, WNOHANG) until nothing is left; a reaped pid
// nobody watches is ignored; a child whose timeout is queued but not yet run is still matched
// (its task stays in the child list until dispatched) and is then reported as `exited`.
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "event/loop.h"

namespace vigil::event {

using detail::Kind;
using detail::kNever;
using detail::State;
using detail::Task;

TaskHandle Loop::add_signal(int signo, Callback cb) {
  char msg[96];
  if (signo <= 0 || signo >= static_cast<int>(signal_tasks_.size()) || signo >= NSIG) {
    std::snprintf(msg, sizeof msg, "scheduler: invalid signal %d", signo);
    log(Severity::error, msg);
    return {};
  }
  auto& slot = signal_tasks_[static_cast<std::size_t>(signo)];
  if (slot != nullptr) {
    std::snprintf(msg, sizeof msg, "scheduler: signal %d already has a handler", signo);
    log(Severity::error, msg);
    return {};
  }
  if (!signals_.add(signo)) {
    std::snprintf(msg, sizeof msg, "scheduler: cannot handle signal %d: %s", signo,
                  std::strerror(errno));
    log(Severity::error, msg);
    return {};
  }
  Task* t = make(Kind::signal, std::move(cb));
  t->fd = signo;
  slot = t;
  return own(t);
}

TaskHandle Loop::add_child(pid_t pid, Callback cb, std::optional<Duration> timeout) {
  if (!signals_.owns(SIGCHLD)) {
    if (!signals_.add(SIGCHLD)) {
      char msg[96];
      std::snprintf(msg, sizeof msg, "scheduler: cannot watch SIGCHLD: %s", std::strerror(errno));
      log(Severity::error, msg);
    }
    reap_pending_ = true;  // a child may have exited before SIGCHLD was blocked
  }
  Task* t = make(Kind::child, std::move(cb));
  t->fd = static_cast<int>(pid);
  t->child_prev = nullptr;
  t->child_next = children_;
  if (children_ != nullptr) children_->child_prev = t;
  children_ = t;
  ++child_count_;
  if (timeout) {
    const Duration left = Duration::max() - clock_.now().time_since_epoch();
    const std::int64_t d =
        *timeout >= left ? kNever : (clock_.now() + *timeout).time_since_epoch().count();
    if (d != kNever) heap_.push(t, d);
  }
  return own(t);
}

void Loop::unlink_child(Task* t) {
  const bool linked = children_ == t || t->child_prev != nullptr;
  if (!linked) return;
  if (t->child_prev != nullptr) {
    t->child_prev->child_next = t->child_next;
  } else {
    children_ = t->child_next;
  }
  if (t->child_next != nullptr) t->child_next->child_prev = t->child_prev;
  t->child_prev = t->child_next = nullptr;
  --child_count_;
}

// SIGCHLD wake-ups are the bulk of a script-heavy daemon's wake-ups (one per exit, on top of the
// timer that started the script). When a deadline is due within child_reap_slack anyway, SIGCHLD
// leaves the signalfd until then and poll() reaps at every step; otherwise it is listened to
// again (a SIGCHLD that came meanwhile is still pending and wakes the loop at once).
void Loop::pace_sigchld(std::int64_t next, std::int64_t now) {
  // Not while someone handles SIGCHLD themselves (add_signal): their task must see each one.
  const bool mute = child_count_ > 0 && next != kNever &&
                    next - now <= options_.child_reap_slack.count() && signals_.owns(SIGCHLD) &&
                    signal_tasks_[SIGCHLD] == nullptr;
  if (mute == sigchld_muted_) return;
  if (signals_.mute(SIGCHLD, mute)) sigchld_muted_ = mute;
}

void Loop::read_signals() {
  signalfd_siginfo infos[16];
  for (;;) {
    const std::size_t n = signals_.read(infos, std::size(infos));
    if (n == 0) break;
    for (std::size_t i = 0; i < n; ++i) {
      const int signo = static_cast<int>(infos[i].ssi_signo);
      if (signo == SIGCHLD) reap_pending_ = true;
      if (signo <= 0 || signo >= static_cast<int>(signal_tasks_.size())) continue;
      Task* t = signal_tasks_[static_cast<std::size_t>(signo)];
      if (t == nullptr || t->state != State::pending) continue;  // unhandled, or already queued
      t->status = static_cast<int>(infos[i].ssi_pid);
      make_ready(t, Reason::signal);
    }
  }
  if (reap_pending_) reap_children();
}

void Loop::reap_children() {
  reap_pending_ = false;
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;  // 0: children left but none exited; -1/ECHILD: no children at all
    for (Task* t = children_; t != nullptr; t = t->child_next) {
      if (t->fd != static_cast<int>(pid)) continue;
      t->status = status;
      if (t->state == State::pending) {
        if (t->in_heap()) heap_.erase(t);
        make_ready(t, Reason::exited);
      } else {
        t->reason = Reason::exited;  // its timeout is queued: report the exit instead
      }
      break;
    }
  }
}

}  // namespace vigil::event
