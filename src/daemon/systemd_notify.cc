#include "daemon/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <fmt/format.h>
#include <string>

namespace vigil::daemon {

SystemdNotifier::SystemdNotifier(bool foreground) {
  const char* sock = std::getenv("NOTIFY_SOCKET");
  enabled_ = foreground && sock != nullptr && sock[0] != '\0';
}

void SystemdNotifier::send(std::string_view text) {
  if (!enabled_) return;
  const std::string msg(text);
  (void)sd_notify(0, msg.c_str());
}

void SystemdNotifier::ready(pid_t main_pid) { send(fmt::format("READY=1\nMAINPID={}", main_pid)); }
void SystemdNotifier::reloading() { send("RELOADING=1"); }
void SystemdNotifier::stopping() { send("STOPPING=1"); }
void SystemdNotifier::error(int err) { send(fmt::format("ERRNO={}", err)); }

void SystemdNotifier::forget_in_child() { ::unsetenv("NOTIFY_SOCKET"); }

}  // namespace vigil::daemon
