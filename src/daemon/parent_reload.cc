// Parent: SIGHUP (parent.h). The child parses the file once and applies it or refuses it; the
// parent only orders, times and reports.
#include <spawn.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "daemon/parent.h"

namespace vigil::daemon {

using event::Fired;

void Parent::reload() {
  if (stopping_) return;
  // One at a time; a child that is starting (it reads the file or the snapshot) runs first.
  if (reloading_ || config_test_pid_ > 0 || restart_timer_ || (child_pid_ > 0 && phase_ != Phase::running)) {
    reload_queued_ = true;
    return;
  }
  d_.log.info("Reloading ...");
  d_.systemd.reloading();
  if (report_ && report_->settings.reload_check_config) {
    check_then_reload();
  } else {
    apply_reload();
  }
}

// keepalived forks `keepalived --config-test=LOG` and reloads only if it exits 0.
void Parent::check_then_reload() {
  const auto& s = report_->settings;
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
  if (f.exit_code() != 0) {
    const std::string log = report_ ? report_->settings.reload_check_log : std::string();
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

// The running child reads the file and answers 'R' or 'F' (on_report); with no child running
// (no instances until now), a child started for it reads the file and runs it if it has some.
// One byte in an empty link — a reload is never in flight twice — so it cannot find it full;
// SIGHUP is the fallback all the same.
void Parent::apply_reload() {
  reloading_ = true;
  if (child_pid_ > 0 && phase_ == Phase::running) {
    if (!send_message(link_[0], kOrderReload)) ::kill(child_pid_, SIGHUP);
    return;
  }
  start_child(ChildStart::reload);
}

void Parent::reload_aborted() {
  reloading_ = false;
  d_.log.error("Reload aborted: configuration '{}' has errors - keeping the running configuration",
               d_.options.config_file);
  d_.systemd.ready(::getpid());
  if (reload_queued_) {
    reload_queued_ = false;
    reload();
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

}  // namespace vigil::daemon
