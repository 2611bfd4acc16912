// vigild_process_fixture.h — the fixture shared by the process tests (vigild_process_test.cc:
// lifecycle, respawn and stop; vigild_process_options_test.cc: signals, reload, notifications
// and command-line options). Not in an unnamed namespace: GoogleTest needs one fixture class
// for the suite across both files.
// Process tests: a real vigild (parent + VRRP child) in a network namespace of the test's own,
// driven with real signals. Pidfiles, TMPDIR (dump files) and logs live in a temp dir.
#pragma once

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "harness.h"

namespace vigil::daemon::test {

using namespace std::chrono_literals;

// Start-up is config parse + fork + the child's own parse: milliseconds; 5 s leaves room for
// sanitizer builds on a loaded 2-core machine.
inline constexpr auto kStartTimeout = 5000ms;
// A respawn with back-off delay 0 must produce a new child within 1 s (the requirement itself).
inline constexpr auto kRespawnTimeout = 1000ms;
// Stop: the child stops at once (no engine to linger for); the parent waits at most
// child_wait_time (5 s default) before SIGKILL — so 5 s + 1 s margin.
inline constexpr auto kStopTimeout = 6000ms;
// A dump is written by the child as soon as the forwarded signal is read: 2 s is generous.
inline constexpr auto kDumpTimeout = 2000ms;

// kill(2) that refuses pid <= 0: a missing pidfile must fail the test, not signal our own
// process group (kill(0, …)) or every process (kill(-1, …)).
inline int signal_pid(pid_t pid, int sig) {
  if (pid <= 0) {
    ADD_FAILURE() << "refusing to signal pid " << pid;
    return -1;
  }
  return ::kill(pid, sig);
}

class VigildProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ns_.ok()) << "cannot create a network namespace (needs root)";
    conf_ = dir_.file("keepalived.conf");
    pidfile_ = dir_.file("keepalived.pid");
    vrrp_pidfile_ = dir_.file("vrrp.pid");
    write_file(conf_, one_instance_config());
  }

  std::vector<std::string> base_args() const {
    return {"-n", "-l", "-G", "-f", conf_, "-p", pidfile_, "-r", vrrp_pidfile_};
  }

  // Starts vigild and waits until both pidfiles name live processes and the child reported
  // its configuration loaded.
  std::unique_ptr<Vigild> start(std::vector<std::string> extra_args = {},
                                std::vector<std::string> env = {}) {
    auto args = base_args();
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto d = std::make_unique<Vigild>(ns_, dir_, args, env);
    const bool up = wait_until(
        [&] {
          auto p = pid_in(pidfile_);
          auto c = pid_in(vrrp_pidfile_);
          return p && c && alive(*c) && d->log_has("Startup complete");
        },
        kStartTimeout);
    EXPECT_TRUE(up) << d->log();
    return d;
  }

  pid_t child_pid() const { return pid_in(vrrp_pidfile_).value_or(0); }

  // Kills the current child and waits for a different, live child pid in the pidfile.
  pid_t kill_child_and_wait(std::chrono::milliseconds timeout) {
    const pid_t old = child_pid();
    if (signal_pid(old, SIGKILL) != 0) return 0;
    pid_t fresh = 0;
    wait_until(
        [&] {
          fresh = child_pid();
          return fresh != 0 && fresh != old && alive(fresh);
        },
        timeout);
    return fresh != old ? fresh : 0;
  }

  Netns ns_;
  TempDir dir_;
  std::string conf_, pidfile_, vrrp_pidfile_;
};

}  // namespace vigil::daemon::test
