// tests/unit/track/helpers.h — temp dirs, script files and "run the loop until" for track tests.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
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

// (stdio, not istreambuf_iterator: g++ 12 -O2 -Wnull-dereference trips inside <streambuf>.)
inline std::string read_file(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "re")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
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
