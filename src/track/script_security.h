// track/script_security.h — keepalived's `enable_script_security` checks (reference §3.4, §5.5).
//
// A script run as root is unsafe when a non-root user could change what runs: the file, or any
// directory on its (symlink-resolved) path, is owned by a non-root user, is group-writable by a
// non-root group, or is world-writable. A world-writable directory with the sticky bit (/tmp) is
// fine when the entry inside it is root-owned (nobody else may rename or remove that entry).
// Scripts run as another user are not checked (they cannot gain root).
//
//   ScriptCheck c = check_script_file("/etc/keepalived/chk.sh", /*run_uid=*/0);
//   Vetting v = vet_track_script("chk", c, /*security_enabled=*/true);
//   for (auto& line : v.log) log(line);
//   if (v.disable) ...;
//
// The lines, as keepalived 2.2.7 logs them:
//   Unsafe permissions found for script '/tmp/x/chk.sh' - disabling.     (security on)
//   Unsafe permissions found for script '/tmp/x/chk.sh'.                 (security off)
//   Disabling track script chk due to insecure
//   Script /etc/keepalived/nope.sh cannot be accessed - No such file or directory
//   Disabling track script chk since not found/accessible
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::track {

struct ScriptCheck {
  enum class Kind : std::uint8_t {
    ok,
    not_found,  // missing, not a regular file, or not executable (`error` says why)
    unsafe,     // root would run something a non-root user can change
  };
  Kind kind = Kind::ok;
  int error = 0;  // errno for not_found
};

ScriptCheck check_script_file(const std::string& path, uid_t run_uid);

struct Vetting {
  bool disable = false;
  bool unsafe = false;  // counts toward the global "SECURITY VIOLATION" warning
  std::vector<std::string> log;
};

// What keepalived does with a vrrp_script after checking its file.
Vetting vet_track_script(std::string_view name, const std::string& path, ScriptCheck check,
                         bool security_enabled);
// The same for a notify script (notify_master etc.): not run when missing, nor when unsafe with
// security on.
Vetting vet_notify_script(const std::string& path, ScriptCheck check, bool security_enabled);

// Logged once at start-up when any unsafe script is configured without enable_script_security.
inline constexpr std::string_view kSecurityViolationLine =
    "SECURITY VIOLATION - scripts are being executed but script_security not enabled.";
// Logged when script_user is not configured and the default user does not exist.
inline constexpr std::string_view kMissingDefaultUserLine =
    "WARNING - default user 'keepalived_script' for script execution does not exist - please create.";

}  // namespace vigil::track
