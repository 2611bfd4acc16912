#include "daemon/log.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <ctime>

namespace vigil::daemon {

void Logger::log(LogLevel level, std::string_view message) {
  const auto now = std::chrono::system_clock::now();
  for (auto& sink : sinks_) sink->write(level, now, message);
}

SyslogSink::SyslogSink(std::string ident, int facility) : ident_(std::move(ident)) {
  openlog(ident_.c_str(), LOG_PID, facility);
}

SyslogSink::~SyslogSink() { closelog(); }

void SyslogSink::write(LogLevel level, std::chrono::system_clock::time_point,
                       std::string_view message) {
  syslog(static_cast<int>(level), "%.*s", static_cast<int>(message.size()), message.data());
}

std::string console_line(std::chrono::system_clock::time_point when, std::string_view message) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[64];
  const std::size_t n = std::strftime(stamp, sizeof stamp, "%a %b %e %H:%M:%S %Y", &tm);
  std::string line(stamp, n);
  line += ": ";
  line += message;
  line += '\n';
  return line;
}

namespace {

// One write(2) for the whole line; a short write or EINTR is retried, anything else dropped
// (a logger must not fail its caller).
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

void ConsoleSink::write(LogLevel, std::chrono::system_clock::time_point when,
                        std::string_view message) {
  write_all(fd_, console_line(when, message));
}

FileSink::FileSink(const std::string& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) {}

FileSink::~FileSink() {
  if (fd_ >= 0) ::close(fd_);
}

void FileSink::write(LogLevel, std::chrono::system_clock::time_point when,
                     std::string_view message) {
  if (fd_ >= 0) write_all(fd_, console_line(when, message));
}

std::string child_log_file_name(std::string_view path, std::string_view suffix) {
  const std::size_t slash = path.rfind('/');
  const std::size_t dot = path.rfind('.');
  std::string out(path);
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    out += '_';
    out += suffix;
  } else {
    out.insert(dot, std::string("_") + std::string(suffix));
  }
  return out;
}

}  // namespace vigil::daemon
