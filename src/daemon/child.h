// daemon/child.h — the VRRP child process (keepalived's start_vrrp_child, reference §1.1/§1.5).
//
// The parent forks and, in the child, calls run_vrrp_child(), which never returns:
//  1. PR_SET_PDEATHSIG(SIGTERM), then re-check getppid() is still the forker (exit if not: the
//     parent died between fork and prctl);
//  2. drop what was inherited (the parent's loop, its pidfile handle, its fds) through the
//     caller's `drop_inherited` callback, and stop talking to systemd;
//  3. open its own logger (ident Keepalived_vrrp), build a fresh Loop, write its pid into the
//     VRRP pidfile, install its signal tasks;
//  4. take the parent's checked configuration (inherited memory; without one, read the file:
//     unusable → exit 2, CONFIG: the parent stops the daemon);
//     otherwise start the runtime and tell the parent (one byte 'L' on the notify pipe);
//  5. run the loop. SIGHUP: reload ('R' to the parent when done). SIGUSR1/SIGUSR2/STATS_CLEAR/
//     JSON: the dumps. SIGTERM/SIGINT: two-phase stop — phase 1 in start_terminate, a linger
//     as long as the runtime asks, then phase 2, unlink the pidfile, exit 0.
#pragma once

#include <sys/types.h>

#include <functional>

#include "daemon/config_loader.h"
#include "daemon/options.h"
#include "daemon/pidfile.h"
#include "daemon/run_config.h"

namespace vigil::daemon {

inline constexpr char kNotifyLoaded = 'L';
inline constexpr char kNotifyReloaded = 'R';

// Parent → child, on the control pipe (a reload, see Parent::apply_reload): 'P' read the
// configuration now (the parent checks the same file meanwhile), then either 'N' (it did not
// check out: drop what you read) or 'Y' followed by the 8-byte fingerprint() of the files the
// parent checked: run what you read if it is those same bytes.
inline constexpr char kControlParse = 'P';
inline constexpr char kControlDrop = 'N';
inline constexpr char kControlApply = 'Y';

struct ChildSetup {
  const Options* options = nullptr;
  ConfigLoader* loader = nullptr;
  Pidfile* vrrp_pidfile = nullptr;  // inherited from the parent, which holds its lock
  int notify_fd = -1;               // write end of the parent's notify pipe
  int control_fd = -1;              // read end of the parent's control pipe (non-blocking)
  pid_t parent_pid = 0;
  ProcessNames names;               // namespace / instance parts of the ident and file names
  // The configuration the parent read and checked (its memory, inherited by fork: the child
  // takes it over); null when the file did not check out: the child then reads it itself to
  // report the problem. Without a model (the parent keeps only the files' bytes once a child
  // has had it) the child parses those bytes again.
  RunConfig* config = nullptr;
  std::function<void()> drop_inherited;  // closes the parent's loop, pidfile handle, pipe end
};

[[noreturn]] void run_vrrp_child(ChildSetup setup);

}  // namespace vigil::daemon
