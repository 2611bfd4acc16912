// event/signals.h — the loop's signalfd and the process signal mask it owns.
//
// A signal the loop handles is blocked (pthread_sigmask) and added to one signalfd, so it is
// only ever seen as data on that fd: handlers run as ordinary tasks, never in signal context.
// Once added, a signal stays blocked and owned until the SignalFd is destroyed (cancelling the
// handler task makes later arrivals be read and ignored rather than re-enabling the default
// action). Destruction discards still-pending instances of the owned signals and restores the
// mask the thread had before.
//
// fork(): the child inherits the blocked mask. A child that will exec must call
// unblock_all_for_exec() (or Loop::unblock_signals_for_exec()) so the program it runs starts with
// an empty mask and can be signalled (SIGTERM from the script timeout escalation, for example).
#pragma once

#include <signal.h>
#include <sys/signalfd.h>

#include <cstddef>

namespace vigil::event::detail {

class SignalFd {
 public:
  SignalFd();  // throws std::system_error if signalfd() fails
  ~SignalFd();
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;

  int fd() const { return fd_; }
  // Blocks signo and adds it to the signalfd. Returns false (errno set) on failure.
  bool add(int signo);
  bool owns(int signo) const { return sigismember(&owned_, signo) == 1; }
  // Takes an owned signal out of the signalfd (it stays blocked and pending: nothing wakes the
  // fd for it) or puts it back (a pending instance then makes the fd readable at once).
  bool mute(int signo, bool muted);

  // Reads up to `max` pending signals; returns how many (0 when none is pending).
  std::size_t read(signalfd_siginfo* out, std::size_t max);

  // Closes the fd without touching the mask (the forked-child path: see Loop::close_after_fork).
  void close_fd();

  // Empties the calling thread's signal mask (for a forked child about to exec).
  static void unblock_all_for_exec();

 private:
  int fd_ = -1;
  sigset_t owned_{};
  sigset_t muted_{};
  sigset_t original_{};
};

}  // namespace vigil::event::detail
