// daemon/signal_names.h — keepalived's signal functions and their numbers (reference §1.5).
//
// `vigild --signum=NAME` prints these numbers; exporters resolve DATA/STATS/JSON through it and
// gen2brain's exporter hard-codes JSON = 36, so the numbers must be keepalived's exactly:
// STOP = SIGTERM, RELOAD = SIGHUP, DATA = SIGUSR1, STATS = SIGUSR2, STATS_CLEAR = SIGRTMAX-1,
// JSON = SIGRTMIN+2. TDUMP is only in keepalived's thread-dump builds; Debian's 2.2.7 answers
// "Unknown sigfunc TDUMP", and so do we.
#pragma once

#include <optional>
#include <string_view>

namespace vigil::daemon {

// SIGRTMIN/SIGRTMAX are function calls in glibc, so these are functions too.
int stats_clear_signal();  // SIGRTMAX - 1
int json_signal();         // SIGRTMIN + 2

// NAME → number, or nullopt for a name keepalived does not know.
std::optional<int> signal_number_for(std::string_view name);

}  // namespace vigil::daemon
