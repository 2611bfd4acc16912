// track/notifier.cc — running notify scripts and writing FIFO lines.
#include "track/notifier.h"

#include <signal.h>

#include <cstdlib>

#include <fmt/format.h>

#include "track/command.h"

namespace vigil::track {

namespace {

// Single-quotes a word for /bin/sh.
std::string sh_quote(const std::string& w) {
  std::string q = "'";
  for (char c : w) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  q += '\'';
  return q;
}

}  // namespace

net::Result<NotifyCommand> NotifyCommand::prepare(const std::string& line, Credentials creds) {
  auto words = split_command(line);
  if (!words) return words.error();
  if (auto file = find_executable(words->front(), std::getenv("PATH"))) {
    return NotifyCommand(SpawnCommand::make(std::move(*file), std::move(*words)),
                         std::move(creds), false, line);
  }
  return NotifyCommand(SpawnCommand::make("/bin/sh", {"sh", "-c", line}), std::move(creds), true,
                       line);
}

SpawnCommand NotifyCommand::with_args(const std::vector<std::string>& extra) const {
  if (via_shell_) {
    std::string line = line_;
    for (const auto& w : extra) line += ' ' + sh_quote(w);
    return SpawnCommand::make("/bin/sh", {"sh", "-c", std::move(line)});
  }
  std::vector<std::string> argv = command_.argv();
  argv.insert(argv.end(), extra.begin(), extra.end());
  return SpawnCommand::make(command_.file(), std::move(argv));
}

Notifier::Notifier(event::Loop& loop, Spawner& spawner, LogFn log)
    : loop_(loop), spawner_(spawner), log_(std::move(log)) {}

Notifier::~Notifier() {
  if (fifo_script_pid_ > 0 && fifo_script_watch_.active()) ::kill(fifo_script_pid_, SIGTERM);
}

void Notifier::add_fifo(FifoWriter fifo) { fifos_.push_back(std::move(fifo)); }

net::Status Notifier::start_fifo_script(const NotifyCommand& cmd, const std::string& fifo_path) {
  auto pid = spawner_.spawn(cmd.with_args({fifo_path}), cmd.credentials());
  if (!pid) return pid.error();
  fifo_script_pid_ = *pid;
  fifo_script_watch_ = loop_.add_child(*pid, [this](const event::Fired& f) {
    if (log_) {
      log_(Severity::warning, fmt::format("Notify FIFO script (pid {}) exited with status {}",
                                          f.pid, f.exit_code()));
    }
  });
  return {};
}

void Notifier::run(const SpawnCommand& cmd, const Credentials& creds, bool stop_state) {
  // Keep the order: while earlier scripts wait for a retry, later ones queue behind them.
  if (retries_.empty() && try_run(cmd, creds, stop_state)) return;
  retries_.push_back(Retry{.cmd = cmd, .creds = creds, .stop_state = stop_state});
  if (!retry_timer_.active()) retry_timer_ = loop_.add_timer(kNotifyRetryDelay, [this] { retry_failed(); });
}

void Notifier::retry_failed() {
  std::size_t done = 0;
  for (; done < retries_.size(); ++done) {
    Retry& r = retries_[done];
    if (try_run(r.cmd, r.creds, r.stop_state)) continue;
    if (++r.attempts <= kNotifyRetries) break;
    if (log_) log_(Severity::error, fmt::format("Notify script {} could not be started - giving up", r.cmd.file()));
  }
  retries_.erase(retries_.begin(), retries_.begin() + static_cast<std::ptrdiff_t>(done));
  if (!retries_.empty()) retry_timer_ = loop_.add_timer(kNotifyRetryDelay, [this] { retry_failed(); });
}

bool Notifier::try_run(const SpawnCommand& cmd, const Credentials& creds, bool stop_state) {
  auto pid = spawner_.spawn(cmd, creds);
  if (!pid) {
    ++spawn_failures_;
    if (log_) {
      log_(Severity::error, fmt::format("Failed to run notify script {}: {} - retrying in {} ms", cmd.file(),
                                        pid.error().str(), kNotifyRetryDelay.count()));
    }
    return false;
  }
  const pid_t p = *pid;
  event::TaskHandle watch;
  if (stop_state) {
    watch = loop_.add_child(p, [p](const event::Fired& f) {
      if (f.timed_out()) ::kill(-p, SIGTERM);
    }, kStopScriptTimeout);
  } else {
    watch = loop_.add_child(p, [](const event::Fired&) {});
  }
  watch.release();  // fire and forget: the loop reaps it
  return true;
}

void Notifier::write_fifos(const std::string& line) {
  for (auto& f : fifos_) f.write(line);
}

void Notifier::state_change(NotifyKind kind, const std::string& name, NotifyState state,
                            int priority, const NotifyScripts& scripts) {
  // DELETED only exists for those who asked for it (notify_deleted); everyone else is told FAULT.
  if (state == NotifyState::deleted && !scripts.deleted) state = NotifyState::fault;
  const std::optional<NotifyCommand>* specific = nullptr;
  switch (state) {
    case NotifyState::master: specific = &scripts.master; break;
    case NotifyState::backup: specific = &scripts.backup; break;
    case NotifyState::fault: specific = &scripts.fault; break;
    case NotifyState::stop: specific = &scripts.stop; break;
    case NotifyState::deleted: specific = &scripts.deleted; break;
    default: break;
  }
  const bool stop_state = state == NotifyState::stop;
  if (specific != nullptr && specific->has_value()) {
    run((*specific)->command(), (*specific)->credentials(), stop_state);
  }
  if (scripts.generic) {
    std::vector<std::string> extra =
        generic_notify_argv({}, kind, name, state, priority);
    run(scripts.generic->with_args(extra), scripts.generic->credentials(), stop_state);
  }
  write_fifos(fifo_line(kind, name, state, kind == NotifyKind::group ? 0 : priority));
}

void Notifier::fifo_state(NotifyKind kind, const std::string& name, NotifyState state, int priority) {
  write_fifos(fifo_line(kind, name, state, kind == NotifyKind::group ? 0 : priority));
}

void Notifier::master_rx_lower_pri(const std::string& name, int priority,
                                   const NotifyScripts& scripts) {
  if (scripts.master_rx_lower_pri) {
    run(scripts.master_rx_lower_pri->command(), scripts.master_rx_lower_pri->credentials(), false);
  }
  write_fifos(fifo_line(NotifyKind::instance, name, NotifyState::master_rx_lower_pri, priority));
}

void Notifier::priority_changed(const std::string& name, bool is_master, int priority,
                                const NotifyScripts& scripts) {
  if (!scripts.priority_changes) return;
  write_fifos(fifo_line(NotifyKind::instance, name,
                        is_master ? NotifyState::master_priority : NotifyState::backup_priority,
                        priority));
}

}  // namespace vigil::track
