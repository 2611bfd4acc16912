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
