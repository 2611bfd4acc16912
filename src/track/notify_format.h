// track/notify_format.h — what notify scripts and notify FIFOs receive, pure (reference §5.5, §5.6).
//
//   FIFO line:  TYPE "NAME" STATE PRIORITY\n        e.g.  INSTANCE "VI_1" MASTER 100
//                                                         GROUP "G1" BACKUP 0
//   notify_master|backup|fault|stop|deleted, notify_master_rx_lower_pri: the configured words only.
//   notify (generic): the configured words + TYPE NAME STATE PRIORITY (priority: the effective
//   priority; always 0 for a group).
//
// Checked against keepalived 2.2.7: a stopping instance at effective priority 105 wrote
// `INSTANCE "VI_1" STOP 105` to its FIFO and ran `notify` with `INSTANCE VI_1 STOP 105`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::track {

enum class NotifyKind : std::uint8_t { instance, group };

enum class NotifyState : std::uint8_t {
  master,
  backup,
  fault,
  stop,
  deleted,
  master_rx_lower_pri,  // instance only: a lower-priority advert was seen while MASTER
  master_priority,      // instance only, vrrp_notify_priority_changes: priority changed in MASTER
  backup_priority,      //                                           ... in BACKUP
};

std::string_view to_string(NotifyKind k);   // "INSTANCE" / "GROUP"
std::string_view to_string(NotifyState s);  // "MASTER", ..., "MASTER_RX_LOWER_PRI", ...

std::string fifo_line(NotifyKind kind, std::string_view name, NotifyState state, int priority);

// The configured words followed by the four generic-notify arguments.
std::vector<std::string> generic_notify_argv(std::vector<std::string> configured, NotifyKind kind,
                                             std::string_view name, NotifyState state,
                                             int priority);

}  // namespace vigil::track
