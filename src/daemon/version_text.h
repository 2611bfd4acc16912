// daemon/version_text.h — what `vigild -v` prints (to stderr), and the startup banner.
//
// `vigild -v` prints vigil's identity first: `vigil v0.1.0 (2026-11-22)`, then the keepalived
// release whose behaviour and wire format vigil matches, `Keepalived v2.2.7 (01/16,2022)`.
//
// Tools parse keepalived's version from the FIRST line of `keepalived -v` (OpenStack Neutron takes
// split()[1] and needs >= 2.0.3 for no_track; mehdy's exporter strips the 'v' of the 2nd token and
// needs >= 1.3.8 for --signum; it also greps `--enable-json`). Those tools run the binary by the
// name `keepalived`, so when vigild is installed under that name (a symlink, or the packaged
// drop-in) the keepalived-compatible line comes first and vigil's second. docs/compat.md says so.
#pragma once

#include <string>
#include <string_view>

namespace vigil::daemon {

inline constexpr const char* kCompatKeepalivedVersion = "2.2.7";
inline constexpr const char* kCompatKeepalivedDate = "01/16,2022";

// The full -v text, newline-terminated. `keepalived_first`: the program was invoked under the
// name `keepalived` (see invoked_as_keepalived()).
std::string version_text(bool keepalived_first);

// True if argv[0]'s base name is `keepalived`.
bool invoked_as_keepalived(std::string_view argv0);

// `Keepalived v2.2.7 (01/16,2022)` — used in `Starting …` / `Stopped …` log lines.
std::string compat_version_line();

// `vigil v0.1.0 (2026-11-22)`.
std::string vigil_version_line();

}  // namespace vigil::daemon
