#include "daemon/version_text.h"

#include <fmt/format.h>

#include "vigil/version.h"

namespace vigil::daemon {

std::string compat_version_line() {
  return fmt::format("Keepalived v{} ({})", kCompatKeepalivedVersion, kCompatKeepalivedDate);
}

std::string vigil_version_line() { return fmt::format("vigil v{} ({})", kVersion, kBuildDate); }

std::string version_text() {
  return fmt::format(
      "{}\n"
      "{}, a drop-in replacement for the VRRP side of keepalived\n"
      "\n"
      "configure options: --enable-json --enable-vrrp --with-init=systemd (vigil: VRRP only)\n"
      "\n"
      "Config options:  VRRP VRRP_AUTH JSON INIT=systemd SYSTEMD_NOTIFY\n",
      compat_version_line(), vigil_version_line());
}

}  // namespace vigil::daemon
