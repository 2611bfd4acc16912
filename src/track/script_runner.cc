// track/script_runner.cc — scheduling, spawning, reaping and killing track scripts.
#include "track/script_runner.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "track/command.h"
#include "track/script_security.h"

namespace vigil::track {

namespace {
// First runs go in batches of kBatch: the scripts of a batch start at the same instant (one timer
// wake-up of the loop for all of them), batches spread evenly over the interval, at most
// kBatchSpacing apart; fixed-rate timers keep a batch together. Their exits wake nobody: with the
// next batch due within event::Options::child_reap_slack (25 ms) the loop reaps at that wake-up.
// Measured with bench_tracking (500 scripts at 1 s, 2 cores; the cost is kernel work: clone, the
// wake-up of the CPU the child lands on, the reap, ~15 µs per loop wake-up on this VM):
//   batches of 2, one wake-up per exit:      ~700 wake-ups/s, vigild 2.8 % of a core (quiet)
//   batches of 5, exits paced (this):        ~100 wake-ups/s, runner 1.4–1.7 % (load 1.7–2.3)
//   batches of 10, exits paced:               ~60 wake-ups/s, runner 1.2–1.5 %, same runs
// The price of a batch is start lateness: its later scripts wait for the earlier clones and, on a
// busy machine, for the children that take the CPU. In the same A/B runs batches of 5 kept p99
// at 1.5–1.6 ms and no start later than 10 ms; batches of 10 had p99 2.6–5 ms and, in one run of
// three, 10–58 starts of 10,000 later than 10 ms (vigil descheduled mid-batch for up to 44 ms).
constexpr std::size_t kBatch = 5;
constexpr Duration kBatchSpacing = std::chrono::milliseconds(10);
constexpr Duration kStartSpacing = std::chrono::milliseconds(1);  // scripts added after start()
}  // namespace

struct ScriptRunner::Script {
  Script(ScriptConfig c, SpawnCommand cmd)
      : config(std::move(c)), command(std::move(cmd)), state(config.counting) {}

