// tests/unit/track/helpers.h — temp dirs, script files and "run the loop until" for track tests.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "event/loop.h"

namespace vigil::track::testing {

// A private directory under /tmp (mkdtemp: 0700, root's when run as root), removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/vigil_track_XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string write_script(const std::string& path, const std::string& body,
                                mode_t mode = 0755) {
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), mode);
  return path;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs the loop (blocking in epoll, never sleeping) until `done` or `limit` has passed.
// Returns done().
inline bool run_until(event::Loop& loop, const std::function<bool()>& done,
                      event::Duration limit) {
  bool expired = false;
  event::TaskHandle guard = loop.add_timer(limit, [&] { expired = true; });
  while (!done() && !expired) loop.run_once(true);
  return done();
}

struct LogCapture {
  std::vector<std::string> lines;
  auto sink() {
    return [this](event::Severity, std::string_view m) { lines.emplace_back(m); };
  }
  bool contains(const std::string& s) const {
    for (const auto& l : lines) {
      if (l == s) return true;
    }
    return false;
  }
  std::size_t count_prefix(const std::string& p) const {
    std::size_t n = 0;
    for (const auto& l : lines) n += l.rfind(p, 0) == 0 ? 1 : 0;
    return n;
  }
};

}  // namespace vigil::track::testing
