#include "daemon/log_setup.h"

#include <syslog.h>

#include <cstdlib>

#include "daemon/dump_files.h"

namespace vigil::daemon {

void configure_logger(Logger& log, const Options& options, ProcessRole role) {
  log.clear_sinks();
  const bool child = role == ProcessRole::vrrp_child;
  if (!options.no_syslog) {
    int facility = options.log_facility;
    if (child && facility == LOG_DAEMON) facility = LOG_LOCAL1;
    log.add_sink(std::make_unique<SyslogSink>(child ? "Keepalived_vrrp" : "Keepalived", facility));
  }
  if (options.log_console) log.add_sink(std::make_unique<ConsoleSink>(2));
  if (options.log_file) {
    std::string path = options.log_file->empty()
                           ? dump_directory(std::getenv("TMPDIR")) + "/keepalived.log"
                           : *options.log_file;
    if (child) path = child_log_file_name(path, "vrrp");
    auto sink = std::make_unique<FileSink>(path);
    if (sink->ok()) log.add_sink(std::move(sink));
  }
}

}  // namespace vigil::daemon
