// vigild — the vigil daemon: keepalived's command line, process model and signals.
// See daemon/parent.h (parent) and daemon/child.h (VRRP child).
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/config_loader.h"
#include "daemon/exit_codes.h"
#include "daemon/log.h"
#include "daemon/log_setup.h"
#include "daemon/options.h"
#include "daemon/parent.h"
#include "daemon/pidfile.h"
#include "daemon/process_paths.h"
#include "daemon/systemd_notify.h"
#include "daemon/version_text.h"
#include "event/loop.h"

namespace {

using namespace vigil::daemon;

// Relative paths would break after daemonising (chdir "/").
std::string absolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.string();
}

void make_paths_absolute(Options& o) {
  o.config_file = absolute(o.config_file);
  o.pidfile = absolute(o.pidfile);
  o.vrrp_pidfile = absolute(o.vrrp_pidfile);
  if (o.log_file && !o.log_file->empty()) *o.log_file = absolute(*o.log_file);
}

// Classic daemon(3) steps: fork (the original process exits 0), new session, cwd "/",
// stdio to /dev/null (stderr kept with -l so console logging still goes somewhere).
bool daemonise(bool keep_stderr) {
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid > 0) ::_exit(kExitOk);
  ::setsid();
  if (::chdir("/") != 0) return false;
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    if (!keep_stderr) ::dup2(null, 2);
    if (null > 2) ::close(null);
  }
  return true;
}

void log_banner(Logger& log, const std::vector<std::string>& args, const Options& o) {
  log.info("Starting {}", compat_version_line());
  log.info("{}, a drop-in replacement for the VRRP side of keepalived", vigil_version_line());
  utsname u{};
  if (::uname(&u) == 0) log.info("Running on {} {} {}", u.sysname, u.release, u.version);
  std::string cmd = "Command line:";
  for (const auto& a : args) cmd += fmt::format(" '{}'", a);
  log.info("{}", cmd);
  log.info("Configuration file {}", o.config_file);
}

// -s NAME: run in the network namespace `ip netns` calls NAME (/run/netns/NAME). keepalived
// also creates the namespace if needed and bind-mounts a private /run/keepalived; vigild only
// joins an existing one.
bool enter_namespace(const std::string& name, Logger& log) {
  const std::string path = "/run/netns/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
    log.error("Unable to enter network namespace {} ({}) - {}", name, path, std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

int run_daemon(const std::vector<std::string>& args, Options o) {
  make_paths_absolute(o);
  ::umask(o.umask.value_or(0177));  // keepalived's default: IXUSR|IRWXG|IRWXO
  if (o.core_dump) {
    const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    (void)::setrlimit(RLIMIT_CORE, &unlimited);
  }

  Logger log(o.log_detail);
  configure_logger(log, o, ProcessRole::parent);
  log_banner(log, args, o);
  if (!o.net_namespace.empty() && !enter_namespace(o.net_namespace, log)) return kExitFatal;

  auto loader = make_config_loader(o);
  LoadResult initial = loader->load(o.config_file);
  // `net_namespace NAME` in the file (and no -s): enter it, then read the file again there —
  // its interface names are the namespace's.
  if (o.net_namespace.empty() && initial.settings && !initial.settings->net_namespace.empty()) {
    if (!enter_namespace(initial.settings->net_namespace, log)) return kExitFatal;
    initial = loader->load(o.config_file);
  }
  if (initial.missing) {
    for (const auto& m : initial.messages) log.error("{}", m);
    log.info("Stopped {}", compat_version_line());
    return kExitNoConfig;
  }
  // Problems are reported by the child, which exits CONFIG if it cannot run (keepalived's split).
  // A configuration that runs may still carry warnings (an unknown keyword…): logged here once,
  // as keepalived logs them at start.
  if (initial.config)
    for (const auto& m : initial.messages) log.warning("{}", m);
  if (o.dump_conf) {
    std::string why;
    if (auto json = dump_config_json(o, why)) {
      for (std::size_t pos = 0; pos < json->size();) {
        const std::size_t nl = json->find('\n', pos);
        log.info("{}", json->substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
        if (nl == std::string::npos) break;
        pos = nl + 1;
      }
    } else {
      log.error("Unable to dump the configuration: {}", why);
    }
  }

  const ProcessSettings settings = initial.settings.value_or(ProcessSettings{});
  const ProcessNames names = process_names(o, settings);
  if (!names.empty()) configure_logger(log, o, ProcessRole::parent, names);  // idents with the names
  const PidfilePaths paths = pidfile_paths(o, names, settings.use_pid_dir);
  o.pidfile = paths.main;
  o.vrrp_pidfile = paths.vrrp;
  for (const auto& dir : paths.dirs) (void)::mkdir(dir.c_str(), 0755);

  if (!o.dont_fork) {
    log.clear_sinks();  // flushed here; reopened below in the daemon process
    if (!daemonise(o.log_console)) return kExitFatal;
    configure_logger(log, o, ProcessRole::parent, names);
  }
  SystemdNotifier systemd(o.dont_fork);

  // Directories we made for the pidfiles go when the daemon does, if nothing else is in them.
  struct RemoveDirs {
    const std::vector<std::string>& dirs;
    ~RemoveDirs() {
      for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) (void)::rmdir(it->c_str());
    }
  } remove_dirs{paths.dirs};
  auto main_pf = Pidfile::acquire(o.pidfile);
  if (!main_pf) {
    log.error("{}", main_pf.error().message);
    if (main_pf.error().kind == PidfileError::Kind::locked) log.info("daemon is already running");
    systemd.error(EEXIST);
    return kExitOk;  // keepalived ends quietly: another instance is running
  }
  if (auto w = main_pf->write_pid(::getpid()); !w) {
    log.error("{}", w.error().message);
    return kExitFatal;
  }
  auto vrrp_pf = Pidfile::acquire(o.vrrp_pidfile);
  if (!vrrp_pf) {
    log.error("{}", vrrp_pf.error().message);
    if (vrrp_pf.error().kind == PidfileError::Kind::locked) log.info("daemon is already running");
    return kExitOk;
  }

  (void)::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::signal(SIGPIPE, SIG_IGN);

  int code = kExitOk;
  {
    vigil::event::MonotonicClock clock;
    vigil::event::Loop loop(clock, {.log = [&log](vigil::event::Severity s, std::string_view m) {
                              log.log(s == vigil::event::Severity::error ? LogLevel::err
                                                                         : LogLevel::info,
                                      m);
                            }});
    Parent parent({o, names, log, *loader, loop, systemd, *main_pf, *vrrp_pf}, std::move(initial.config));
    parent.start();
    code = loop.run();
  }
  vrrp_pf->remove();
  main_pf->remove();
  log.info("Stopped {}", compat_version_line());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  ParseResult r = parse_command_line(args);
  std::fputs(r.err.c_str(), stderr);
  std::fputs(r.out.c_str(), stdout);
  if (r.action != Action::run) return r.exit_code;

  Options& o = r.options;
  for (const auto& w : o.warnings) std::fprintf(stderr, "%s\n", w.c_str());
  if (!o.unexpected_args.empty()) {
    std::string text = "Unexpected argument(s): ";
    for (const auto& a : o.unexpected_args) text += a + " ";
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  if (o.config_test) return run_config_test(o);
  return run_daemon(args, std::move(o));
}
