// vigild — the vigil daemon: keepalived's command line, process model and signals.
// See daemon/parent.h (parent) and daemon/child.h (VRRP child).
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "daemon/config_loader.h"
#include "daemon/exit_codes.h"
#include "daemon/log.h"
#include "daemon/log_setup.h"
#include "daemon/options.h"
#include "daemon/parent.h"
#include "daemon/process_paths.h"
#include "daemon/systemd_notify.h"
#include "daemon/version_text.h"
#include "event/loop.h"

namespace {

using namespace vigil::daemon;

// Relative paths would break after daemonising (chdir "/"): the working directory in front, as
// std::filesystem::absolute does — without its code in the parent's pages (issue 8).
std::string absolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) return path;
  std::string abs = cwd;
  if (abs.back() != '/') abs += '/';
  return abs + path;
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

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

void log_config_dump(Logger& log, const Options& o) {
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

// The parent does not parse the configuration (issue 8: its RSS is the code it touches): the
// VRRP child reads it and reports what the parent needs (daemon/parent.h). A missing file is
// found here, as keepalived does, before daemonising.
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
  // -s NAME: run in the network namespace `ip netns` calls NAME.
  if (std::string why; !o.net_namespace.empty() && !enter_network_namespace(o.net_namespace, why)) {
    log.error("{}", why);
    return kExitFatal;
  }
  if (!file_exists(o.config_file)) {
    log.error("Config files missing '{}'.", o.config_file);
    log.info("Stopped {}", compat_version_line());
    return kExitNoConfig;
  }
  if (o.dump_conf) log_config_dump(log, o);  // -d: the only parse in the parent

  if (!o.dont_fork) {
    log.clear_sinks();  // flushed here; reopened below in the daemon process
    if (!daemonise(o.log_console)) return kExitFatal;
    configure_logger(log, o, ProcessRole::parent);
  }
  SystemdNotifier systemd(o.dont_fork);
  (void)::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::signal(SIGPIPE, SIG_IGN);

  int code = kExitOk;
  bool refused = false;
  {
    vigil::event::MonotonicClock clock;
    vigil::event::Loop loop(clock, {.log = [&log](vigil::event::Severity s, std::string_view m) {
                              log.log(s == vigil::event::Severity::error ? LogLevel::err
                                                                         : LogLevel::info,
                                      m);
                            }});
    Parent parent({o, log, loop, systemd});
    parent.start();
    code = loop.run();
    parent.remove_pidfiles();
    refused = parent.refused_to_start();
  }
  if (!refused) log.info("Stopped {}", compat_version_line());
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
