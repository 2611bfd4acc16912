#include "daemon/parent.h"

#include <fcntl.h>
#include <malloc.h>
#include <spawn.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <system_error>

#include "daemon/child.h"
#include "daemon/dump_files.h"
#include "daemon/exit_codes.h"
#include "daemon/process_paths.h"
#include "daemon/signal_names.h"

namespace vigil::daemon {

using event::Fired;
using event::Reason;

Parent::Parent(Deps deps, std::optional<RunConfig> initial)
    : d_(deps), config_(std::move(initial)) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "notify pipe");
  }
  notify_read_ = fds[0];
  notify_write_ = fds[1];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "control pipe");
  }
  control_read_ = fds[0];
  control_write_ = fds[1];
}

Parent::~Parent() {
  notify_task_.cancel();
  if (notify_read_ >= 0) ::close(notify_read_);
  if (notify_write_ >= 0) ::close(notify_write_);
  if (control_read_ >= 0) ::close(control_read_);
  if (control_write_ >= 0) ::close(control_write_);
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
  notify_task_ = loop.add_read(notify_read_, [this](const Fired& f) { on_notify(f); }, {},
                               {.persistent = true});

  if (wants_child()) {
    start_child();
  } else {
    d_.log.warning("Warning - keepalived has no configuration to run");
    startup_complete_ = true;  // nothing to wait for: a child started later is a reload's
    d_.systemd.ready(::getpid());
  }
}

bool Parent::wants_child() const {
  if (d_.options.check_only) return false;  // -C: checkers only, and vigil has none
  if (d_.options.all_children) return true;
  // An unusable config still gets a child: it reports the problem and exits with CONFIG.
  return !config_ || config_->has_instances;
}

// Memory (issue 8): once a child has the configuration (inherited with fork), the parent keeps
// only the small settings and the files' bytes — enough for the checks at a reload, the dumps,
// and a respawned child, which parses those bytes again (RunConfig::files) and so runs exactly
// what was checked. The model and the instance list (~3 KB per instance) go, and the freed
// pages go back to the kernel.
void Parent::slim_config() {
  if (!config_ || (!config_->model && config_->instances.empty())) return;
  config_->model.reset();
  std::vector<InstanceConfig>().swap(config_->instances);
  ::malloc_trim(0);
}

void Parent::start_child() {
  restart_timer_.cancel();
  const pid_t parent = ::getpid();
  d_.log.pause_for_fork();  // the log writer threads hold nothing while we fork
  const pid_t pid = ::fork();
  if (pid != 0) d_.log.resume_after_fork();
  if (pid < 0) {
    d_.log.error("VRRP child process: fork error({})", std::strerror(errno));
    restart_timer_ = d_.loop.add_timer(std::chrono::seconds(1), [this](const Fired&) { start_child(); });
    return;
  }
  if (pid == 0) {
    ChildSetup setup;
    setup.options = &d_.options;
    setup.loader = &d_.loader;
    setup.vrrp_pidfile = &d_.vrrp_pidfile;
    setup.notify_fd = notify_write_;
    setup.control_fd = control_read_;
    setup.parent_pid = parent;
    setup.names = d_.names;
    setup.config = config_ ? &*config_ : nullptr;
    setup.drop_inherited = [this] {
      d_.loop.close_after_fork();  // we are inside one of its callbacks: never return into it
      d_.main_pidfile.abandon();
      ::close(notify_read_);
      ::close(control_write_);
      d_.log.abandon_sinks_after_fork();
    };
    run_vrrp_child(std::move(setup));
  }
  slim_config();
  child_pid_ = pid;
  child_started_ = d_.loop.clock().now();
  d_.log.info("Starting VRRP child process, pid={}", pid);
  child_task_ = d_.loop.add_child(pid, [this](const Fired& f) { on_child_event(f); });
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
  child_pid_ = 0;
  const auto ran_for = d_.loop.clock().now() - child_started_;

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
  const auto delay = backoff_.next_delay(ran_for);
  d_.log.info("Restart of VRRP process delayed {} seconds to limit respawn rate", delay.count());
  // During a reload, the new child reads the new configuration and its 'L' completes the reload.
  if (delay.count() == 0) {
    start_child();
  } else {
    restart_timer_ = d_.loop.add_timer(delay, [this](const Fired&) { start_child(); });
  }
}

void Parent::on_notify(const Fired& f) {
  if (f.reason != Reason::ready) return;
  char buf[64];
  for (;;) {
    const ssize_t n = ::read(notify_read_, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == kNotifyLoaded) {
        if (!startup_complete_) {
          startup_complete_ = true;
          d_.log.info("Startup complete");
          d_.systemd.ready(::getpid());
        } else if (reloading_) {
          finish_reload();  // a child (re)started during a reload loaded the new file
        }
      } else if (buf[i] == kNotifyReloaded && reloading_) {
        finish_reload();
      }
    }
  }
}

void Parent::reload() {
  if (stopping_) return;
  if (reloading_ || config_test_pid_ > 0) {
    reload_queued_ = true;
    return;
  }
  d_.log.info("Reloading ...");
  d_.systemd.reloading();
  if (config_ && config_->settings.reload_check_config) {
    check_then_reload();
  } else {
    apply_reload();
  }
}

