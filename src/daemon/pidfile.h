// daemon/pidfile.h — keepalived-style pidfiles (reference §1.4).
//
// A pidfile is created 0644 with O_NOFOLLOW|O_CLOEXEC, locked with an OFD write lock
// (F_OFD_SETLK) and only then truncated, so "already running" is decided by the lock, never by
// the file's content: a stale file left by a crash does not block a start, a live holder does.
// The parent acquires its own pidfile and the VRRP child's (so a second daemon sharing either
// path refuses to start); the child writes its pid into the inherited file (re-creating it if
// someone deleted or replaced it). OFD locks belong to the open file description, which fork()
// shares, so the lock stays held while either process keeps the fd open.
//
// Destroying a Pidfile unlinks it (if the path still names our file) and releases the lock.
// After fork(), the child must call abandon() on the parent's Pidfile objects it does not own.
//
//   auto pf = Pidfile::acquire("/run/keepalived.pid");
//   if (!pf) { log(pf.error().message); … }
//   pf->write_pid(getpid());
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>

#include "daemon/result.h"

namespace vigil::daemon {

struct PidfileError {
  enum class Kind { locked, io } kind;
  int err = 0;          // errno for io
  std::string message;  // keepalived's wording where it has one
};

class Pidfile {
 public:
  static Result<Pidfile, PidfileError> acquire(std::string path);
  // A descriptor of a pidfile another process acquired (sent by the parent to its VRRP child):
  // the same open file description, so the same lock.
  static Pidfile adopt(std::string path, int fd) { return Pidfile(std::move(path), fd); }

  Pidfile(Pidfile&& other) noexcept;
  Pidfile& operator=(Pidfile&& other) noexcept;
  Pidfile(const Pidfile&) = delete;
  Pidfile& operator=(const Pidfile&) = delete;
  ~Pidfile();

  // Truncate and write "<pid>\n". If the path no longer names our file, re-create and re-lock it.
  Result<void, PidfileError> write_pid(pid_t pid);

  // Empty the file (the pid it named is gone) without giving up the lock.
  void clear();

  // Unlink (if the path still names our file) and close. Idempotent.
  void remove();

  // Close without unlinking (a forked child dropping the parent's handles). The lock stays
  // with whoever still holds the file description open.
  void abandon();

  const std::string& path() const { return path_; }
  bool held() const { return fd_ >= 0; }
  int fd() const { return fd_; }

 private:
  Pidfile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  bool path_is_ours() const;

  std::string path_;
  int fd_ = -1;
};

// Read the pid a pidfile names (tools, tests); an errno if absent, empty or not "<pid>\n".
Result<pid_t, int> read_pidfile(const std::string& path);

}  // namespace vigil::daemon
