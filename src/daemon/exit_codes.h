// daemon/exit_codes.h — keepalived's process exit codes (reference §1.3).
#pragma once

namespace vigil::daemon {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFatal = 1;              // permanent: the parent does not respawn
inline constexpr int kExitConfig = 2;             // permanent
inline constexpr int kExitMissingPermission = 4;  // permanent
inline constexpr int kExitNoConfig = 6;           // no/unreadable config file
inline constexpr int kExitProgramError = 70;      // respawned

// 1/2/4 stop the whole daemon instead of a respawn.
inline constexpr bool is_permanent_exit(int code) {
  return code == kExitFatal || code == kExitConfig || code == kExitMissingPermission;
}

// "CONFIG", "FATAL", "missing permission" as keepalived words them.
inline constexpr const char* permanent_exit_name(int code) {
  switch (code) {
    case kExitFatal: return "FATAL";
    case kExitConfig: return "CONFIG";
    case kExitMissingPermission: return "missing permission";
    default: return "unknown";
  }
}

}  // namespace vigil::daemon
