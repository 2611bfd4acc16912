#include "daemon/parent.h"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "daemon/dump_files.h"
#include "daemon/exit_codes.h"
#include "daemon/log_setup.h"
#include "daemon/signal_names.h"

namespace vigil::daemon {

using event::Fired;
using event::Reason;

Parent::Parent(Deps deps) : d_(deps) {
  if (!make_link(link_)) throw std::system_error(errno, std::generic_category(), "child link");
}

Parent::~Parent() {
  link_task_.cancel();
  for (int fd : {link_[0], link_[1], snapshot_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void Parent::start() {
  auto& loop = d_.loop;
  signal_tasks_.push_back(loop.add_signal(SIGHUP, [this](const Fired&) { reload(); }));
  signal_tasks_.push_back(loop.add_signal(SIGTERM, [this](const Fired&) { stop(kExitOk); }));
  if (d_.options.ignore_sigint) {
    ::signal(SIGINT, SIG_IGN);
  } else {
    signal_tasks_.push_back(loop.add_signal(SIGINT, [this](const Fired&) { stop(kExitOk); }));
  }
  signal_tasks_.push_back(loop.add_signal(SIGUSR1, [this](const Fired&) {
    dump_parent_data();
    forward(SIGUSR1);
  }));
  signal_tasks_.push_back(loop.add_signal(SIGUSR2, [this](const Fired&) { forward(SIGUSR2); }));
  signal_tasks_.push_back(loop.add_signal(stats_clear_signal(),
                                          [this](const Fired&) { forward(stats_clear_signal()); }));
  signal_tasks_.push_back(
      loop.add_signal(json_signal(), [this](const Fired&) { forward(json_signal()); }));
  link_task_ = loop.add_read(link_[0], [this](const Fired& f) { on_link(f); }, {},
                             {.persistent = true});
  // The child reads the file and reports: see on_first_report.
  start_child(ChildStart::first);
}

bool Parent::wants_child(const ChildReport& r) const {
  if (d_.options.check_only) return false;  // -C: checkers only, and vigil has none
  return d_.options.all_children || r.has_instances;
}

void Parent::start_child(ChildStart how) {
  restart_timer_.cancel();
  const pid_t parent = ::getpid();
  d_.log.pause_for_fork();  // the log writer threads hold nothing while we fork
  const pid_t pid = ::fork();
  if (pid != 0) d_.log.resume_after_fork();
  if (pid < 0) {
    d_.log.error("VRRP child process: fork error({})", std::strerror(errno));
    restart_timer_ = d_.loop.add_timer(std::chrono::seconds(1), [this, how](const Fired&) { start_child(how); });
    return;
  }
  if (pid == 0) {
    ChildSetup setup;
    setup.options = &d_.options;
    setup.link_fd = link_[1];
    setup.parent_pid = parent;
    setup.how = how;
    setup.names = names_;
    setup.snapshot_fd = how == ChildStart::respawn ? snapshot_fd_ : -1;
    setup.drop_inherited = [this, how] {
      d_.loop.close_after_fork();  // we are inside one of its callbacks: never return into it
      if (main_pidfile_) main_pidfile_->abandon();
      if (vrrp_pidfile_) vrrp_pidfile_->abandon();  // the child gets its own descriptor with 'G'
      ::close(link_[0]);
      if (how != ChildStart::respawn && snapshot_fd_ >= 0) ::close(snapshot_fd_);
      d_.log.abandon_sinks_after_fork();
    };
    run_vrrp_child(std::move(setup));
  }
  child_pid_ = pid;
  phase_ = Phase::reading;
  child_how_ = how;
  child_started_ = d_.loop.clock().now();
  child_task_ = d_.loop.add_child(pid, [this](const Fired& f) { on_child_event(f); });
}

void Parent::on_link(const Fired& f) {
  if (f.reason != Reason::ready) return;
  LinkMessage m;
  while (receive_message(link_[0], m, /*wait=*/false) == Received::message) {
    if (child_pid_ <= 0 || m.pid != child_pid_) {  // from a child that has died since
      if (m.fd >= 0) ::close(m.fd);
      continue;
    }
    on_report(m);
  }
}

void Parent::on_report(const LinkMessage& m) {
  std::optional<ChildReport> r;
  if (m.kind == kReportSettings || m.kind == kReportReloaded) r = decode_report(m.payload);
  const int fd = r && r->usable ? m.fd : -1;
  if (fd != m.fd && m.fd >= 0) ::close(m.fd);
  switch (m.kind) {
    case kReportSettings:
      if (phase_ != Phase::reading || !r) {
        if (fd >= 0) ::close(fd);
        if (!r) d_.log.error("VRRP child process {}: unreadable report", child_pid_);
        return;
      }
      if (!names_known_) {
        on_first_report(*r);
      } else if (child_how_ == ChildStart::reload && !r->usable) {
        quit_child();
        reload_aborted();
        return;
      } else if (child_how_ == ChildStart::reload && !wants_child(*r)) {
        keep(*r, fd);
        quit_child();
        finish_reload();
        return;
      } else {
        go();  // a respawn runs even a file that no longer checks out: it exits CONFIG then
      }
      if (r->usable) {
        keep(*r, fd);
      } else if (fd >= 0) {
        ::close(fd);
      }
      return;
    case kReportLoaded:
      if (!startup_complete_) {
        startup_complete_ = true;
        d_.log.info("Startup complete");
        d_.systemd.ready(::getpid());
      } else if (reloading_) {
        finish_reload();  // a child started by a reload runs the new file
      }
      if (reload_queued_ && !reloading_) {
        reload_queued_ = false;
        reload();
      }
      return;
    case kReportReloaded:
      if (r) keep(*r, fd);
      if (reloading_) finish_reload();
      return;
    case kReportReloadFailed:
      if (reloading_) reload_aborted();
      return;
    default:
      return;
  }
}

// The first child's report: what the daemon is called, then its pidfiles, then run or not.
void Parent::on_first_report(const ChildReport& r) {
  names_ = process_names(d_.options, r.settings);
  names_known_ = true;
  if (!names_.empty()) configure_logger(d_.log, d_.options, ProcessRole::parent, names_);
  if (d_.options.net_namespace.empty() && !names_.net_namespace.empty()) {
    std::string why;
    if (!enter_network_namespace(names_.net_namespace, why)) {  // the child is in it already
      d_.log.error("{}", why);
      quit_child();
      stop(kExitFatal);
      return;
    }
  }
  if (!take_pidfiles(r)) return;
  // A file that cannot be run still gets a running child: it reports the problem and exits
  // with CONFIG, which stops the daemon, as keepalived does.
  if (!r.usable || wants_child(r)) {
    go();
    return;
  }
  quit_child();
  d_.log.warning("Warning - keepalived has no configuration to run");
  startup_complete_ = true;  // nothing to wait for: a child started later is a reload's
  d_.systemd.ready(::getpid());
}

bool Parent::take_pidfiles(const ChildReport& r) {
  pidfile_paths_ = pidfile_paths(d_.options, names_, r.settings.use_pid_dir);
  for (const auto& dir : pidfile_paths_.dirs) (void)::mkdir(dir.c_str(), 0755);
  auto refuse = [this](const PidfileError& e, bool tell_systemd) {
    d_.log.error("{}", e.message);
    if (e.kind == PidfileError::Kind::locked) {
      d_.log.info("daemon is already running");
      refused_ = true;  // keepalived ends quietly: another instance is running
      if (tell_systemd) d_.systemd.error(EEXIST);
    }
    quit_child();
    stop(refused_ ? kExitOk : kExitFatal);
    return false;
  };
  auto main_pf = Pidfile::acquire(pidfile_paths_.main);
  if (!main_pf) return refuse(main_pf.error(), true);
  if (auto w = main_pf->write_pid(::getpid()); !w) {
    d_.log.error("{}", w.error().message);
    quit_child();
    stop(kExitFatal);
    return false;
  }
  main_pidfile_.emplace(std::move(*main_pf));
  auto vrrp_pf = Pidfile::acquire(pidfile_paths_.vrrp);
  if (!vrrp_pf) return refuse(vrrp_pf.error(), false);
  vrrp_pidfile_.emplace(std::move(*vrrp_pf));
  return true;
}

void Parent::remove_pidfiles() {
  if (vrrp_pidfile_) vrrp_pidfile_->remove();
  if (main_pidfile_) main_pidfile_->remove();
  // Directories we made for the pidfiles go when the daemon does, if nothing else is in them.
  for (auto it = pidfile_paths_.dirs.rbegin(); it != pidfile_paths_.dirs.rend(); ++it) {
    (void)::rmdir(it->c_str());
  }
}

void Parent::go() {
  phase_ = Phase::running;
  if (!vrrp_pidfile_ ||
      !send_message(link_[0], kOrderGo, vrrp_pidfile_->path(), vrrp_pidfile_->fd())) {
    d_.log.error("VRRP child process {}: cannot be told to run", child_pid_);
    ::kill(child_pid_, SIGKILL);  // its death is handled (respawn) as any other
    return;
  }
  d_.log.info("Starting VRRP child process, pid={}", child_pid_);
}

void Parent::quit_child() {
  if (child_pid_ <= 0) return;
  phase_ = Phase::quitting;
  if (!send_message(link_[0], kOrderQuit)) ::kill(child_pid_, SIGKILL);
}

void Parent::keep(const ChildReport& r, int snapshot_fd) {
  report_ = r;
  if (snapshot_fd < 0) return;
  if (snapshot_fd_ >= 0) ::close(snapshot_fd_);
  snapshot_fd_ = snapshot_fd;
}

void Parent::on_child_event(const Fired& f) {
  if (f.timed_out() && sent_sigkill_) {
    // SIGKILL cannot be refused: the pid must have been reaped elsewhere. Stop waiting.
    d_.log.error("Keepalived_vrrp process {} not reaped after SIGKILL - giving up", child_pid_);
    child_pid_ = 0;
    return;
  }
  if (f.timed_out()) {
    // Only while stopping: the child outlived child_wait_time.
    sent_sigkill_ = true;
    d_.log.error("Keepalived_vrrp process failed to die - forcing termination");
    ::kill(child_pid_, SIGKILL);
    // The timeout only guards against a pid reaped elsewhere (see above).
    child_task_ = d_.loop.add_child(child_pid_, [this](const Fired& g) { on_child_event(g); },
                                    std::chrono::seconds(5));
    return;
  }
  if (stopping_) {
    child_pid_ = 0;
    return;
  }
  child_died(f);
}

void Parent::child_died(const Fired& f) {
  const pid_t pid = child_pid_;
  const Phase was = phase_;
  child_pid_ = 0;
  phase_ = Phase::none;
  if (was == Phase::quitting) {  // told to quit
    if (reload_queued_) {
      reload_queued_ = false;
      reload();
    }
    return;
  }
  const auto ran_for = d_.loop.clock().now() - child_started_;
  if (was == Phase::reading && child_how_ == ChildStart::reload) {
    // A child started to read the file for a reload died before it ran: nothing changed.
    d_.log.error("pid {} exited while reading the configuration", pid);
    reload_aborted();
    return;
  }
  if (was == Phase::reading) d_.log.info("Starting VRRP child process, pid={}", pid);

  if (const int sig = f.term_signal(); sig != 0) {
    d_.log.error("pid {} exited due to signal {} ({}){}", pid, sig, ::strsignal(sig),
                 sig == SIGKILL ? " - has rlimit_rttime been exceeded?" : "");
  } else {
    const int code = f.exit_code();
    if (is_permanent_exit(code)) {
      d_.log.alert("Keepalived_vrrp exited with permanent error {}. Terminating",
                   permanent_exit_name(code));
      d_.systemd.error(code == kExitMissingPermission ? EPERM : EINVAL);
      stop(code);
      return;
    }
    d_.log.error("pid {} exited with status {}", pid, code);
  }

  if (d_.options.dont_respawn) {
    d_.log.alert("VRRP child process({}) died: Exiting", pid);
    stop(kExitOk);  // keepalived raises SIGTERM on itself
    return;
  }
  d_.log.alert("VRRP child process({}) died: Respawning", pid);
  d_.log.alert("  This is a bug in vigil: please report it with your keepalived configuration");
  d_.log.alert("  files and the system log entries around the time this happened");
  if (reloading_) {  // the new child runs the snapshot; the reload is made again once it runs
    reloading_ = false;
    reload_queued_ = true;
  }
  const auto delay = backoff_.next_delay(ran_for);
  d_.log.info("Restart of VRRP process delayed {} seconds to limit respawn rate", delay.count());
  const ChildStart how = names_known_ ? ChildStart::respawn : ChildStart::first;
  if (delay.count() == 0) {
    start_child(how);
  } else {
    restart_timer_ = d_.loop.add_timer(delay, [this, how](const Fired&) { start_child(how); });
  }
}

void Parent::stop(int exit_code) {
  if (stopping_) return;
  stopping_ = true;
  if (!refused_) {
    d_.log.info("Stopping");
    d_.systemd.stopping();
  }
  restart_timer_.cancel();
  const auto wait = report_ ? report_->child_wait_time : std::chrono::milliseconds(5000);
  d_.loop.start_terminate(
      [this, wait](const Fired&) {
        if (child_pid_ <= 0) return;
        // A child still waiting for our answer hears 'Q'; a running one (or one about to run:
        // its loop takes the pending signal) SIGTERM.
        if (phase_ == Phase::reading) quit_child();
        ::kill(child_pid_, SIGTERM);
        // Keep the same child task, now with a deadline; if its exit is already queued it is
        // delivered as it is.
        (void)d_.loop.retime_after(child_task_, wait);
      },
      exit_code);
}

void Parent::forward(int signo) {
  if (child_pid_ > 0 && !stopping_) ::kill(child_pid_, signo);
}

void Parent::dump_parent_data() {
  d_.log.info("Printing parent data for process({}) on signal", ::getpid());
  std::string text = "------< Global definitions >------\n";
  if (report_) {
    text += fmt::format(" Router ID = {}\n", report_->router_id);
    text += fmt::format(" Child wait time = {} ms\n", report_->child_wait_time.count());
  }
  text += "------< Processes >------\n";
  text += fmt::format(" Parent pid = {}\n", ::getpid());
  text += fmt::format(" VRRP child pid = {}\n", child_pid_);
  const auto path = dump_paths(std::getenv("TMPDIR"), report_ ? report_->settings : ProcessSettings{},
                               names_).parent_data;
  if (int err = write_file_atomically(path, text); err) {
    d_.log.error("Unable to write parent data - {}", std::strerror(err));
  }
}

}  // namespace vigil::daemon
