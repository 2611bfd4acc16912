#include "daemon/log_writers.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

namespace vigil::daemon {

namespace {

// One write(2) for the whole line; a short write or EINTR is retried, anything else dropped.
void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void ConsoleWriter::write_line(std::string_view line) { write_all(fd_, line); }

FileWriter::FileWriter(const std::string& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) {}

FileWriter::~FileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void FileWriter::write_line(std::string_view line) {
  if (fd_ >= 0) write_all(fd_, line);
}

SyslogWriter::SyslogWriter(std::string ident, int facility, pid_t pid, std::string socket_path)
    : ident_(std::move(ident)), facility_(facility), pid_(pid), path_(std::move(socket_path)) {}

SyslogWriter::~SyslogWriter() {
  if (fd_ >= 0) ::close(fd_);
}

std::string SyslogWriter::format(LogLevel level, std::chrono::system_clock::time_point when,
                                 std::string_view message) const {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[32];
  const std::size_t n = std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
  return fmt::format("<{}>{} {}[{}]: {}", facility_ | static_cast<int>(level),
                     std::string_view(stamp, n), ident_, pid_, message);
}

bool SyslogWriter::connect_socket() {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  return true;
}

void SyslogWriter::write_line(std::string_view line) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !connect_socket()) return;  // no syslog daemon: the line is lost, as with syslog(3)
    ssize_t n;
    do {
      n = ::send(fd_, line.data(), line.size(), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n >= 0) return;
    // The daemon behind the socket went away (journald restart): reconnect once.
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace vigil::daemon
