#include "daemon/systemd_notify.h"

#include <dlfcn.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <fmt/format.h>
#include <string>

namespace vigil::daemon {

SystemdNotifier::SystemdNotifier(bool foreground) {
  const char* sock = std::getenv("NOTIFY_SOCKET");
  enabled_ = foreground && sock != nullptr && sock[0] != '\0';
}

namespace {

// libsystemd is loaded only when a notification is actually sent (a foreground daemon under
// systemd): linking it would make every start-up — `vigild -t` above all — map and relocate it
// and the libraries it pulls in (libgcrypt, liblzma, libzstd, liblz4, libcap: ~1 ms).
using SdNotifyFn = decltype(&sd_notify);

SdNotifyFn load_sd_notify() {
  void* lib = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) return nullptr;
  return reinterpret_cast<SdNotifyFn>(::dlsym(lib, "sd_notify"));
}

}  // namespace

void SystemdNotifier::send(std::string_view text) {
  if (!enabled_) return;
  static const SdNotifyFn notify = load_sd_notify();
  if (notify == nullptr) return;
  const std::string msg(text);
  (void)notify(0, msg.c_str());
}

void SystemdNotifier::ready(pid_t main_pid) { send(fmt::format("READY=1\nMAINPID={}", main_pid)); }
void SystemdNotifier::reloading() { send("RELOADING=1"); }
void SystemdNotifier::stopping() { send("STOPPING=1"); }
void SystemdNotifier::error(int err) { send(fmt::format("ERRNO={}", err)); }

void SystemdNotifier::forget_in_child() { ::unsetenv("NOTIFY_SOCKET"); }

}  // namespace vigil::daemon
