// daemon/systemd_notify.h — sd_notify(3) for Type=notify units (ecosystem.md §0 #10, §2.3).
//
// Enabled only in the foreground (-n) with NOTIFY_SOCKET set (keepalived additionally checks
// that its parent is systemd; vigil follows the plain sd_notify convention, which is also what
// lets the process tests observe the messages on a socket of their own). Messages:
// READY=1 + MAINPID once the VRRP child has loaded its config; RELOADING=1 on SIGHUP and READY=1
// when the child reports the reload done; STOPPING=1 on stop; ERRNO= on a fatal start error.
#pragma once

#include <sys/types.h>

#include <string_view>

namespace vigil::daemon {

class SystemdNotifier {
 public:
  SystemdNotifier(bool foreground);  // reads NOTIFY_SOCKET
  bool enabled() const { return enabled_; }
  void ready(pid_t main_pid);
  void reloading();
  void stopping();
  void error(int err);
  // A forked child must not talk to systemd as the main process.
  static void forget_in_child();

 private:
  void send(std::string_view text);
  bool enabled_ = false;
};

}  // namespace vigil::daemon
