// net/sysctl.h — read and write /proc/sys/net/... of the current network namespace, and undo.
//
//   SysctlGuard g;
//   g.set("net/ipv4/conf/eth0/arp_ignore", "1");   // remembers the old value
//   ...                                            // ~SysctlGuard writes the old values back
//
// Paths are relative to /proc/sys and use '/' (interface names may contain '.', e.g. vrrp.52).
// The guard keeps each file open from the first write: sysctl files are bound to the namespace
// they were opened in, so the restore goes to the same namespace even if the thread moved.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/fd.h"
#include "net/result.h"

namespace vigil::net {

Result<std::string> sysctl_read(std::string_view path);  // trailing newline removed
Status sysctl_write(std::string_view path, std::string_view value);
// net.ipv6.conf.<ifname>.forwarding == 1 (the NA Router flag).
Result<bool> ipv6_forwarding(const std::string& ifname);

class SysctlGuard {
 public:
  SysctlGuard() = default;
  ~SysctlGuard() { restore(); }
  SysctlGuard(SysctlGuard&&) noexcept = default;
  SysctlGuard& operator=(SysctlGuard&& other) noexcept;
  SysctlGuard(const SysctlGuard&) = delete;
  SysctlGuard& operator=(const SysctlGuard&) = delete;

  // Writes `value`, remembering the previous value the first time a path is set.
  Status set(std::string_view path, std::string_view value);
  // Writes every remembered value back (latest first) and forgets them. Errors (e.g. the
  // interface is gone) are ignored: there is nothing left to restore.
  void restore();
  std::size_t size() const { return saved_.size(); }

 private:
  struct Saved {
    std::string path;
    std::string old_value;
    Fd fd;
  };
  std::vector<Saved> saved_;
};

}  // namespace vigil::net
