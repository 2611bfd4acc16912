// track/track_file.h — `track_file NAME { file PATH; weight W [reverse]; init_file [V] [overwrite] }`
// (reference §3.5, §4.5): the integer in a file, watched with inotify.
//
// The file's directory is watched (so the file may be created, replaced by rename, or deleted);
// every close-after-write, move in, move out or delete of the file re-reads it, and a changed
// value is reported. Content is read like strtol: optional blanks, optional sign, digits; no
// number (or no file) reads as 0. The value × weight becomes a contribution through
// file_contribution() (contribution.h).
//
// init_file: at add(), a missing file (or any file, with `overwrite`) is written with VALUE
// (default 0).
//
//   TrackFileWatcher files(loop, log, [&](std::size_t i, std::int64_t v) { recompute(); });
//   auto i = files.add({.name = "tf", .path = "/run/vigil/prio"});
//   files.value(*i);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event/loop.h"
#include "net/fd.h"
#include "net/result.h"
#include "track/log.h"

namespace vigil::track {

struct TrackFileConfig {
  std::string name{};
  std::string path{};
  bool init_file = false;
  std::int64_t init_value = 0;
  bool init_overwrite = false;
};

// The value a file's content stands for (pure).
std::int64_t parse_file_value(std::string_view content);

class TrackFileWatcher {
 public:
  using OnChange = std::function<void(std::size_t index, std::int64_t value)>;

  TrackFileWatcher(event::Loop& loop, LogFn log, OnChange on_change);  // throws if no inotify
  TrackFileWatcher(const TrackFileWatcher&) = delete;
  TrackFileWatcher& operator=(const TrackFileWatcher&) = delete;

  // Applies init_file, reads the current value, and watches the file's directory.
  net::Result<std::size_t> add(TrackFileConfig config);

  std::int64_t value(std::size_t i) const { return files_.at(i).value; }
  const std::string& name(std::size_t i) const { return files_.at(i).config.name; }
  std::size_t size() const { return files_.size(); }

 private:
  struct File {
    TrackFileConfig config;
    std::string dir;
    std::string base;
    int wd = -1;
    std::int64_t value = 0;
  };

  void on_readable();
  std::int64_t read_value(const File& f) const;

  event::Loop& loop_;
  LogFn log_;
  OnChange on_change_;
  net::Fd inotify_;
  event::TaskHandle watch_;
  std::vector<File> files_;
};

}  // namespace vigil::track
