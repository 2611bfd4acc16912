// Process-test harness for vigild: a network namespace of our own, a temp dir for pidfiles,
// TMPDIR and logs, and a vigild launched inside the namespace with the test's arguments.
// Everything waits on a condition with an explicit timeout (wait_until); nothing sleeps blindly.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "netns_harness.h"

namespace vigil::daemon::test {

// `ip netns add` with a unique name, a veth pair d0/d1 (up) and lo up; deleted on destruction.
class Netns {
 public:
  Netns();
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;
  const std::string& name() const { return name_; }
  bool ok() const { return ok_; }

 private:
  std::string name_;
  bool ok_ = false;
};

// A temp directory, removed (with its files) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Polls `cond` every 10 ms until it holds or `timeout` passes. True if it held.
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

using vigil::testing::pid_in;     // tests/netns/lib
using vigil::testing::read_file;
using vigil::testing::bound_unix_datagram;
void write_file(const std::string& path, const std::string& text);
bool alive(pid_t pid);          // exists and is not a zombie
pid_t parent_of(pid_t pid);     // from /proc/<pid>/stat, 0 if gone
std::vector<std::string> lines_of(const std::string& text);

// A running vigild (our direct child). stdout+stderr go to `log` (use -l so logs land there).
class Vigild {
 public:
  // `enter_ns` false: start it in the test's own namespace (for -s NAME).
  // `argv` (non-empty): run that command line instead (a wrapper that execs vigild in place).
  Vigild(const Netns& ns, const TempDir& dir, std::vector<std::string> args,
         std::vector<std::string> extra_env = {}, bool enter_ns = true,
         std::vector<std::string> argv = {});
  ~Vigild();  // SIGKILL + reap if still running
  pid_t pid() const { return pid_; }
  std::string log() const { return read_file(log_path_); }
  bool log_has(const std::string& text) const { return log().find(text) != std::string::npos; }
  // Waits for the process to exit; its exit code (or 128+signal), nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  bool reaped_ = false;
};

// Runs vigild to completion with `args` (no namespace); returns {exit code, stdout, stderr}.
struct RunResult {
  int code = -1;
  std::string out, err;
};
RunResult run_vigild(const std::vector<std::string>& args);

// A one-instance configuration on d0 (the netns veth).
std::string one_instance_config(int vrid = 51, int priority = 100, const std::string& extra = "");

}  // namespace vigil::daemon::test
