#include "daemon/child.h"

#include <malloc.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>

#include "daemon/dump_files.h"
#include "daemon/engine_runtime.h"
#include "daemon/exit_codes.h"
#include "daemon/log.h"
#include "daemon/log_setup.h"
#include "daemon/process_paths.h"
#include "daemon/runtime.h"
#include "daemon/signal_names.h"
#include "daemon/systemd_notify.h"
#include "event/loop.h"

namespace vigil::daemon {

namespace {

using event::Fired;
using event::TaskHandle;

class VrrpChild {
 public:
  VrrpChild(const ChildSetup& setup, Logger& log, event::Loop& loop, VrrpRuntime& runtime)
      : setup_(setup), log_(log), loop_(loop), runtime_(runtime) {}

  // Loads the config and starts the runtime; returns an exit code if the child cannot run.
  std::optional<int> start() {
    // The parent's checked configuration came with fork(): the child runs exactly the text the
    // parent validated (keepalived's in-memory copy) without parsing it again. Once a child has
    // had the model the parent keeps only the files' bytes: a respawned child parses those.
    // Without either (the file did not check out) the child reads the file to report why, and
    // exits CONFIG.
    RunConfig cfg;
    if (setup_.config != nullptr && setup_.config->model) {
      cfg = std::move(*setup_.config);
    } else {
      std::shared_ptr<const FileTexts> checked = setup_.config ? setup_.config->files : nullptr;
      auto loaded = setup_.loader->load(setup_.options->config_file, std::move(checked));
      if (!loaded.config) {
        for (const auto& m : loaded.messages) log_.error("{}", m);
        log_.error("VRRP child process: configuration '{}' cannot be used", setup_.options->config_file);
        return kExitConfig;
      }
      if (setup_.config == nullptr) {
        for (const auto& m : loaded.messages) log_.error("{}", m);
      }
      cfg = std::move(*loaded.config);
    }
    cfg.files.reset();  // the parent's business
    settings_ = cfg.settings;
    runtime_.start(std::move(cfg));
    trim_soon();
    if (runtime_.missing_interface()) return kExitConfig;  // keepalived: no dynamic_interfaces → exit 2
    install_signals();
    listen_to_parent();
    tell_parent(kNotifyLoaded);
    return std::nullopt;
  }

