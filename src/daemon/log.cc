#include "daemon/log.h"

#include <ctime>

namespace vigil::daemon {

Logger::~Logger() { clear_sinks(); }

void Logger::abandon_sinks_after_fork() {
  for (auto& s : sinks_) (void)s.release();  // intentionally leaked, see the header
  sinks_.clear();
}

std::uint64_t Logger::dropped() const {
  std::uint64_t n = 0;
  for (const auto& s : sinks_) n += s->dropped();
  return n;
}

void Logger::log(LogLevel level, std::string_view message) {
  const auto now = std::chrono::system_clock::now();
  for (auto& sink : sinks_) sink->write(level, now, message);
}

std::string console_line(std::chrono::system_clock::time_point when, std::string_view message) {
  // The stamp changes once a second: a mass takeover logs thousands of lines within it, so it is
  // made once per second (per thread) rather than with localtime_r + strftime per line.
  struct Stamp {
    std::time_t second = -1;
    char text[64];
    std::size_t size = 0;
  };
  thread_local Stamp stamp;
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  if (t != stamp.second) {
    std::tm tm{};
    localtime_r(&t, &tm);
    stamp.size = std::strftime(stamp.text, sizeof stamp.text, "%a %b %e %H:%M:%S %Y", &tm);
    stamp.second = t;
  }
  std::string line;
  line.reserve(stamp.size + 2 + message.size() + 1);
  line.append(stamp.text, stamp.size);
  line += ": ";
  line += message;
  line += '\n';
  return line;
}

std::string insert_before_extension(std::string_view path, const std::vector<std::string>& parts) {
  std::string add;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    add += '_';
    add += p;
  }
  const std::size_t slash = path.rfind('/');
  const std::size_t dot = path.rfind('.');
  std::string out(path);
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    out += add;
  } else {
    out.insert(dot, add);
  }
  return out;
}

std::string child_log_file_name(std::string_view path, std::string_view suffix) {
  return insert_before_extension(path, {std::string(suffix)});
}

}  // namespace vigil::daemon