  ScriptConfig config;
  SpawnCommand command;
  ScriptState state;
  ScriptStats stats;
  event::TaskHandle timer;
  event::TaskHandle child;
  TimePoint due{};  // the deadline the timer is set for
  pid_t pid = 0;
  Phase phase = Phase::idle;
  bool retired = false;
};

ScriptRunner::ScriptRunner(event::Loop& loop, Spawner& spawner, LogFn log, OnChange on_change,
                           ScriptSecurityOptions security)
    : loop_(loop),
      spawner_(spawner),
      log_(std::move(log)),
      on_change_(std::move(on_change)),
      security_(security) {}

ScriptRunner::~ScriptRunner() = default;  // handles cancel the timers and child watches

void ScriptRunner::log(Severity s, const std::string& line) const {
  if (log_) log_(s, line);
}

net::Result<std::size_t> ScriptRunner::add(ScriptConfig config) {
  auto words = split_command(config.command);
  if (!words) {
    log(Severity::error, fmt::format("VRRP_Script({}) {}", config.name, words.error().message));
    return words.error();
  }
  const std::string& name0 = words->front();
  auto file = find_executable(name0, std::getenv("PATH"));
  if (!file) {
    log(Severity::error, fmt::format("Script {} cannot be accessed - {}", name0,
                                     std::strerror(ENOENT)));
    log(Severity::error,
        fmt::format("Disabling track script {} since not found/accessible", config.name));
    return net::Error{ENOENT, "not found: " + name0};
  }
  if (*file != name0) log(Severity::warning, path_search_warning(name0, *file));
  if (security_.check) {
    const uid_t run_uid = config.creds.change ? config.creds.uid : ::geteuid();
    const Vetting v = vet_track_script(config.name, *file, check_script_file(*file, run_uid),
                                       security_.enabled);
    for (const auto& line : v.log) log(v.disable ? Severity::error : Severity::warning, line);
    any_unsafe_ = any_unsafe_ || v.unsafe;
    if (v.disable) return net::Error{EPERM, "script " + config.name + " disabled"};
  }
  if (config.interval <= Duration::zero()) config.interval = std::chrono::seconds(1);
  if (!config.timeout || *config.timeout <= Duration::zero()) config.timeout = config.interval;
  scripts_.push_back(std::make_unique<Script>(
      std::move(config), SpawnCommand::make(std::move(*file), std::move(*words))));
  const std::size_t i = scripts_.size() - 1;
  if (started_) {
    const TimePoint now = loop_.clock().now();
    last_added_start_ = std::max(now, last_added_start_ + kStartSpacing);
    schedule(i, last_added_start_);
  }
  return i;
}

void ScriptRunner::retire(std::size_t i) {
  Script& s = *scripts_.at(i);
  s.retired = true;
  s.timer.cancel();
}

bool ScriptRunner::retired(std::size_t i) const { return scripts_.at(i)->retired; }

void ScriptRunner::start() {
  started_ = true;
  const TimePoint now = loop_.clock().now();
  const auto batches = static_cast<std::int64_t>((scripts_.size() + kBatch - 1) / kBatch);
  for (std::size_t i = 0; i < scripts_.size(); ++i) {
    const Duration spacing = std::min(kBatchSpacing, scripts_[i]->config.interval / std::max<std::int64_t>(batches, 1));
    const TimePoint at = now + spacing * static_cast<std::int64_t>(i / kBatch);
    schedule(i, at);
    last_added_start_ = std::max(last_added_start_, at);
  }
}

void ScriptRunner::schedule(std::size_t i, TimePoint at) {
  Script& s = *scripts_[i];
  s.due = at;
  s.timer = loop_.add_timer_at(at, [this, i] { on_timer(i); });
}

void ScriptRunner::on_timer(std::size_t i) {
  Script& s = *scripts_[i];
  const TimePoint scheduled = s.due;
  const TimePoint now = loop_.clock().now();
  // Fixed rate; after a stall longer than an interval, resume one interval from now.
  TimePoint next = scheduled + s.config.interval;
  if (next <= now) next = now + s.config.interval;
  schedule(i, next);

  if (s.phase != Phase::idle) {
    ++s.stats.skipped;
    log(Severity::warning,
        fmt::format("Track script {} is {}, expect idle - skipping run", s.config.name,
                    s.phase == Phase::running ? "already running" : "being timed out"));
    return;
  }
  if (on_start_) on_start_(i, scheduled, now);
  auto pid = spawner_.spawn(s.command, s.config.creds);
  if (!pid) {
    ++s.stats.spawn_failures;
    log(Severity::error, fmt::format("Failed to start track script {}: {}", s.config.name,
                                     pid.error().str()));
    return;  // retried at the next interval
  }
  if (spawner_.last_exec_errno() != 0) {
    log(Severity::error, fmt::format("Error exec-ing command '{}', error {}: {}",
                                     s.command.file(), spawner_.last_exec_errno(),
                                     std::strerror(spawner_.last_exec_errno())));
  }
  ++s.stats.runs;
  s.pid = *pid;
  s.phase = Phase::running;
  s.child = loop_.add_child(s.pid, [this, i](const event::Fired& f) { on_child(i, f); },
                            *s.config.timeout);
}

void ScriptRunner::on_child(std::size_t i, const event::Fired& f) {
  Script& s = *scripts_[i];
  if (f.timed_out()) {
    escalate(i);
    return;
  }
  if (s.phase != Phase::running) {
    finish(i, RunResult::timed_out());
  } else if (WIFEXITED(f.status)) {
    finish(i, RunResult::exited(WEXITSTATUS(f.status)));
  } else {
    finish(i, RunResult::signalled(WTERMSIG(f.status)));
  }
}

void ScriptRunner::escalate(std::size_t i) {
  Script& s = *scripts_[i];
  auto rewatch = [&](Duration d) {
    s.child = loop_.add_child(s.pid, [this, i](const event::Fired& f) { on_child(i, f); }, d);
  };
  auto signal_group = [&](int sig) {
    if (::kill(-s.pid, sig) == 0) return true;
    // The group is gone (ESRCH): the script exited and its SIGCHLD is on its way; a group
    // we may not signal is as good as lost.
    return ::kill(s.pid, sig) == 0;
  };
  switch (s.phase) {
    case Phase::running:
      ++s.stats.timeouts;
      s.phase = Phase::terminating;
      if (!signal_group(SIGTERM) && errno != ESRCH) break;
      rewatch(escalation_.after_term);
      return;
    case Phase::terminating:
      s.phase = Phase::killing;
      if (!signal_group(SIGKILL) && errno != ESRCH) break;
      rewatch(escalation_.after_kill);
      return;
    case Phase::killing:
      s.phase = Phase::abandoning;
      log(Severity::error, fmt::format("Child ({}) process {} failed to terminate after kill",
                                       s.config.name, s.pid));
      rewatch(escalation_.give_up);
      return;
    case Phase::abandoning:
    case Phase::idle:
      break;
  }
  log(Severity::error,
      fmt::format("Track script {} process {} lost - giving up", s.config.name, s.pid));
  finish(i, RunResult::timed_out());
}

void ScriptRunner::finish(std::size_t i, RunResult r) {
  Script& s = *scripts_[i];
  s.phase = Phase::idle;
  s.pid = 0;
  if (s.retired) return;
  const ScriptChange c = s.state.record(r, s.config.name);
  for (const auto& line : c.log) log(Severity::info, line);
  if (c.state_changed && on_change_) on_change_(i, health(i));
}

Health ScriptRunner::health(std::size_t i) const {
  const ScriptState& st = scripts_.at(i)->state;
  if (st.ok()) return Health::up;
  if (st.failed()) return Health::down;
  return Health::unknown;
}

const ScriptState& ScriptRunner::state(std::size_t i) const { return scripts_.at(i)->state; }
const ScriptStats& ScriptRunner::stats(std::size_t i) const { return scripts_.at(i)->stats; }
pid_t ScriptRunner::running_pid(std::size_t i) const { return scripts_.at(i)->pid; }

}  // namespace vigil::track
