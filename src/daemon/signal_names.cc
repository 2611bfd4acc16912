#include "daemon/signal_names.h"

#include <csignal>

namespace vigil::daemon {

int stats_clear_signal() { return SIGRTMAX - 1; }
int json_signal() { return SIGRTMIN + 2; }

std::optional<int> signal_number_for(std::string_view name) {
  if (name == "STOP") return SIGTERM;
  if (name == "RELOAD") return SIGHUP;
  if (name == "DATA") return SIGUSR1;
  if (name == "STATS") return SIGUSR2;
  if (name == "STATS_CLEAR") return stats_clear_signal();
  if (name == "JSON") return json_signal();
  return std::nullopt;
}

}  // namespace vigil::daemon