// keepalived forks `keepalived --config-test=LOG` and reloads only if it exits 0.
void Parent::check_then_reload() {
  const auto& s = config_->settings;
  const std::string log = s.reload_check_log.empty() ? "/dev/null" : s.reload_check_log;
  std::vector<std::string> args = {"vigild", "--config-test=" + log, "-f", d_.options.config_file};
  if (!d_.options.config_id.empty()) args.push_back("--config-id=" + d_.options.config_id);
  if (d_.options.all_config) args.push_back("-e");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  // posix_spawn: safe from a process with threads (the log writers), unlike fork + code.
  const int err = ::posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ);
  if (err != 0) {
    d_.log.error("Unable to run the configuration check ({}) - reloading without it", std::strerror(err));
    apply_reload();
    return;
  }
  config_test_pid_ = pid;
  config_test_task_ = d_.loop.add_child(pid, [this](const Fired& f) { on_config_test_done(f); });
}

void Parent::on_config_test_done(const Fired& f) {
  config_test_pid_ = 0;
  if (stopping_) return;
  const int code = f.exit_code();
  if (code != 0) {
    const auto& log = config_->settings.reload_check_log;
    d_.log.error("New config failed validation{} - not reloading",
                 log.empty() ? "" : fmt::format(", see {} for details", log));
    d_.systemd.ready(::getpid());
    if (reload_queued_) {
      reload_queued_ = false;
      reload();
    }
    return;
  }
  apply_reload();
}

// A few bytes on the control pipe (child.h); false if they could not be written whole.
bool Parent::send_control(std::string_view message) {
  const ssize_t n = ::write(control_write_, message.data(), message.size());
  return n == static_cast<ssize_t>(message.size());
}

// The running child reads the file at the same time as we check it (each process has a core to
// itself on anything but a single-CPU machine): it runs what it read only on our verdict, and
// only if it read the same bytes — so a reload costs one parse of latency, not two in a row.
void Parent::apply_reload() {
  const bool child_reads = child_pid_ > 0 && send_control(std::string_view(&kControlParse, 1));
  auto loaded = d_.loader.load(d_.options.config_file);
  for (const auto& m : loaded.messages) d_.log.error("{}", m);
  if (loaded.config) {
    // keepalived abandons a reload that would rename the process's namespace or instance.
    const auto& ns = loaded.config->settings.net_namespace;
    const char* what = nullptr;
    if (loaded.config->settings.instance != d_.names.instance) {
      what = "instance name";
    } else if (d_.options.net_namespace.empty() && ns != d_.names.net_namespace) {
      what = "network namespace";
    }
    if (what != nullptr) {
      d_.log.error("Cannot change {} at a reload - please restart keepalived", what);
      loaded.config.reset();
    }
  }
  if (!loaded.config) {
    if (child_reads) (void)send_control(std::string_view(&kControlDrop, 1));
    d_.log.error("Reload aborted: configuration '{}' has errors - keeping the running configuration",
                 d_.options.config_file);
    d_.systemd.ready(::getpid());
    return;
  }
  config_ = std::move(loaded.config);
  if (child_pid_ > 0) {
    reloading_ = true;
    char verdict[9] = {kControlApply};
    const std::uint64_t fp = config_->files ? fingerprint(*config_->files) : 0;
    std::memcpy(verdict + 1, &fp, sizeof fp);
    if (!child_reads || !send_control(std::string_view(verdict, sizeof verdict))) {
      ::kill(child_pid_, SIGHUP);  // the child reads the file again itself
    }
    slim_config();
  } else if (!restart_timer_ && wants_child()) {
    reloading_ = true;
    start_child();
  } else {
    d_.log.info("Reload complete");
    d_.systemd.ready(::getpid());
  }
}

void Parent::finish_reload() {
  reloading_ = false;
  d_.log.info("Reload complete");
  d_.systemd.ready(::getpid());
  if (reload_queued_) {
    reload_queued_ = false;
    reload();
  }
}

void Parent::stop(int exit_code) {
  if (stopping_) return;
  stopping_ = true;
  d_.log.info("Stopping");
  d_.systemd.stopping();
  restart_timer_.cancel();
  const auto wait = config_ ? config_->child_wait_time : std::chrono::milliseconds(5000);
  d_.loop.start_terminate(
      [this, wait](const Fired&) {
        if (child_pid_ <= 0) return;
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
  if (config_) {
    text += fmt::format(" Router ID = {}\n", config_->router_id);
    text += fmt::format(" Child wait time = {} ms\n", config_->child_wait_time.count());
  }
  text += "------< Processes >------\n";
  text += fmt::format(" Parent pid = {}\n", ::getpid());
  text += fmt::format(" VRRP child pid = {}\n", child_pid_);
  const auto path = dump_paths(std::getenv("TMPDIR"), config_ ? config_->settings : ProcessSettings{},
                               d_.names).parent_data;
  if (int err = write_file_atomically(path, text); err) {
    d_.log.error("Unable to write parent data - {}", std::strerror(err));
  }
}

}  // namespace vigil::daemon
