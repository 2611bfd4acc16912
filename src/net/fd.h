// net/fd.h — Fd: an owned file descriptor (move-only, closed on destruction).
//
//   Fd fd{::socket(...)};            // takes ownership; -1 means "none"
//   if (!fd) return errno_error(...);
//   watch(fd.get());                 // the event loop only borrows the number
//
// Used by every kernel resource in src/net (sockets, netlink, packet sockets) and src/track
// (inotify, the proc connector, FIFOs, /dev/null for script children).
#pragma once

#include <utility>

namespace vigil::net {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }
  // Gives up ownership without closing.
  int release() { return std::exchange(fd_, -1); }
  // Closes the current descriptor (if any) and takes `fd`.
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace vigil::net
