// track/notifier.h — notify scripts and notify FIFOs for instances and sync groups
// (reference §5.5, §5.6, §4.13).
//
// Per transition, in keepalived's order: the state's own script (notify_master, ...), then the
// generic `notify` (configured words + TYPE NAME STATE PRIORITY), then one line on every FIFO.
// Scripts are fire-and-forget children (each watched with a no-op child task the loop reaps;
// a STOP script is given 1 s and then its process group is sent SIGTERM). They run as their
// configured user, in their own process group, with PR_SET_PDEATHSIG (see spawn.h).
//
//   Notifier n(loop, spawner, log);
//   n.add_fifo(*FifoWriter::open("/run/vrrp.fifo"));
//   auto scripts = NotifyScripts{.master = *NotifyCommand::prepare("/etc/k/up.sh eth0", creds)};
//   n.state_change(NotifyKind::instance, "VI_1", NotifyState::master, 100, scripts);
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "event/loop.h"
#include "net/result.h"
#include "track/credentials.h"
#include "track/fifo_writer.h"
#include "track/log.h"
#include "track/notify_format.h"
#include "track/spawn.h"

namespace vigil::track {

// A configured notify command, ready to run. keepalived execs the command directly when its
// first word is an executable file (PATH-searched), and otherwise hands the line to /bin/sh.
class NotifyCommand {
 public:
  static net::Result<NotifyCommand> prepare(const std::string& line, Credentials creds);

  // The child's command with `extra` words appended (the generic notify's four arguments).
  SpawnCommand with_args(const std::vector<std::string>& extra) const;
  const SpawnCommand& command() const { return command_; }
  const Credentials& credentials() const { return creds_; }
  bool via_shell() const { return via_shell_; }

 private:
  NotifyCommand(SpawnCommand c, Credentials cr, bool sh, std::string line)
      : command_(std::move(c)), creds_(std::move(cr)), via_shell_(sh), line_(std::move(line)) {}
  SpawnCommand command_;
  Credentials creds_;
  bool via_shell_ = false;
  std::string line_;
};

struct NotifyScripts {
  std::optional<NotifyCommand> master, backup, fault, stop, deleted;
  std::optional<NotifyCommand> generic;                  // `notify`
  std::optional<NotifyCommand> master_rx_lower_pri;      // instances only
  bool priority_changes = false;  // notify_priority_changes / vrrp_notify_priority_changes
};

class Notifier {
 public:
  Notifier(event::Loop& loop, Spawner& spawner, LogFn log);
  ~Notifier();  // SIGTERM to a running FIFO script
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void add_fifo(FifoWriter fifo);
  // Starts `vrrp_notify_fifo_script` / `notify_fifo_script`: the command with the FIFO path as
  // its last argument, watched until it exits.
  net::Status start_fifo_script(const NotifyCommand& cmd, const std::string& fifo_path);

  // An instance (priority: its effective priority) or a group (priority ignored: 0) entered
  // `state` (master, backup, fault, stop, deleted). A removed instance without notify_deleted
  // is reported as FAULT (reference §5.5).
  void state_change(NotifyKind kind, const std::string& name, NotifyState state, int priority,
                    const NotifyScripts& scripts);
  // MASTER saw a lower-priority advert: notify_master_rx_lower_pri + the FIFO line.
  void master_rx_lower_pri(const std::string& name, int priority, const NotifyScripts& scripts);
  // Effective priority changed: MASTER_PRIORITY / BACKUP_PRIORITY FIFO lines, when enabled.
  void priority_changed(const std::string& name, bool is_master, int priority,
                        const NotifyScripts& scripts);

  // Only the FIFO line of a state (fifo_write_vrrp_states_on_reload): no script runs.
  void fifo_state(NotifyKind kind, const std::string& name, NotifyState state, int priority);

  std::size_t fifo_count() const { return fifos_.size(); }
  const FifoWriter& fifo(std::size_t i) const { return fifos_.at(i); }
  std::uint64_t spawn_failures() const { return spawn_failures_; }

 private:
  struct Retry {
    SpawnCommand cmd;
    Credentials creds;
    bool stop_state = false;
    unsigned attempts = 0;
  };
  void run(const SpawnCommand& cmd, const Credentials& creds, bool stop_state);
  bool try_run(const SpawnCommand& cmd, const Credentials& creds, bool stop_state);
  void retry_failed();
  void write_fifos(const std::string& line);

  event::Loop& loop_;
  Spawner& spawner_;
  LogFn log_;
  std::vector<FifoWriter> fifos_;
  pid_t fifo_script_pid_ = 0;
  event::TaskHandle fifo_script_watch_;
  std::uint64_t spawn_failures_ = 0;
  std::vector<Retry> retries_;   // scripts whose fork failed, in order, retried on retry_timer_
  event::TaskHandle retry_timer_;
};

// A notify script whose fork failed (EAGAIN, ENOMEM) is retried after this delay, up to
// kNotifyRetries more times, in the order the notifications were made.
inline constexpr std::chrono::milliseconds kNotifyRetryDelay{100};
inline constexpr unsigned kNotifyRetries = 10;

// The kill delay of STOP-state notify scripts (reference §5.5).
inline constexpr std::chrono::seconds kStopScriptTimeout{1};

}  // namespace vigil::track
