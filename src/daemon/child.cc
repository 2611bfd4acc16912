#include "daemon/child.h"

#include <malloc.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "daemon/child_link.h"
#include "daemon/config_loader.h"
#include "daemon/dump_files.h"
#include "daemon/engine_runtime.h"
#include "daemon/exit_codes.h"
#include "daemon/log.h"
#include "daemon/log_setup.h"
#include "daemon/pidfile.h"
#include "daemon/process_paths.h"
#include "daemon/runtime.h"
#include "daemon/signal_names.h"
#include "daemon/systemd_notify.h"
#include "event/loop.h"

namespace vigil::daemon {

namespace {

using event::Fired;
using event::TaskHandle;

ChildReport report_of(const LoadResult& loaded) {
  ChildReport r;
  if (loaded.settings) r.settings = *loaded.settings;
  if (loaded.config) {
    r.usable = true;
    r.has_instances = loaded.config->has_instances;
    r.settings = loaded.config->settings;
    r.router_id = loaded.config->router_id;
    r.child_wait_time = loaded.config->child_wait_time;
  }
  return r;
}

// keepalived refuses a file that would rename the process's namespace or instance (a restart is
// needed): logged, and the file is treated as unusable.
bool renames_process(const LoadResult& loaded, const Options& options, const ProcessNames& names,
                     Logger& log) {
  if (!loaded.config) return false;
  const ProcessSettings& s = loaded.config->settings;
  const char* what = nullptr;
  if (s.instance != names.instance) {
    what = "instance name";
  } else if (options.net_namespace.empty() && s.net_namespace != names.net_namespace) {
    what = "network namespace";
  }
  if (what == nullptr) return false;
  log.error("Cannot change {} at a reload - please restart keepalived", what);
  return true;
}

// Sends `kind` with the report and, for a usable configuration, its files in a memfd.
void report_to_parent(int link, char kind, const ChildReport& report, const FileTexts* files) {
  const int fd = files != nullptr ? snapshot_to_memfd(*files) : -1;
  (void)send_message(link, kind, encode_report(report), fd);
  if (fd >= 0) ::close(fd);
}

class VrrpChild {
 public:
  VrrpChild(const ChildSetup& setup, ConfigLoader& loader, Pidfile& pidfile, Logger& log,
            event::Loop& loop, VrrpRuntime& runtime)
      : setup_(setup), loader_(loader), pidfile_(pidfile), log_(log), loop_(loop), runtime_(runtime) {}

  // Starts the runtime with the configuration read at start; an exit code if it cannot run.
  std::optional<int> start(RunConfig cfg, const ProcessNames& names) {
    names_ = names;
    cfg.files.reset();  // sent to the parent already
    settings_ = cfg.settings;
    runtime_.start(std::move(cfg));
    trim_soon();
    if (runtime_.missing_interface()) return kExitConfig;  // keepalived: no dynamic_interfaces → exit 2
    install_signals();
    handles_.push_back(loop_.add_read(setup_.link_fd, [this](const Fired& f) {
      if (f.reason == event::Reason::ready) read_link();
    }, {}, {.persistent = true}));
    tell_parent(kReportLoaded);
    return std::nullopt;
  }

  void finish() {
    runtime_.stop_phase2();
    pidfile_.remove();
    log_.info("Stopped");
  }

 private:
  void install_signals() {
    handles_.push_back(loop_.add_signal(SIGHUP, [this](const Fired&) { reload(); }));
    handles_.push_back(loop_.add_signal(SIGTERM, [this](const Fired&) { stop(); }));
    handles_.push_back(loop_.add_signal(SIGINT, [this](const Fired&) { stop(); }));
    handles_.push_back(loop_.add_signal(SIGUSR1, [this](const Fired&) { dump_data(); }));
    handles_.push_back(loop_.add_signal(SIGUSR2, [this](const Fired&) { dump_stats(false); }));
    handles_.push_back(
        loop_.add_signal(stats_clear_signal(), [this](const Fired&) { dump_stats(true); }));
    handles_.push_back(loop_.add_signal(json_signal(), [this](const Fired&) { dump_json(); }));
  }

  // The parent's orders. Also called before acting on a signal the parent forwarded: it wrote
  // 'H' before forwarding, so a dump asked for after a reload shows the reloaded configuration.
  void read_link() {
    LinkMessage m;
    while (receive_message(setup_.link_fd, m, /*wait=*/false) == Received::message) {
      if (m.fd >= 0) ::close(m.fd);
      if (m.kind == kOrderReload) reload();
      if (m.kind == kOrderQuit) stop();
    }
  }

