// daemon/log.h — the daemon's logger: one Logger object, passed by reference, fanning each line
// out to the sinks the command line asked for (syslog unless -G, console with -l, file with -g).
//
// Lines use keepalived's wording (reference §1, §5.1) so existing log greps keep working; syslog
// idents are keepalived's too (`Keepalived` for the parent, `Keepalived_vrrp` for the VRRP child).
// `-D` turns on detail lines (Logger::detail()).
//
// Logging never blocks the event loop: the daemon's sinks are AsyncSinks (daemon/async_sink.h)
// — the line is formatted on the loop thread, queued (bounded, drop-and-count) and written by a
// writer thread. The destinations themselves (console, file, syslog socket) are LineWriters
// (daemon/log_writers.h); SyncSink writes through one directly (tests, tools).
//
//   Logger log(options.log_detail);
//   log.add_sink(std::make_unique<AsyncSink>(std::make_unique<ConsoleWriter>(2)));
//   log.info("Starting VRRP child process, pid={}", pid);
#pragma once

#include <chrono>
#include <cstdint>
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
  // Lines this sink had to drop because its destination could not keep up.
  virtual std::uint64_t dropped() const { return 0; }
  // Around fork(): park any helper thread so the child inherits no lock held mid-operation.
  virtual void pause_for_fork() {}
  virtual void resume_after_fork() {}
};

class Logger {
 public:
  explicit Logger(int detail = 0) : detail_(detail) {}
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void add_sink(std::unique_ptr<LogSink> sink) { sinks_.push_back(std::move(sink)); }
  // Flushes (AsyncSink: bounded wait) and closes every sink.
  void clear_sinks() { sinks_.clear(); }
  // In a child right after fork(): forget the parent's sinks without running their destructors
  // (their writer threads do not exist here, their locks may be held). Leaks them on purpose.
  void abandon_sinks_after_fork();
  // The forking process, right before and right after fork() (see LogSink::pause_for_fork).
  void pause_for_fork() {
    for (auto& s : sinks_) s->pause_for_fork();
  }
  void resume_after_fork() {
    for (auto& s : sinks_) s->resume_after_fork();
  }
  int detail() const { return detail_; }
  // Sum of every sink's dropped lines.
  std::uint64_t dropped() const;

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

// keepalived's per-process file names: `_<part>` inserted before the last `.` of the basename
// (appended if there is none), for each non-empty part. `/tmp/keepalived.log` + "vrrp" →
// `/tmp/keepalived_vrrp.log`.
std::string child_log_file_name(std::string_view path, std::string_view suffix);
std::string insert_before_extension(std::string_view path, const std::vector<std::string>& parts);

}  // namespace vigil::daemon
