#include "daemon/version_text.h"

#include <fmt/format.h>

#include "vigil/version.h"

namespace vigil::daemon {

std::string compat_version_line() {
  return fmt::format("Keepalived v{} ({})", kCompatKeepalivedVersion, kCompatKeepalivedDate);
}

std::string vigil_version_line() { return fmt::format("vigil v{} ({})", kVersion, kBuildDate); }

bool invoked_as_keepalived(std::string_view argv0) {
  const auto slash = argv0.rfind('/');
  if (slash != std::string_view::npos) argv0.remove_prefix(slash + 1);
  return argv0 == "keepalived";
}

std::string version_text(bool keepalived_first) {
  const std::string first = keepalived_first ? compat_version_line() : vigil_version_line();
  const std::string second = keepalived_first
                                 ? vigil_version_line() + ", a drop-in replacement for the VRRP side of keepalived"
                                 : "compatible with " + compat_version_line();
  return fmt::format(
      "{}\n"
      "{}\n"
      "\n"
      "configure options: --enable-json --enable-vrrp --with-init=systemd (vigil: VRRP only)\n"
      "\n"
      "Config options:  VRRP VRRP_AUTH JSON INIT=systemd SYSTEMD_NOTIFY\n",
      first, second);
}

}  // namespace vigil::daemon
