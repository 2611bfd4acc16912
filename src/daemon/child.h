// daemon/child.h — the VRRP child process (keepalived's start_vrrp_child, reference §1.1/§1.5).
//
// The parent forks and, in the child, calls run_vrrp_child(), which never returns:
//  1. PR_SET_PDEATHSIG(SIGTERM), then re-check getppid() is still the forker (exit if not: the
//     parent died between fork and prctl);
//  2. drop what was inherited (the parent's loop, its fds) through the caller's `drop_inherited`
//     callback, and stop talking to systemd;
//  3. read the configuration — the child, not the parent, parses it (the parent stays small):
//     at the first start from the disk (entering the file's `net_namespace` and reading it
//     again there), at a respawn from the snapshot of the running configuration, at a start by a
//     reload from the disk; open its logger (ident Keepalived_vrrp + the names), log what the
//     check found, and report to the parent (child_link.h: 'S' with the settings and, for a
//     usable file, the snapshot);
//  4. wait for the parent's answer: 'Q' → exit 0; 'G' (+ the VRRP pidfile) → write its pid;
//     a file that cannot be run → exit 2 (CONFIG: the parent stops the daemon); otherwise start
//     the runtime, tell the parent 'L' and run the loop:
//     'H' on the link or SIGHUP: reload ('R' + settings + snapshot, or 'F': running config kept).
//     SIGUSR1/SIGUSR2/STATS_CLEAR/JSON: the dumps. SIGTERM/SIGINT: two-phase stop — phase 1 in
//     start_terminate, a linger as long as the runtime asks, then phase 2, unlink the pidfile,
//     exit 0.
#pragma once

#include <sys/types.h>

#include <functional>

#include "daemon/options.h"
#include "daemon/run_config.h"

namespace vigil::daemon {

enum class ChildStart {
  first,    // the daemon's start: names not known yet, read the file from the disk
  respawn,  // after a death: read the snapshot (the running configuration's files)
  reload,   // a reload with no child running: read the disk; a refused file just reports 'F'
};

struct ChildSetup {
  const Options* options = nullptr;
  int link_fd = -1;  // the child's end of the link (child_link.h)
  pid_t parent_pid = 0;
  ChildStart how = ChildStart::first;
  ProcessNames names;     // the daemon's names (respawn/reload): a file may not change them
  int snapshot_fd = -1;   // respawn: the running configuration's files (may be -1: the disk)
  std::function<void()> drop_inherited;  // closes the parent's loop and its end of the link
};

[[noreturn]] void run_vrrp_child(ChildSetup setup);

}  // namespace vigil::daemon
