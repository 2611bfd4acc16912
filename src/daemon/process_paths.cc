#include "daemon/process_paths.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "daemon/log.h"

namespace vigil::daemon {

PidfilePaths pidfile_paths(const Options& o, const ProcessNames& names, bool use_pid_dir) {
  PidfilePaths p{o.pidfile, o.vrrp_pidfile, {}};
  if (names.empty() && !use_pid_dir) return p;
  std::string dir(kPidDir);
  p.dirs.push_back(dir);
  if (!names.net_namespace.empty()) {
    dir += "/keepalived_" + names.net_namespace;
    p.dirs.push_back(dir);
  }
  const std::string suffix = names.instance.empty() ? "" : "_" + names.instance;
  if (!o.pidfile_given) p.main = dir + "/keepalived" + suffix + ".pid";
  if (!o.vrrp_pidfile_given) p.vrrp = dir + "/vrrp" + suffix + ".pid";
  if (o.pidfile_given && o.vrrp_pidfile_given) p.dirs.clear();
  return p;
}

namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string choose(const std::string& dflt, const std::string& override_path) {
  if (override_path.empty()) return dflt;
  const std::string base = dflt.substr(dflt.rfind('/') + 1);
  if (override_path.ends_with('/')) return override_path + base;
  if (is_directory(override_path)) return override_path + "/" + base;
  return override_path;
}

}  // namespace

DumpPaths dump_paths(const char* tmpdir_env, const ProcessSettings& s, const ProcessNames& names) {
  DumpPaths p = dump_paths(tmpdir_env);
  p.data = choose(p.data, s.state_dump_file);
  p.stats = choose(p.stats, s.stats_dump_file);
  p.json = choose(p.json, s.json_dump_file);
  if (s.data_use_instance && !names.empty()) {
    const std::vector<std::string> parts{names.net_namespace, names.instance};
    for (std::string* f : {&p.data, &p.parent_data, &p.stats, &p.json}) {
      *f = insert_before_extension(*f, parts);
    }
  }
  return p;
}

ProcessNames process_names(const Options& o, const ProcessSettings& s) {
  return {o.net_namespace.empty() ? s.net_namespace : o.net_namespace, s.instance};
}

bool enter_network_namespace(const std::string& name, std::string& why) {
  const std::string path = "/run/netns/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
    why = fmt::format("Unable to enter network namespace {} ({}) - {}", name, path, std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace vigil::daemon