  void tell_parent(char what) { (void)send_message(setup_.link_fd, what); }

  // One parse; the running configuration stays unless the new file is usable and keeps the
  // process's names. The parent hears 'R' (with the new settings and files) or 'F'.
  void reload() {
    if (stopping_) return;
    using Ms = std::chrono::duration<double, std::milli>;
    const auto t0 = std::chrono::steady_clock::now();
    auto loaded = loader_.load(setup_.options->config_file);
    const auto t1 = std::chrono::steady_clock::now();
    for (const auto& m : loaded.messages) log_.error("{}", m);
    if (!loaded.config || renames_process(loaded, *setup_.options, names_, log_)) {
      tell_parent(kReportReloadFailed);
      return;
    }
    log_.info("Reloading");
    const ChildReport report = report_of(loaded);
    std::shared_ptr<const FileTexts> files = std::move(loaded.config->files);
    settings_ = loaded.config->settings;
    runtime_.reload(std::move(*loaded.config));
    const auto t2 = std::chrono::steady_clock::now();
    loaded = {};
    report_to_parent(setup_.link_fd, kReportReloaded, report, files.get());
    log_.detail("Reload: file read in {:.1f} ms, applied in {:.1f} ms, reported after {:.1f} ms",
                Ms(t1 - t0).count(), Ms(t2 - t1).count(), Ms(std::chrono::steady_clock::now() - t0).count());
    trim_soon();
  }

  // What only building the runtime needed (most of the model: runtime.h compact()) goes, and
  // the pages freed by a start or reload (the old runtime, the parse) go back to the kernel —
  // ~1 ms at 1,000 instances, so not on the reload's critical path: a moment later.
  void trim_soon() {
    trim_ = loop_.add_timer(std::chrono::milliseconds(200), [this](const Fired&) {
      runtime_.compact();
      ::malloc_trim(0);
    });
  }

  void stop() {
    if (stopping_) return;
    stopping_ = true;
    loop_.start_terminate([this](const Fired&) {
      const auto linger = runtime_.stop_phase1();
      if (linger.count() > 0) {
        linger_ = loop_.add_shutdown_timer(linger, [](const Fired&) {});
      }
    });
  }

  void write_dump(const std::string& path, const std::string& text) {
    if (int err = write_file_atomically(path, text); err != 0) {
      log_.error("Unable to write {} - {}", path, std::strerror(err));
    }
    // A JSON dump of 1,000 instances builds ~5 MB of small nodes, freed by now: back to the
    // kernel at once (~1 ms, after the file is written), or an exporter polling the dump keeps
    // that peak resident.
    ::malloc_trim(0);
  }

  DumpPaths paths() const { return dump_paths(std::getenv("TMPDIR"), settings_, names_); }

  void dump_data() {
    read_link();
    log_.info("Printing VRRP data for process({}) on signal", ::getpid());
    write_dump(paths().data, runtime_.dump_data());
  }

  void dump_stats(bool clear) {
    read_link();
    log_.info("Printing {}VRRP stats for process({}) on signal", clear ? "and clearing " : "",
              ::getpid());
    // One vigil line after keepalived's per-instance blocks, unindented: the exporters that
    // parse this file by indentation skip it.
    write_dump(paths().stats,
               runtime_.dump_stats() + fmt::format("Log lines dropped: {}\n", log_.dropped()));
    if (clear) runtime_.clear_stats();
  }

  void dump_json() {
    read_link();
    log_.info("Printing VRRP as json for process({}) on signal", ::getpid());
    if (auto text = runtime_.dump_json()) write_dump(paths().json, *text);
  }

