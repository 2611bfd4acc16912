// daemon/parent.h — vigild's parent process (reference §1.1-§1.5), on the event loop.
//
// It owns the main and VRRP pidfiles, forks the VRRP child and watches it with a child task:
//  * abnormal death → respawn with keepalived's back-off (daemon/respawn.h), logged as keepalived
//    logs it; exit codes 1/2/4 (FATAL/CONFIG/missing permission) stop the whole daemon with that
//    code; -R stops it instead of respawning;
//  * SIGHUP → reload: the file is re-read and checked first; a broken file is reported and the
//    running configuration kept (the child is not signalled). With `reload_check_config [LOG]`
//    the check is first made by a separate `vigild -t[LOG]` process, as keepalived does.
//    A file that changes `instance` or `net_namespace` is refused (a restart is needed).
//    Otherwise the child gets SIGHUP and reports back on the notify pipe. A SIGHUP during a
//    reload is queued (one);
//  * SIGTERM/SIGINT → stop: STOPPING=1, SIGTERM to the child, wait child_wait_time (default
//    5 s), SIGKILL a straggler, then run() returns; the caller removes the pidfiles;
//  * SIGUSR1 → keepalived_parent.data + forwarded; SIGUSR2, STATS_CLEAR, JSON → forwarded;
//  * systemd: READY=1 when the child first reports its config loaded, RELOADING=1/READY=1
//    around reloads.
#pragma once

#include <sys/types.h>

#include <vector>

#include "daemon/config_loader.h"
#include "daemon/log.h"
#include "daemon/options.h"
#include "daemon/pidfile.h"
#include "daemon/respawn.h"
#include "daemon/run_config.h"
#include "daemon/systemd_notify.h"
#include "event/loop.h"

namespace vigil::daemon {

class Parent {
 public:
  struct Deps {
    const Options& options;
    const ProcessNames& names;  // namespace / instance: idents, file names; fixed for our life
    Logger& log;
    ConfigLoader& loader;
    event::Loop& loop;
    SystemdNotifier& systemd;
    Pidfile& main_pidfile;
    Pidfile& vrrp_pidfile;
  };

  // `initial` is the configuration read at start (nullopt if it could not be used: the child
  // will find out and exit with CONFIG, which stops the daemon, as keepalived does).
  Parent(Deps deps, std::optional<RunConfig> initial);
  ~Parent();
  Parent(const Parent&) = delete;
  Parent& operator=(const Parent&) = delete;

  // Installs the signal tasks and starts the child. Then call loop.run().
  void start();

 private:
  bool wants_child() const;
  void start_child();
  void slim_config();
  bool send_control(std::string_view message);
  void on_child_event(const event::Fired& f);
  void child_died(const event::Fired& f);
  void on_notify(const event::Fired& f);
  void reload();
  void check_then_reload();
  void on_config_test_done(const event::Fired& f);
  void apply_reload();
  void finish_reload();
  void stop(int exit_code);
  void forward(int signo);
  void dump_parent_data();

  Deps d_;
  std::optional<RunConfig> config_;
  RespawnBackoff backoff_;
  pid_t child_pid_ = 0;
  event::TimePoint child_started_{};
  event::TaskHandle child_task_;
  event::TaskHandle restart_timer_;
  event::TaskHandle notify_task_;
  event::TaskHandle config_test_task_;  // reload_check_config: the `vigild -t` child
  pid_t config_test_pid_ = 0;
  std::vector<event::TaskHandle> signal_tasks_;
  int notify_read_ = -1;
  int notify_write_ = -1;
  int control_read_ = -1;   // the child's end of the control pipe (child.h)
  int control_write_ = -1;
  bool startup_complete_ = false;
  bool reloading_ = false;
  bool reload_queued_ = false;
  bool stopping_ = false;
  bool sent_sigkill_ = false;
};

}  // namespace vigil::daemon
