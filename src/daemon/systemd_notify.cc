#include "daemon/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

namespace vigil::daemon {

namespace {

// The notification protocol (systemd's sd_notify(3) and its "Interface Portability and
// Stability" promise): one datagram of newline-separated VAR=value assignments sent to the
// AF_UNIX socket named by $NOTIFY_SOCKET — a file system path ("/run/systemd/notify") or,
// with a leading '@', a name in the abstract namespace. Written here rather than linking
// libsystemd, so vigild stays a static binary without libsystemd and what it pulls in.
// Returns the address length, or 0 when the variable names no AF_UNIX socket we can reach
// (sd_notify also speaks vsock; systemd never hands that to a service on the host).
socklen_t notify_address(const char* name, sockaddr_un& addr) {
  addr = sockaddr_un{};
  addr.sun_family = AF_UNIX;
  const std::size_t len = std::strlen(name);
  if (len < 2 || len > sizeof addr.sun_path) return 0;
  if (name[0] == '@') {
    // Abstract: sun_path starts with a NUL, the name is the len-1 bytes after '@' (no
    // terminating NUL counted in the length).
    std::memcpy(addr.sun_path + 1, name + 1, len - 1);
    return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
  }
  if (name[0] != '/' || len == sizeof addr.sun_path) return 0;  // a path needs room for its NUL
  std::memcpy(addr.sun_path, name, len);
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len + 1);
}

}  // namespace

SystemdNotifier::SystemdNotifier(bool foreground) {
  const char* sock = std::getenv("NOTIFY_SOCKET");
  enabled_ = foreground && sock != nullptr && sock[0] != '\0';
}

// Best effort, like sd_notify: a message systemd cannot get is dropped, never an error of ours.
// A fresh socket per message (a handful per daemon lifetime) keeps no descriptor open that a
// forked child or a script could inherit.
void SystemdNotifier::send(std::string_view text) {
  if (!enabled_) return;
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (name == nullptr) return;
  sockaddr_un addr;
  const socklen_t addr_len = notify_address(name, addr);
  if (addr_len == 0) return;
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  (void)::sendto(fd, text.data(), text.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), addr_len);
  ::close(fd);
}

void SystemdNotifier::ready(pid_t main_pid) { send(fmt::format("READY=1\nMAINPID={}", main_pid)); }
void SystemdNotifier::reloading() { send("RELOADING=1"); }
void SystemdNotifier::stopping() { send("STOPPING=1"); }
void SystemdNotifier::error(int err) { send(fmt::format("ERRNO={}", err)); }

void SystemdNotifier::forget_in_child() { ::unsetenv("NOTIFY_SOCKET"); }

}  // namespace vigil::daemon