  void finish() {
    runtime_.stop_phase2();
    setup_.vrrp_pidfile->remove();
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

  // The control pipe (child.h). Whatever is in it was meant for a child that died: dropped.
  void listen_to_parent() {
    if (setup_.control_fd < 0) return;
    char buf[256];
    while (::read(setup_.control_fd, buf, sizeof buf) > 0) {
    }
    handles_.push_back(loop_.add_read(setup_.control_fd, [this](const Fired& f) { on_control(f); }, {},
                                      {.persistent = true}));
  }

  void on_control(const Fired& f) {
    if (f.reason == event::Reason::ready) read_control();
  }

  // Also called before acting on a signal the parent forwarded: the parent wrote its verdict
  // before forwarding it, so a dump asked for after a reload shows the reloaded configuration.
  void read_control() {
    if (setup_.control_fd < 0) return;
    char buf[256];
    for (;;) {
      const ssize_t n = ::read(setup_.control_fd, buf, sizeof buf);
      if (n <= 0) break;
      control_.append(buf, static_cast<std::size_t>(n));
    }
    std::size_t used = 0;
    while (used < control_.size()) {
      const char what = control_[used];
      if (what == kControlParse) {
        parse_for_reload();
        used += 1;
      } else if (what == kControlDrop) {
        if (!pending_.empty()) pending_.pop_front();
        used += 1;
      } else if (what == kControlApply) {
        std::uint64_t fp = 0;
        if (control_.size() - used < 1 + sizeof fp) break;  // the rest is on its way
        std::memcpy(&fp, control_.data() + used + 1, sizeof fp);
        used += 1 + sizeof fp;
        apply_parsed(fp);
      } else {
        used += 1;  // not ours: skip
      }
    }
    control_.erase(0, used);
  }

  // 'P': read the file while the parent checks it; hold the result for its verdict.
  void parse_for_reload() {
    if (stopping_) return;
    pending_.push_back(setup_.loader->load(setup_.options->config_file));
  }

  // 'Y': the parent checked files with fingerprint `fp`.
  void apply_parsed(std::uint64_t fp) {
    if (pending_.empty()) return;
    LoadResult loaded = std::move(pending_.front());
    pending_.pop_front();
    if (stopping_) return;
    log_.info("Reloading");
    for (const auto& m : loaded.messages) log_.error("{}", m);
    if (!loaded.config) {
      log_.error("Reload failed: configuration '{}' cannot be used - keeping the current one",
                 setup_.options->config_file);
    } else if (!loaded.config->files || fingerprint(*loaded.config->files) != fp) {
      log_.error("Reload failed: configuration '{}' changed while it was checked - keeping the current "
                 "one; reload again",
                 setup_.options->config_file);
    } else {
      settings_ = loaded.config->settings;
      loaded.config->files.reset();
      runtime_.reload(std::move(*loaded.config));
      loaded = {};
      trim_soon();
    }
    tell_parent(kNotifyReloaded);
  }

  void tell_parent(char what) {
    if (setup_.notify_fd < 0) return;
    while (::write(setup_.notify_fd, &what, 1) < 0 && errno == EINTR) {
    }
  }

  void reload() {
    if (stopping_) return;
    log_.info("Reloading");
    auto loaded = setup_.loader->load(setup_.options->config_file);
    for (const auto& m : loaded.messages) log_.error("{}", m);
    if (loaded.config) {
      settings_ = loaded.config->settings;
      loaded.config->files.reset();
      runtime_.reload(std::move(*loaded.config));
      loaded = {};
      trim_soon();
    } else {
      // The parent checked the file before signalling us; it changed again since. Keep running.
      log_.error("Reload failed: configuration '{}' cannot be used - keeping the current one",
                 setup_.options->config_file);
    }
    tell_parent(kNotifyReloaded);
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

  DumpPaths paths() const { return dump_paths(std::getenv("TMPDIR"), settings_, setup_.names); }

  void dump_data() {
    read_control();
    log_.info("Printing VRRP data for process({}) on signal", ::getpid());
    write_dump(paths().data, runtime_.dump_data());
  }

  void dump_stats(bool clear) {
    read_control();
    log_.info("Printing {}VRRP stats for process({}) on signal", clear ? "and clearing " : "",
              ::getpid());
    // One vigil line after keepalived's per-instance blocks, unindented: the exporters that
    // parse this file by indentation skip it.
    write_dump(paths().stats,
               runtime_.dump_stats() + fmt::format("Log lines dropped: {}\n", log_.dropped()));
    if (clear) runtime_.clear_stats();
  }

  void dump_json() {
    read_control();
    log_.info("Printing VRRP as json for process({}) on signal", ::getpid());
    if (auto text = runtime_.dump_json()) write_dump(paths().json, *text);
  }

  const ChildSetup& setup_;
  Logger& log_;
  event::Loop& loop_;
  VrrpRuntime& runtime_;
  std::vector<TaskHandle> handles_;
  TaskHandle linger_;
  TaskHandle trim_;
  std::string control_;              // control pipe bytes not yet acted on
  std::deque<LoadResult> pending_;   // read at 'P', waiting for the parent's verdict
  ProcessSettings settings_;
  bool stopping_ = false;
};

int child_main(ChildSetup& setup) {
  Logger log(setup.options->log_detail);
  configure_logger(log, *setup.options, ProcessRole::vrrp_child, setup.names);

  if (auto written = setup.vrrp_pidfile->write_pid(::getpid()); !written) {
    log.error("VRRP child process: cannot write pidfile ({})", written.error().message);
    return kExitFatal;
  }

  event::MonotonicClock clock;
  event::Loop loop(clock, {.log = [&log](event::Severity s, std::string_view m) {
                     log.log(s == event::Severity::error ? LogLevel::err : LogLevel::info, m);
                   }});
  EngineRuntime runtime(loop, log);
  runtime.keep_addresses_on_stop(setup.options->dont_release_vrrp);
  VrrpChild child(setup, log, loop, runtime);
  if (auto failed = child.start()) return *failed;
  const int code = loop.run();
  child.finish();
  return code;
}

}  // namespace

void run_vrrp_child(ChildSetup setup) {
  // If the parent dies from now on, we get SIGTERM (handled by our loop once it exists; until
  // then the signal stays blocked — the parent's loop blocked it — and pending).
  (void)::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != setup.parent_pid) _exit(kExitOk);  // it died before prctl took effect

  if (setup.drop_inherited) setup.drop_inherited();
  SystemdNotifier::forget_in_child();
  ::signal(SIGPIPE, SIG_IGN);

  const int code = child_main(setup);
  _exit(code);
}

}  // namespace vigil::daemon
