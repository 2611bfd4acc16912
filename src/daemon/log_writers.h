// daemon/log_writers.h — where log lines end up: console (stderr), a file, syslog's socket.
//
// A LineWriter formats a line (on the logging thread: formatting needs localtime_r, which must
// never run on a helper thread when the process forks) and writes formatted lines (possibly
// blocking: that is why the daemon runs it behind an AsyncSink). SyncSink is the direct,
// blocking pairing for tests and tools.
//
// SyslogWriter talks to /dev/log itself (RFC 3164 datagrams as glibc's syslog(3) sends them:
// `<PRI>Nov 22 08:00:16 Keepalived_vrrp[1234]: message`) instead of calling syslog(3), whose
// process-wide lock a forked child could inherit held by another thread.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "daemon/log.h"

namespace vigil::daemon {

class LineWriter {
 public:
  virtual ~LineWriter() = default;
  virtual std::string format(LogLevel level, std::chrono::system_clock::time_point when,
                             std::string_view message) const = 0;
  // Writes one formatted line; may block. Failures are swallowed (a logger must not fail).
  virtual void write_line(std::string_view line) = 0;
  // A byte stream (console, file): several lines may go in one write_line() call. Not a
  // datagram sink (syslog: one message per line).
  virtual bool stream() const { return false; }
};

// keepalived's console format (console_line) on an fd (stderr by default).
class ConsoleWriter final : public LineWriter {
 public:
  explicit ConsoleWriter(int fd = 2) : fd_(fd) {}
  std::string format(LogLevel, std::chrono::system_clock::time_point when,
                     std::string_view message) const override {
    return console_line(when, message);
  }
  void write_line(std::string_view line) override;
  bool stream() const override { return true; }

 private:
  int fd_;
};

// Appends to a file (created 0644 if needed), console format, one write(2) per call.
class FileWriter final : public LineWriter {
 public:
  explicit FileWriter(const std::string& path);  // check ok()
  ~FileWriter() override;
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;
  bool ok() const { return fd_ >= 0; }
  std::string format(LogLevel, std::chrono::system_clock::time_point when,
                     std::string_view message) const override {
    return console_line(when, message);
  }
  void write_line(std::string_view line) override;
  bool stream() const override { return true; }

 private:
  int fd_ = -1;
};

// Datagrams to the syslog socket; (re)connects lazily, so a journald restart is survived.
class SyslogWriter final : public LineWriter {
 public:
  SyslogWriter(std::string ident, int facility, pid_t pid, std::string socket_path = "/dev/log");
  ~SyslogWriter() override;
  SyslogWriter(const SyslogWriter&) = delete;
  SyslogWriter& operator=(const SyslogWriter&) = delete;
  std::string format(LogLevel level, std::chrono::system_clock::time_point when,
                     std::string_view message) const override;
  void write_line(std::string_view line) override;

 private:
  bool connect_socket();
  std::string ident_;
  int facility_;
  pid_t pid_;
  std::string path_;
  int fd_ = -1;
};

// Formats and writes on the caller's thread (blocking).
class SyncSink final : public LogSink {
 public:
  explicit SyncSink(std::unique_ptr<LineWriter> w) : w_(std::move(w)) {}
  void write(LogLevel level, std::chrono::system_clock::time_point when,
             std::string_view message) override {
    w_->write_line(w_->format(level, when, message));
  }

 private:
  std::unique_ptr<LineWriter> w_;
};

}  // namespace vigil::daemon