  const ChildSetup& setup_;
  ConfigLoader& loader_;
  Pidfile& pidfile_;
  Logger& log_;
  event::Loop& loop_;
  VrrpRuntime& runtime_;
  std::vector<TaskHandle> handles_;
  TaskHandle linger_;
  TaskHandle trim_;
  ProcessSettings settings_;
  ProcessNames names_;
  bool stopping_ = false;
};

// Reads the configuration the way `setup.how` says. `names` gets the names the child runs under.
LoadResult read_configuration(const ChildSetup& setup, ConfigLoader& loader, ProcessNames& names,
                              std::string& fatal) {
  const Options& o = *setup.options;
  std::shared_ptr<const FileTexts> snapshot;
  if (setup.how == ChildStart::respawn && setup.snapshot_fd >= 0) {
    if (auto files = snapshot_from_fd(setup.snapshot_fd)) {
      snapshot = std::make_shared<const FileTexts>(std::move(*files));
    }
  }
  if (setup.snapshot_fd >= 0) ::close(setup.snapshot_fd);
  LoadResult loaded = loader.load(o.config_file, std::move(snapshot));
  if (setup.how != ChildStart::first) return loaded;
  names = process_names(o, loaded.settings.value_or(ProcessSettings{}));
  // `net_namespace NAME` in the file (and no -s): enter it, then read the file again there —
  // its interface names are the namespace's.
  if (o.net_namespace.empty() && !names.net_namespace.empty()) {
    if (!enter_network_namespace(names.net_namespace, fatal)) return loaded;
    loaded = loader.load(o.config_file);
  }
  return loaded;
}

int child_main(ChildSetup& setup) {
  const Options& o = *setup.options;
  // Orders meant for a child that died are still in the link: dropped.
  for (LinkMessage m; receive_message(setup.link_fd, m, false) == Received::message;) {
    if (m.fd >= 0) ::close(m.fd);
  }
  auto loader = make_config_loader(o);
  ProcessNames names = setup.names;
  std::string fatal;
  LoadResult loaded = read_configuration(setup, *loader, names, fatal);

  Logger log(o.log_detail);
  configure_logger(log, o, ProcessRole::vrrp_child, names);
  if (!fatal.empty()) {
    log.error("{}", fatal);
    return kExitFatal;
  }
  // A configuration that runs may still carry warnings (an unknown keyword…), as keepalived
  // logs them at start; one that cannot run gets its errors.
  for (const auto& m : loaded.messages) {
    if (loaded.config) {
      log.warning("{}", m);
    } else {
      log.error("{}", m);
    }
  }
  if (setup.how != ChildStart::first && renames_process(loaded, o, setup.names, log)) loaded.config.reset();

  const ChildReport report = report_of(loaded);
  report_to_parent(setup.link_fd, kReportSettings, report,
                   loaded.config && loaded.config->files ? loaded.config->files.get() : nullptr);
  LinkMessage answer;
  for (;;) {
    const Received got = receive_message(setup.link_fd, answer, /*wait=*/true);
    if (got == Received::closed) return kExitOk;  // the parent is gone
    if (got != Received::message) continue;
    if (answer.kind == kOrderGo || answer.kind == kOrderQuit) break;
    if (answer.fd >= 0) ::close(answer.fd);
  }
  if (answer.kind == kOrderQuit) return kExitOk;

  Pidfile pidfile = Pidfile::adopt(answer.payload, answer.fd);
  // The parent's lock and file: only a normal stop (VrrpChild::finish) unlinks it.
  struct Abandon {
    Pidfile& p;
    ~Abandon() { p.abandon(); }
  } keep_file{pidfile};
  if (auto written = pidfile.write_pid(::getpid()); !written) {
    log.error("VRRP child process: cannot write pidfile ({})", written.error().message);
    return kExitFatal;
  }
  if (!loaded.config) {
    log.error("VRRP child process: configuration '{}' cannot be used", o.config_file);
    return kExitConfig;
  }

  event::MonotonicClock clock;
  event::Loop loop(clock, {.log = [&log](event::Severity s, std::string_view m) {
                     log.log(s == event::Severity::error ? LogLevel::err : LogLevel::info, m);
                   }});
  EngineRuntime runtime(loop, log);
  runtime.keep_addresses_on_stop(o.dont_release_vrrp);
  VrrpChild child(setup, *loader, pidfile, log, loop, runtime);
  RunConfig cfg = std::move(*loaded.config);
  loaded = {};
  if (auto failed = child.start(std::move(cfg), names)) return *failed;
  const int code = loop.run();
  child.finish();
  return code;
}

}  // namespace

void run_vrrp_child(ChildSetup setup) {
  // If the parent dies from now on, we get SIGTERM (handled by our loop once it exists; until
  // then the signal stays blocked — the parent's loop blocked it — and pending; a child still
  // waiting for the parent's answer sees the link close instead).
  (void)::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != setup.parent_pid) _exit(kExitOk);  // it died before prctl took effect

  if (setup.drop_inherited) setup.drop_inherited();
  SystemdNotifier::forget_in_child();
  ::signal(SIGPIPE, SIG_IGN);

  const int code = child_main(setup);
  _exit(code);
}

}  // namespace vigil::daemon
