// daemon/log_setup.h — attach the sinks the command line asks for to a process's Logger.
//
// Parent: ident `Keepalived`, the -S facility. VRRP child: ident `Keepalived_vrrp`, and — as
// keepalived does — LOG_LOCAL1 when the facility is the default LOG_DAEMON. With a network
// namespace (-s / net_namespace) and/or `instance NAME`, idents become
// `<base>_<namespace>_<instance>` (each part only if set, reference §1.1).
// -G: no syslog; -l: console (stderr); -g[FILE]: a file (default <tmp>/keepalived.log; the
// child's name gets `_vrrp` before the extension, then `_<namespace>`, `_<instance>`).
//
// Every sink is an AsyncSink (daemon/async_sink.h): the loop never waits for a log line.
// Queue size: 2048 lines / 256 KiB per sink; the environment variable VIGIL_LOG_QUEUE_LINES
// overrides the line limit (tests use a small one to provoke drops).
#pragma once

#include <string>
#include <string_view>

#include "daemon/log.h"
#include "daemon/options.h"
#include "daemon/run_config.h"

namespace vigil::daemon {

enum class ProcessRole { parent, vrrp_child };

std::string syslog_ident(ProcessRole role, const ProcessNames& names);

void configure_logger(Logger& log, const Options& options, ProcessRole role,
                      const ProcessNames& names = {});

}  // namespace vigil::daemon
