// track/spawn.h — starting a script the way keepalived's script children start, without
// stalling the event loop.
//
//   Spawner spawner;                                     // once per process
//   SpawnCommand cmd = SpawnCommand::make("/usr/bin/chk", {"chk", "--port", "80"});
//   Result<pid_t> pid = spawner.spawn(cmd, creds);       // then loop.add_child(*pid, ..., timeout)
//
// The child, before exec (reference §5.5): normal scheduling (SCHED_OTHER, nice 0) when vigil
// runs with realtime priority or a nice value; every signal back to SIG_DFL and unblocked (the loop
// keeps its signals blocked for its signalfd), its own process group (setpgid(0,0): a timeout
// kills the whole group), PR_SET_PDEATHSIG(SIGTERM) (the script dies with vigil), the script
// user's groups/gid/uid, stdin/stdout/stderr on /dev/null (no pipe a grandchild could hold open,
// so vigil never waits on one), every other fd closed, an environment without IFS, LD_PRELOAD,
// LD_LIBRARY_PATH. Then execve of the resolved file; a file the kernel cannot exec (ENOEXEC: a
// script without #!) is run by /bin/sh, as execvp does. Exec failure: the child exits 127.
//
// Cost: the child is created with clone(CLONE_VM | CLONE_VFORK) — it borrows vigil's memory
// until it execs, so starting a script costs vigil tens of microseconds however big vigil is
// (fork() copies the page tables: ~0.4 ms for a 20 MB process). The child therefore runs only
// raw system calls on a private stack, from data prepared by the parent. The price: spawn()
// returns only once the child has exec'd, so on a CPU-starved machine it waits for the child to
// be scheduled; with realtime priority (vrrp_rt_priority, inherited by the child until it drops
// it right before exec) that wait is a few microseconds.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "track/credentials.h"
#include "track/result.h"
#include "track/unique_fd.h"

namespace vigil::track {

// An argv ready for execve: the strings and the pointer array built once.
class SpawnCommand {
 public:
  static SpawnCommand make(std::string file, std::vector<std::string> argv);
  const std::string& file() const { return file_; }
  const std::vector<std::string>& argv() const { return argv_; }
  char* const* argv_ptrs() const { return ptrs_.data(); }

  SpawnCommand(const SpawnCommand& o) : SpawnCommand(make(o.file_, o.argv_)) {}
  SpawnCommand& operator=(const SpawnCommand& o) {
    *this = make(o.file_, o.argv_);
    return *this;
  }
  SpawnCommand(SpawnCommand&&) = default;
  SpawnCommand& operator=(SpawnCommand&&) = default;

 private:
  SpawnCommand() = default;
  std::string file_;
  std::vector<std::string> argv_;
  std::vector<char*> ptrs_;
};

struct SpawnOptions {
  bool own_process_group = true;  // setpgid(0, 0)
  bool death_signal = true;       // PR_SET_PDEATHSIG(SIGTERM)
};

class Spawner {
 public:
  Spawner();  // throws std::system_error if /dev/null or the child stack cannot be had
  ~Spawner();
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  // Starts the child; returns its pid once it has exec'd (or failed to: then it exits 127 and
  // exec_failures() counts it). Errors: clone failed (EAGAIN, ENOMEM) — retry later.
  Result<pid_t> spawn(const SpawnCommand& cmd, const Credentials& creds, SpawnOptions opts = {});

  // errno of the last exec failure seen by spawn() (0 if the last spawn exec'd).
  int last_exec_errno() const { return last_exec_errno_; }

 private:
  UniqueFd dev_null_;
  std::vector<std::string> env_strings_;
  std::vector<char*> env_;
  void* stack_ = nullptr;
  std::size_t stack_size_ = 0;
  int last_exec_errno_ = 0;
};

}  // namespace vigil::track
