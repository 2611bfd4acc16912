// daemon/dump_files.h — where the dump files go and how they are written.
//
// `<tmp>` is $TMPDIR if it is an absolute path naming an existing directory, else /tmp
// (reference §1.5). Files: keepalived.data (VRRP child, SIGUSR1), keepalived_parent.data (parent,
// SIGUSR1), keepalived.stats (SIGUSR2 / STATS_CLEAR), keepalived.json (JSON signal).
// Every file is written atomically — a temp file in the same directory, then rename(2) — so an
// exporter polling the file never reads half of it. Mode 0600, as keepalived's umask leaves them.
#pragma once

#include <string>
#include <string_view>

namespace vigil::daemon {

struct DumpPaths {
  std::string data, parent_data, stats, json;
};

// `tmpdir_env` is getenv("TMPDIR") (may be null).
std::string dump_directory(const char* tmpdir_env);
DumpPaths dump_paths(const char* tmpdir_env);

// Write `content` to `path` via temp file + rename. Returns 0 or an errno.
int write_file_atomically(const std::string& path, std::string_view content);

}  // namespace vigil::daemon
