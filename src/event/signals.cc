// event/signals.cc — see signals.h.
#include "event/signals.h"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <system_error>

namespace vigil::event::detail {

SignalFd::SignalFd() {
  sigemptyset(&owned_);
  sigemptyset(&muted_);
  pthread_sigmask(SIG_SETMASK, nullptr, &original_);
  fd_ = signalfd(-1, &owned_, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "signalfd");
}

SignalFd::~SignalFd() {
  if (fd_ >= 0) ::close(fd_);
  // Swallow what is still pending for signals we own, so unblocking them cannot run their
  // default action (SIGTERM, SIGUSR1... would kill the process), then restore the mask.
  sigset_t to_unblock;
  sigemptyset(&to_unblock);
  bool any = false;
  for (int s = 1; s < NSIG; ++s) {
    if (sigismember(&owned_, s) == 1 && sigismember(&original_, s) == 0) {
      sigaddset(&to_unblock, s);
      any = true;
    }
  }
  if (!any) return;
  const timespec zero{};
  while (sigtimedwait(&to_unblock, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_UNBLOCK, &to_unblock, nullptr);
}

bool SignalFd::add(int signo) {
  if (owns(signo)) return true;
  sigset_t one;
  sigemptyset(&one);
  if (sigaddset(&one, signo) != 0) return false;
  if (pthread_sigmask(SIG_BLOCK, &one, nullptr) != 0) return false;
  sigaddset(&owned_, signo);
  sigset_t listened = owned_;
  for (int s = 1; s < NSIG; ++s) {
    if (sigismember(&muted_, s) == 1) sigdelset(&listened, s);
  }
  if (signalfd(fd_, &listened, 0) < 0) {
    sigdelset(&owned_, signo);
    return false;
  }
  return true;
}

bool SignalFd::mute(int signo, bool muted) {
  if (!owns(signo)) return false;
  if ((sigismember(&muted_, signo) == 1) == muted) return true;
  sigset_t next = muted_;
  if (muted) {
    sigaddset(&next, signo);
  } else {
    sigdelset(&next, signo);
  }
  sigset_t listened = owned_;
  for (int s = 1; s < NSIG; ++s) {
    if (sigismember(&next, s) == 1) sigdelset(&listened, s);
  }
  if (signalfd(fd_, &listened, 0) < 0) return false;
  muted_ = next;
  return true;
}

std::size_t SignalFd::read(signalfd_siginfo* out, std::size_t max) {
  for (;;) {
    const ssize_t n = ::read(fd_, out, sizeof(signalfd_siginfo) * max);
    if (n > 0) return static_cast<std::size_t>(n) / sizeof(signalfd_siginfo);
    if (n < 0 && errno == EINTR) continue;
    return 0;
  }
}

void SignalFd::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  sigemptyset(&owned_);  // the destructor must not touch the mask the child now manages
}

void SignalFd::unblock_all_for_exec() {
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace vigil::event::detail
