// daemon/parent.h — vigild's parent process (reference §1.1-§1.5), on the event loop.
//
// The parent supervises and never parses the configuration (issue 8: it stays small — the
// code it touches and its heap are its whole RSS). The VRRP child reads the file and reports
// what the parent needs over the link (child_link.h): the process settings (names, pidfile
// directory, dump files, reload_check_config), router_id and child_wait_time, and the snapshot
// of the files (a memfd the parent holds unmapped).
//
//  * start: fork the child; on its first report take the names (syslog idents, the namespace
//    of the file's `net_namespace`), then the main and VRRP pidfiles (a second daemon holding
//    them: keepalived's "daemon is already running", exit 0), then tell the child to run ('G',
//    with the VRRP pidfile) — or to quit ('Q') when there is nothing to run;
//  * abnormal death → respawn with keepalived's back-off (daemon/respawn.h), logged as keepalived
//    logs it; the new child parses the snapshot. Exit codes 1/2/4 (FATAL/CONFIG/missing
//    permission) stop the whole daemon with that code (a file that cannot be run at start ends
//    that way: the child logs file:line:col errors and exits CONFIG); -R stops it instead;
//  * SIGHUP → reload: 'H' to the child, which parses the file once and applies it ('R') or
//    reports it refused ('F': errors, or a renamed `instance` / `net_namespace`) and keeps the
//    running configuration. With `reload_check_config [LOG]` a separate `vigild -t[LOG]` process
//    checks the file first, as keepalived does. No child running (no instances yet): a child is
//    started to read the file. A SIGHUP during a reload or a child's start is queued (one);
//  * SIGTERM/SIGINT → stop: STOPPING=1, SIGTERM to the child, wait child_wait_time (default
//    5 s), SIGKILL a straggler, then run() returns; the caller calls remove_pidfiles();
//  * SIGUSR1 → keepalived_parent.data + forwarded; SIGUSR2, STATS_CLEAR, JSON → forwarded;
//  * systemd: READY=1 when the child first reports its config loaded, RELOADING=1/READY=1
//    around reloads.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

#include "daemon/child.h"
#include "daemon/child_link.h"
#include "daemon/log.h"
#include "daemon/options.h"
#include "daemon/pidfile.h"
#include "daemon/process_paths.h"
#include "daemon/respawn.h"
#include "daemon/systemd_notify.h"
#include "event/loop.h"

namespace vigil::daemon {

class Parent {
 public:
  struct Deps {
    const Options& options;
    Logger& log;
    event::Loop& loop;
    SystemdNotifier& systemd;
  };

  explicit Parent(Deps deps);
  ~Parent();
  Parent(const Parent&) = delete;
  Parent& operator=(const Parent&) = delete;

  // Installs the signal tasks and starts the child. Then call loop.run().
  void start();

  // After loop.run(): unlink the pidfiles (and the directories made for them, if empty).
  void remove_pidfiles();
  // Another daemon held the pidfiles: keepalived ends quietly (no "Stopped" line).
  bool refused_to_start() const { return refused_; }

 private:
  enum class Phase { none, reading, running, quitting };

  bool wants_child(const ChildReport& r) const;
  void start_child(ChildStart how);
  void on_link(const event::Fired& f);
  void on_report(const LinkMessage& m);
  void on_first_report(const ChildReport& r);
  bool take_pidfiles(const ChildReport& r);
  void go();
  void quit_child();
  void keep(const ChildReport& r, int snapshot_fd);
  void on_child_event(const event::Fired& f);
  void child_died(const event::Fired& f);
  void reload();
  void check_then_reload();
  void on_config_test_done(const event::Fired& f);
  void apply_reload();
  void reload_aborted();
  void finish_reload();
  void stop(int exit_code);
  void forward(int signo);
  void dump_parent_data();

  Deps d_;
  ProcessNames names_;              // known from the first report on; fixed for our life
  bool names_known_ = false;
  std::optional<ChildReport> report_;  // the running configuration's settings
  int snapshot_fd_ = -1;            // its files (child_link.h)
  PidfilePaths pidfile_paths_;
  std::optional<Pidfile> main_pidfile_, vrrp_pidfile_;
  RespawnBackoff backoff_;
  pid_t child_pid_ = 0;
  Phase phase_ = Phase::none;
  ChildStart child_how_ = ChildStart::first;
  event::TimePoint child_started_{};
  event::TaskHandle child_task_;
  event::TaskHandle restart_timer_;
  event::TaskHandle link_task_;
  event::TaskHandle config_test_task_;  // reload_check_config: the `vigild -t` child
  pid_t config_test_pid_ = 0;
  std::vector<event::TaskHandle> signal_tasks_;
  int link_[2] = {-1, -1};  // [0] ours, [1] the child's
  bool startup_complete_ = false;
  bool reloading_ = false;
  bool reload_queued_ = false;
  bool stopping_ = false;
  bool sent_sigkill_ = false;
  bool refused_ = false;
};

}  // namespace vigil::daemon
