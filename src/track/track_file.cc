// track/track_file.cc — inotify watch of tracked files' directories.
#include "track/track_file.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <limits>
#include <system_error>

#include <fmt/format.h>

namespace vigil::track {

std::int64_t parse_file_value(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  std::int64_t v = 0;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const int d = s[i] - '0';
    if (v > (kMax - d) / 10) return negative ? std::numeric_limits<std::int64_t>::min() : kMax;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

TrackFileWatcher::TrackFileWatcher(event::Loop& loop, LogFn log, OnChange on_change)
    : loop_(loop),
      log_(std::move(log)),
      on_change_(std::move(on_change)),
      inotify_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (!inotify_) throw std::system_error(errno, std::generic_category(), "inotify_init1");
  watch_ = loop_.add_read(inotify_.get(), [this] { on_readable(); }, std::nullopt,
                          {.persistent = true});
}

std::int64_t TrackFileWatcher::read_value(const File& f) const {
  net::Fd fd(::open(f.config.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return 0;
  char buf[64];
  const ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n <= 0) return 0;
  return parse_file_value(std::string_view(buf, static_cast<std::size_t>(n)));
}

net::Result<std::size_t> TrackFileWatcher::add(TrackFileConfig config) {
  File f;
  const std::size_t slash = config.path.rfind('/');
  f.dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : config.path.substr(0, slash));
  f.base = slash == std::string::npos ? config.path : config.path.substr(slash + 1);
  if (f.base.empty()) return net::Error{EINVAL, "track_file " + config.name + ": no file name"};

  if (config.init_file &&
      (config.init_overwrite || ::access(config.path.c_str(), F_OK) != 0)) {
    net::Fd fd(::open(config.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) return net::errno_error("track_file " + config.name + ": create " + config.path);
    const std::string text = fmt::format("{}\n", config.init_value);
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      return net::errno_error("track_file " + config.name + ": write " + config.path);
    }
  }
  f.wd = ::inotify_add_watch(inotify_.get(), f.dir.c_str(),
                             IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
  if (f.wd < 0) {
    return net::errno_error("track_file " + config.name + ": inotify_add_watch " + f.dir);
  }
  f.config = std::move(config);
  f.value = read_value(f);
  files_.push_back(std::move(f));
  return files_.size() - 1;
}

void TrackFileWatcher::on_readable() {
  alignas(inotify_event) char buf[4096];
  std::vector<bool> touched(files_.size(), false);
  for (;;) {
    const ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
    if (n <= 0) break;  // EAGAIN: drained
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) {  // lost events: re-read everything
        touched.assign(files_.size(), true);
        continue;
      }
      if (ev->len == 0) continue;
      const std::string_view name(ev->name);
      for (std::size_t i = 0; i < files_.size(); ++i) {
        if (files_[i].wd == ev->wd && files_[i].base == name) touched[i] = true;
      }
    }
  }
  for (std::size_t i = 0; i < files_.size(); ++i) {
    if (!touched[i]) continue;
    const std::int64_t v = read_value(files_[i]);
    if (v == files_[i].value) continue;
    files_[i].value = v;
    if (on_change_) on_change_(i, v);
  }
}

}  // namespace vigil::track
