// daemon/log.h — the daemon's logger: one Logger object, passed by reference, fanning each line
// out to the sinks the command line asked for (syslog unless -G, console with -l, file with -g).
//
// Lines use keepalived's wording (reference §1, §5.1) so existing log greps keep working; syslog
// idents are keepalived's too (`Keepalived` for the parent, `Keepalived_vrrp` for the VRRP child).
// `-D` turns on detail lines (Logger::detail()).
//
// Sinks are behind an interface so that a non-blocking sink (bounded queue, drop-and-count) can
// replace the direct ones later without touching callers. Today every sink writes synchronously
// with one write(2)/syslog(3) per line.
//
//   Logger log(options.log_detail);
//   log.add_sink(std::make_unique<ConsoleSink>());
//   log.info("Starting VRRP child process, pid={}", pid);
#pragma once

#include <chrono>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::daemon {

// syslog(3) priorities, same numbers.
enum class LogLevel : int { emerg = 0, alert, crit, err, warning, notice, info, debug };

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(LogLevel level, std::chrono::system_clock::time_point when,
                     std::string_view message) = 0;
};

class Logger {
 public:
  explicit Logger(int detail = 0) : detail_(detail) {}
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void add_sink(std::unique_ptr<LogSink> sink) { sinks_.push_back(std::move(sink)); }
  void clear_sinks() { sinks_.clear(); }
  int detail() const { return detail_; }

  void log(LogLevel level, std::string_view message);

  template <typename... A>
  void alert(fmt::format_string<A...> f, A&&... a) { log(LogLevel::alert, fmt::format(f, std::forward<A>(a)...)); }
  template <typename... A>
  void error(fmt::format_string<A...> f, A&&... a) { log(LogLevel::err, fmt::format(f, std::forward<A>(a)...)); }
  template <typename... A>
  void warning(fmt::format_string<A...> f, A&&... a) { log(LogLevel::warning, fmt::format(f, std::forward<A>(a)...)); }
  template <typename... A>
  void notice(fmt::format_string<A...> f, A&&... a) { log(LogLevel::notice, fmt::format(f, std::forward<A>(a)...)); }
  template <typename... A>
  void info(fmt::format_string<A...> f, A&&... a) { log(LogLevel::info, fmt::format(f, std::forward<A>(a)...)); }
  // Only with -D.
  template <typename... A>
  void detail(fmt::format_string<A...> f, A&&... a) {
    if (detail_ > 0) log(LogLevel::info, fmt::format(f, std::forward<A>(a)...));
  }

 private:
  int detail_;
  std::vector<std::unique_ptr<LogSink>> sinks_;
};

// syslog(3), opened with `ident` and LOG_PID; closed on destruction. One per process.
class SyslogSink final : public LogSink {
 public:
  SyslogSink(std::string ident, int facility);
  ~SyslogSink() override;
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;
  void write(LogLevel level, std::chrono::system_clock::time_point when,
             std::string_view message) override;

 private:
  std::string ident_;  // openlog keeps the pointer
};

// keepalived's console format: `Sun Nov 22 05:17:52 2026: message` on the given fd (stderr).
class ConsoleSink final : public LogSink {
 public:
  explicit ConsoleSink(int fd = 2) : fd_(fd) {}
  void write(LogLevel level, std::chrono::system_clock::time_point when,
             std::string_view message) override;

 private:
  int fd_;
};

// Appends to a file (created 0644 if needed) in the console format. Each line is one write(2).
class FileSink final : public LogSink {
 public:
  explicit FileSink(const std::string& path);  // check ok() afterwards
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  bool ok() const { return fd_ >= 0; }
  void write(LogLevel level, std::chrono::system_clock::time_point when,
             std::string_view message) override;

 private:
  int fd_ = -1;
};

// Keeps the lines (tests).
class MemorySink final : public LogSink {
 public:
  explicit MemorySink(std::vector<std::string>& lines) : lines_(lines) {}
  void write(LogLevel, std::chrono::system_clock::time_point, std::string_view message) override {
    lines_.emplace_back(message);
  }

 private:
  std::vector<std::string>& lines_;
};

// `Sun Nov 22 05:17:52 2026: message\n` (local time).
std::string console_line(std::chrono::system_clock::time_point when, std::string_view message);

// keepalived's per-process log file name: `_vrrp` inserted before the last `.` of the basename
// (appended if there is none). `/tmp/keepalived.log` → `/tmp/keepalived_vrrp.log`.
std::string child_log_file_name(std::string_view path, std::string_view suffix);

}  // namespace vigil::daemon
