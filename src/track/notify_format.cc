// track/notify_format.cc — FIFO lines and notify arguments.
#include "track/notify_format.h"

#include <fmt/format.h>

namespace vigil::track {

std::string_view to_string(NotifyKind k) {
  return k == NotifyKind::group ? "GROUP" : "INSTANCE";
}

std::string_view to_string(NotifyState s) {
  switch (s) {
    case NotifyState::master: return "MASTER";
    case NotifyState::backup: return "BACKUP";
    case NotifyState::fault: return "FAULT";
    case NotifyState::stop: return "STOP";
    case NotifyState::deleted: return "DELETED";
    case NotifyState::master_rx_lower_pri: return "MASTER_RX_LOWER_PRI";
    case NotifyState::master_priority: return "MASTER_PRIORITY";
    case NotifyState::backup_priority: return "BACKUP_PRIORITY";
  }
  return "UNKNOWN";
}

std::string fifo_line(NotifyKind kind, std::string_view name, NotifyState state, int priority) {
  return fmt::format("{} \"{}\" {} {}\n", to_string(kind), name, to_string(state), priority);
}

std::vector<std::string> generic_notify_argv(std::vector<std::string> configured, NotifyKind kind,
                                             std::string_view name, NotifyState state,
                                             int priority) {
  configured.emplace_back(to_string(kind));
  configured.emplace_back(name);
  configured.emplace_back(to_string(state));
  configured.push_back(std::to_string(kind == NotifyKind::group ? 0 : priority));
  return configured;
}

}  // namespace vigil::track
