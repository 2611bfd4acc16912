// daemon/version_text.h — what `vigild -v` prints (to stderr), and the startup banner.
//
// Tools parse keepalived's version from the FIRST line of `keepalived -v` (OpenStack Neutron takes
// split()[1] and needs >= 2.0.3 for no_track; mehdy's exporter strips the 'v' of the 2nd token and
// needs >= 1.3.8 for --signum; it also greps `--enable-json`). So the first line is the
// keepalived-compatible one, `Keepalived v2.2.7 (01/16,2022)` (the release whose behaviour and
// wire format vigil matches), and vigil's own identity follows on the second line. docs/compat.md
// explains the choice.
#pragma once

#include <string>

namespace vigil::daemon {

inline constexpr const char* kCompatKeepalivedVersion = "2.2.7";
inline constexpr const char* kCompatKeepalivedDate = "01/16,2022";

// The full -v text, newline-terminated.
std::string version_text();

// `Keepalived v2.2.7 (01/16,2022)` — used in `Starting …` / `Stopped …` log lines.
std::string compat_version_line();

// `vigil v0.1.0 (2026-11-22)`.
std::string vigil_version_line();

}  // namespace vigil::daemon
