// event/fd_table.h — per-fd read/write task slots and their epoll registration.
//
// At most one read and one write task per fd (keepalived's io_events). Changing a slot only
// records the fd in a change list; sync() then brings the kernel up to date just before
// epoll_wait, with one epoll_ctl ADD / MOD / DEL per fd whose wanted mask really changed. A slot
// that emptied and was refilled before sync() gets a MOD (falling back to ADD on ENOENT) because the
// fd may have been closed and reused meanwhile; MOD on an fd epoll already dropped cannot go wrong.
#pragma once

#include <cstdint>
#include <vector>

#include "event/task.h"

namespace vigil::event::detail {

class FdTable {
 public:
  struct Slot {
    Task* read = nullptr;
    Task* write = nullptr;
    std::uint32_t registered = 0;  // events mask the kernel currently has (0 = not added)
    bool changed = false;          // in the change list
    bool emptied = false;          // had no task at some point since the last sync
  };

  // The slot for fd, growing the table if needed (fd >= 0).
  Slot& slot(int fd);
  // nullptr if fd was never seen.
  Slot* find(int fd) {
    return fd >= 0 && static_cast<std::size_t>(fd) < slots_.size() ? &slots_[fd] : nullptr;
  }

  // Marks fd for the next sync(); call after changing slot(fd).read / .write.
  void touch(int fd);
  // The fd was closed by us: the kernel forgot it, so must we.
  void forget(int fd);

  // Applies every recorded change with epoll_ctl. fds whose registration failed (EBADF, EPERM
  // for regular files...) are appended to failed() with their errno; the caller errors their tasks.
  struct Failure {
    int fd;
    int error;
  };
  void sync(int epoll_fd);
  std::vector<Failure>& failed() { return failed_; }

  void reserve(std::size_t fds) {
    slots_.reserve(fds);
    changes_.reserve(fds);
  }

 private:
  std::vector<Slot> slots_;
  std::vector<int> changes_;
  std::vector<Failure> failed_;
};

}  // namespace vigil::event::detail
