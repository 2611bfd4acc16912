// track/script_runner.h — vrrp_script on the event loop (reference §3.4, §2.4, §2.6).
//
// Every script has one timer (period `interval`, fixed-rate: a late start does not shift later
// ones) that starts it as a child watched with `timeout`. Exit 0 = success; any other exit, a
// signal or the timeout = failure; results go through ScriptState (rise/fall) and a change of
// OK/KO is reported through `on_change`. keepalived's lines are logged verbatim.
//
//   Timeout escalation (§2.4):  timeout → SIGTERM to the process group, re-watch 2 s
//                               → SIGKILL to the group, re-watch 2 s
//                               → log "failed to terminate after kill", re-watch 10 s
//                               → give up (counted as timed out; the pid is reaped whenever it dies)
//   The result of a run killed for its timeout is `timed_out`, whenever the child is reaped.
//
// A script that cannot be exec'd exits 127 (a failure, "Script `X` now returning 127").
// A run that comes due while the previous one is still running (or being killed) is skipped with
// `Track script X is already running|being timed out, expect idle - skipping run`. A spawn
// failure (EAGAIN...) is logged and retried at the next interval. The loop never blocks on a
// script: children are only watched through SIGCHLD, and scripts get /dev/null, not pipes, so a
// grandchild that outlives its parent holds nothing vigil waits on.
//
// First runs are spread in batches of 5: batch k of n/5 starts k × min(10 ms, interval/(n/5))
// after start(), so 500 scripts with the same interval neither fork in the same millisecond nor
// wake the loop 500 times a second for their timers (fixed rate keeps the batches together; the
// loop reaps their exits at the next batch's wake-up, see script_runner.cc).
//
//   ScriptRunner runner(loop, spawner, log, [&](std::size_t i, Health h) { recompute(i, h); });
//   auto id = runner.add({.name = "chk", .command = "/usr/bin/chk --port 80", ...});
//   runner.start();
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event/loop.h"
#include "net/result.h"
#include "track/contribution.h"
#include "track/credentials.h"
#include "track/log.h"
#include "track/script_state.h"
#include "track/spawn.h"

namespace vigil::track {

using event::Duration;
using event::TimePoint;

struct ScriptConfig {
  std::string name{};
  std::string command{};              // the `script` line, split by split_command()
  Duration interval = std::chrono::seconds(1);
  std::optional<Duration> timeout{};  // default: interval
  ScriptCounting counting{};          // rise, fall, init_fail
  Credentials creds{};                // user / script_user, resolved
};

struct ScriptSecurityOptions {
  bool check = true;     // run check_script_file() at add()
  bool enabled = false;  // enable_script_security: unsafe scripts are disabled
};

struct ScriptStats {
  std::uint64_t runs = 0;            // children started
  std::uint64_t skipped = 0;         // "already running" skips
  std::uint64_t spawn_failures = 0;  // clone failed
  std::uint64_t timeouts = 0;        // runs killed for their timeout
};

// Escalation delays after a timeout (§2.4); injectable so tests need not wait 2 s.
struct EscalationDelays {
  Duration after_term = std::chrono::seconds(2);
  Duration after_kill = std::chrono::seconds(2);
  Duration give_up = std::chrono::seconds(10);
};

class ScriptRunner {
 public:
  using OnChange = std::function<void(std::size_t index, Health health)>;
  // Called just before each start: the deadline it was scheduled for and the clock reading.
  using OnStart = std::function<void(std::size_t index, TimePoint scheduled, TimePoint now)>;

  ScriptRunner(event::Loop& loop, Spawner& spawner, LogFn log, OnChange on_change,
               ScriptSecurityOptions security = {});
  ~ScriptRunner();
  ScriptRunner(const ScriptRunner&) = delete;
  ScriptRunner& operator=(const ScriptRunner&) = delete;

  // Prepares a script: splits the command, searches PATH, vets the file. A script that cannot
  // run (bad quoting, not found, insecure with security on) is refused with keepalived's log
  // lines already logged; the caller drops it from the instances that track it.
  net::Result<std::size_t> add(ScriptConfig config);

  void start();  // schedules every script's first run (spread, see above)

  // A reload: a script added after start() is scheduled at once (its first run one spacing
  // after the previous add); retire() stops one for good (its timer goes; a run in progress is
  // reaped but not reported). Indexes stay stable: a retired slot is never reused.
  void retire(std::size_t i);
  bool retired(std::size_t i) const;

  Health health(std::size_t i) const;
  const ScriptState& state(std::size_t i) const;
  const ScriptStats& stats(std::size_t i) const;
  pid_t running_pid(std::size_t i) const;  // 0 when idle
  std::size_t size() const { return scripts_.size(); }

  void set_on_start(OnStart f) { on_start_ = std::move(f); }
  void set_escalation(EscalationDelays d) { escalation_ = d; }
  bool any_unsafe() const { return any_unsafe_; }  // for kSecurityViolationLine

 private:
  struct Script;
  enum class Phase : std::uint8_t { idle, running, terminating, killing, abandoning };

  void on_timer(std::size_t i);
  void on_child(std::size_t i, const event::Fired& f);
  void escalate(std::size_t i);
  void finish(std::size_t i, RunResult r);
  void schedule(std::size_t i, TimePoint at);
  void log(Severity s, const std::string& line) const;

  event::Loop& loop_;
  Spawner& spawner_;
  LogFn log_;
  OnChange on_change_;
  OnStart on_start_;
  ScriptSecurityOptions security_;
  EscalationDelays escalation_;
  std::vector<std::unique_ptr<Script>> scripts_;
  bool any_unsafe_ = false;
  bool started_ = false;
  TimePoint last_added_start_{};  // spacing of scripts added after start()
};

}  // namespace vigil::track
