// event/fd_table.cc — see fd_table.h.
#include "event/fd_table.h"

#include <sys/epoll.h>

#include <cerrno>

namespace vigil::event::detail {
namespace {

std::uint32_t wanted_mask(const FdTable::Slot& s) {
  std::uint32_t m = 0;
  if (s.read != nullptr) m |= EPOLLIN;
  if (s.write != nullptr) m |= EPOLLOUT;
  return m;
}

int ctl(int epoll_fd, int op, int fd, std::uint32_t mask) {
  epoll_event ev{};
  ev.events = mask;
  ev.data.u64 = static_cast<std::uint64_t>(fd);
  return epoll_ctl(epoll_fd, op, fd, &ev) == 0 ? 0 : errno;
}

}  // namespace

FdTable::Slot& FdTable::slot(int fd) {
  if (static_cast<std::size_t>(fd) >= slots_.size()) slots_.resize(static_cast<std::size_t>(fd) + 1);
  return slots_[static_cast<std::size_t>(fd)];
}

void FdTable::touch(int fd) {
  Slot& s = slots_[static_cast<std::size_t>(fd)];
  if (s.read == nullptr && s.write == nullptr) s.emptied = true;
  if (!s.changed) {
    s.changed = true;
    changes_.push_back(fd);
  }
}

void FdTable::forget(int fd) {
  if (Slot* s = find(fd)) s->registered = 0;
}

void FdTable::sync(int epoll_fd) {
  for (const int fd : changes_) {
    Slot& s = slots_[static_cast<std::size_t>(fd)];
    s.changed = false;
    const std::uint32_t want = wanted_mask(s);
    const bool emptied = s.emptied;
    s.emptied = false;
    if (want == 0) {
      if (s.registered != 0) {
        // ENOENT/EBADF: the fd was closed (and epoll dropped it) before we got here. Fine.
        (void)ctl(epoll_fd, EPOLL_CTL_DEL, fd, 0);
        s.registered = 0;
      }
      continue;
    }
    if (want == s.registered && !emptied) continue;
    int err = 0;
    if (s.registered != 0) {
      err = ctl(epoll_fd, EPOLL_CTL_MOD, fd, want);
      if (err == ENOENT) err = ctl(epoll_fd, EPOLL_CTL_ADD, fd, want);
    } else {
      err = ctl(epoll_fd, EPOLL_CTL_ADD, fd, want);
      if (err == EEXIST) err = ctl(epoll_fd, EPOLL_CTL_MOD, fd, want);
    }
    if (err == 0) {
      s.registered = want;
    } else {
      s.registered = 0;
      failed_.push_back(Failure{fd, err});
    }
  }
  changes_.clear();
}

}  // namespace vigil::event::detail
