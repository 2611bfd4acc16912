#include "daemon/log_setup.h"

#include <syslog.h>
#include <unistd.h>

#include <cstdlib>

#include "daemon/async_sink.h"
#include "daemon/dump_files.h"

namespace vigil::daemon {

namespace {

AsyncSink::Options sink_options() {
  AsyncSink::Options o;
  if (const char* env = std::getenv("VIGIL_LOG_QUEUE_LINES")) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v > 0) o.limits.max_lines = static_cast<std::size_t>(v);
  }
  return o;
}

}  // namespace

std::string syslog_ident(ProcessRole role, const ProcessNames& names) {
  std::string ident = role == ProcessRole::vrrp_child ? "Keepalived_vrrp" : "Keepalived";
  if (!names.net_namespace.empty()) ident += "_" + names.net_namespace;
  if (!names.instance.empty()) ident += "_" + names.instance;
  return ident;
}

void configure_logger(Logger& log, const Options& options, ProcessRole role,
                      const ProcessNames& names) {
  log.clear_sinks();
  const bool child = role == ProcessRole::vrrp_child;
  const auto opts = sink_options();
  if (!options.no_syslog) {
    int facility = options.log_facility;
    if (child && facility == LOG_DAEMON) facility = LOG_LOCAL1;
    log.add_sink(std::make_unique<AsyncSink>(
        std::make_unique<SyslogWriter>(syslog_ident(role, names), facility, ::getpid()), opts));
  }
  if (options.log_console) {
    log.add_sink(std::make_unique<AsyncSink>(std::make_unique<ConsoleWriter>(2), opts));
  }
  if (options.log_file) {
    std::string path = options.log_file->empty()
                           ? dump_directory(std::getenv("TMPDIR")) + "/keepalived.log"
                           : *options.log_file;
    path = insert_before_extension(
        path, {child ? "vrrp" : "", names.net_namespace, names.instance});
    auto writer = std::make_unique<FileWriter>(path);
    if (writer->ok()) log.add_sink(std::make_unique<AsyncSink>(std::move(writer), opts));
  }
}

}  // namespace vigil::daemon
