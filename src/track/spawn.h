// track/spawn.h — starting a script the way keepalived's script children start, without
// stalling the event loop.
//
//   Spawner spawner;                                     // once per process
//   SpawnCommand cmd = SpawnCommand::make("/usr/bin/chk", {"chk", "--port", "80"});
//   net::Result<pid_t> pid = spawner.spawn(cmd, creds);  // then loop.add_child(*pid, ..., timeout)
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
// Cost: the child is created with clone(CLONE_VM) — it shares vigil's memory until it execs, so
// starting a script costs vigil tens of microseconds however big vigil is (fork() copies the
// page tables: ~0.4 ms for a 20 MB process). The child therefore runs only raw system calls
// (inline, never touching errno, which it would share with us) on a private stack, from copies
// the parent made for it. See SpawnMode for how vigil avoids waiting for the child.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/fd.h"
#include "net/result.h"
#include "track/credentials.h"

namespace vigil::track {

// An argv ready for execve: the strings and the pointer array built once.
class SpawnCommand {
 public:
  static SpawnCommand make(std::string file, std::vector<std::string> argv);
  const std::string& file() const { return file_; }
  const std::vector<std::string>& argv() const { return argv_; }
  char* const* argv_ptrs() const { return ptrs_.data(); }

  SpawnCommand(const SpawnCommand& o) : SpawnCommand(make(o.file_, o.argv_)) {}
  // Reuses this object's buffers (no allocation once they are big enough).
  SpawnCommand& operator=(const SpawnCommand& o);
  SpawnCommand(SpawnCommand&&) = default;
  SpawnCommand& operator=(SpawnCommand&&) = default;

 private:
  friend class Spawner;
  SpawnCommand() = default;
  void rebuild_ptrs();
  std::string file_;
  std::vector<std::string> argv_;
  std::vector<char*> ptrs_;
};

// concurrent: the child runs beside vigil on one of 512 private stacks until it execs (the kernel
// tells us it is done with the stack by zeroing a word: CLONE_CHILD_CLEARTID), so spawn() never
// waits for the child to be scheduled. blocking: CLONE_VFORK, vigil is suspended until the exec
// (also the fallback when all 512 stacks are in use).
enum class SpawnMode : std::uint8_t { concurrent, blocking };

struct SpawnOptions {
  bool own_process_group = true;  // setpgid(0, 0)
  bool death_signal = true;       // PR_SET_PDEATHSIG(SIGTERM)
};

class Spawner {
 public:
  // Throws std::system_error if /dev/null or the child stacks cannot be had.
  explicit Spawner(SpawnMode mode = SpawnMode::concurrent);
  ~Spawner();
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  // Starts the child; returns its pid once it has exec'd (or failed to: then it exits 127 and
  // exec_failures() counts it). Errors: clone failed (EAGAIN, ENOMEM) — retry later.
  net::Result<pid_t> spawn(const SpawnCommand& cmd, const Credentials& creds,
                           SpawnOptions opts = {});

  // errno of the last exec failure seen by a blocking spawn() (a concurrent spawn returns before
  // the exec: its failure shows as exit status 127).
  int last_exec_errno() const { return last_exec_errno_; }
  std::size_t in_flight() const;  // concurrent children that have not exec'd yet
  std::uint64_t blocking_spawns() const { return blocking_spawns_; }

 private:
  struct Slot;
  net::Fd dev_null_;
  std::vector<std::string> env_strings_;
  std::vector<char*> env_;
  void* stack_ = nullptr;  // the blocking path's stack, then the slots' stacks
  std::size_t stack_size_ = 0;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::size_t next_slot_ = 0;
  bool async_ = false;
  int last_exec_errno_ = 0;
  std::uint64_t blocking_spawns_ = 0;
  std::int64_t sched_checked_ns_ = -1;  // CLOCK_MONOTONIC_COARSE of the last policy/nice read
  bool reset_sched_ = false;
  bool reset_nice_ = false;
};

// How long spawn() trusts its last reading of vigil's scheduling policy and nice value.
inline constexpr std::chrono::nanoseconds kSchedRecheck = std::chrono::seconds(1);

}  // namespace vigil::track
