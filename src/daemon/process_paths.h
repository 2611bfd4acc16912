// daemon/process_paths.h — the file names keepalived derives from its settings (reference §1.4,
// §1.5), computed in one place for the parent and the VRRP child.
//
// Pidfiles (unless -p / -r name them):
//   default                 /run/keepalived.pid            /run/vrrp.pid
//   instance NAME           /run/keepalived/keepalived_NAME.pid   /run/keepalived/vrrp_NAME.pid
//   use_pid_dir             /run/keepalived/keepalived.pid       /run/keepalived/vrrp.pid
//   network namespace NS    /run/keepalived/keepalived_NS/keepalived[_NAME].pid, vrrp[_NAME].pid
// keepalived puts the namespace case in a private mount namespace with
// /run/keepalived/keepalived_NS bind-mounted on /run/keepalived; vigil writes the same files at
// the path the host sees, without the mount namespace (docs/compat.md).
//
// Dump files: <tmp>/keepalived.data|.stats|.json and keepalived_parent.data, where
// `state_dump_file` / `stats_dump_file` / `json_dump_file` replace the path (a directory keeps
// the default file name inside it), and `data_use_instance` inserts `_<namespace>_<instance>`
// before the extension.
#pragma once

#include <string>
#include <vector>

#include "daemon/dump_files.h"
#include "daemon/options.h"
#include "daemon/run_config.h"

namespace vigil::daemon {

inline constexpr std::string_view kPidDir = "/run/keepalived";

struct PidfilePaths {
  std::string main, vrrp;
  std::vector<std::string> dirs;  // directories to create (in order) and to remove if left empty
};

PidfilePaths pidfile_paths(const Options& options, const ProcessNames& names, bool use_pid_dir);

// `tmpdir_env` is getenv("TMPDIR") (may be null).
DumpPaths dump_paths(const char* tmpdir_env, const ProcessSettings& settings,
                     const ProcessNames& names);

// The names a process runs under: -s beats the file's net_namespace.
ProcessNames process_names(const Options& options, const ProcessSettings& settings);

// Join the network namespace `ip netns` calls NAME (/run/netns/NAME), for the calling thread.
// false with keepalived's message in `why` on failure. keepalived also creates the namespace if
// needed and bind-mounts a private /run/keepalived; vigild only joins an existing one.
bool enter_network_namespace(const std::string& name, std::string& why);

}  // namespace vigil::daemon
