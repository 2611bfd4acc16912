// daemon/log_setup.h — attach the sinks the command line asks for to a process's Logger.
//
// Parent: ident `Keepalived`, the -S facility. VRRP child: ident `Keepalived_vrrp`, and — as
// keepalived does — LOG_LOCAL1 when the facility is the default LOG_DAEMON. -G: no syslog;
// -l: console (stderr); -g[FILE]: a file (default <tmp>/keepalived.log; the child's name gets
// `_vrrp` before the extension).
#pragma once

#include <string_view>

#include "daemon/log.h"
#include "daemon/options.h"

namespace vigil::daemon {

enum class ProcessRole { parent, vrrp_child };

void configure_logger(Logger& log, const Options& options, ProcessRole role);

}  // namespace vigil::daemon
