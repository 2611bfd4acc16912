// net/vmac.h — a VRRP virtual MAC interface (macvlan), reference §4.12.
//
//   auto v = Vmac::create({.parent_ifindex = eth0, .vrid = {52}});
//   // v->ifindex(), v->name() ("vrrp.52"), v->mac() (00:00:5e:00:01:34)
//   // ... adverts and GARPs go out on v->ifindex() ...
//   // ~Vmac: the macvlan is deleted and the parent's sysctls are put back.
//
// What create() does, as keepalived does it:
//   * macvlan in private mode on the parent, MAC 00:00:5e:00:01:VRID (IPv4) or
//     00:00:5e:00:02:VRID (IPv6), name vrrp.<VRID> unless given; IPv4 VMACs get addrgenmode
//     none (no link-local, as in the captures); the link is set up.
//   * an existing macvlan with that name, parent and MAC is reused (and still removed at the end).
//   * sysctls: VMAC accept_local=1, arp_ignore=1, rp_filter=0; parent arp_ignore=1,
//     arp_filter=1. The parent's old values are restored on destruction (the VMAC's own go away
//     with it).
//   * net.ipv4.conf.all.rp_filter is not changed here: the kernel uses max(all, interface), so a
//     non-zero `all` defeats the VMAC's 0. The daemon calls relax_all_rp_filter() once before
//     creating VMACs (keepalived adjusts all/default too).
// The object keeps its own netlink socket, opened in the namespace it was created in, so the
// destructor acts there.
#pragma once

#include <optional>
#include <string>

#include "net/garp.h"
#include "net/netlink.h"
#include "net/sysctl.h"
#include "vrrp/types.h"

namespace vigil::net {

struct VmacOptions {
  int parent_ifindex = 0;
  vrrp::Vrid vrid;
  vrrp::Family family = vrrp::Family::inet;
  std::string name = {};          // default "vrrp.<VRID>"
  std::optional<Mac> mac = {};    // default 00:00:5e:00:0{1,2}:VRID
};

// 00:00:5e:00:01:VRID (IPv4) / 00:00:5e:00:02:VRID (IPv6), RFC 5798 §7.3.
Mac vrrp_virtual_mac(vrrp::Family family, vrrp::Vrid vrid);

// If net.ipv4.conf.all.rp_filter = X > 0: raise every interface's (and default's) rp_filter to
// at least X, then set all to 0 — each interface keeps the filtering it effectively had, and a
// VMAC can now turn it off for itself. Old values go into `guard` (restored when it is
// destroyed). Does nothing when all.rp_filter is already 0.
Status relax_all_rp_filter(Netlink& nl, SysctlGuard& guard);

class Vmac {
 public:
  static Result<Vmac> create(const VmacOptions& opts);
  ~Vmac();
  Vmac(Vmac&& other) noexcept;
  Vmac& operator=(Vmac&&) = delete;
  Vmac(const Vmac&) = delete;
  Vmac& operator=(const Vmac&) = delete;

  int ifindex() const { return ifindex_; }
  const std::string& name() const { return name_; }
  const Mac& mac() const { return mac_; }
  bool reused() const { return reused_; }
  // Deletes the macvlan now and restores sysctls; the destructor then does nothing.
  Status remove();

 private:
  Vmac(Netlink nl, int ifindex, std::string name, const Mac& mac, bool reused)
      : nl_(std::move(nl)), ifindex_(ifindex), name_(std::move(name)), mac_(mac), reused_(reused) {}
  std::optional<Netlink> nl_;
  int ifindex_ = 0;
  std::string name_;
  Mac mac_{};
  bool reused_ = false;
  SysctlGuard parent_sysctls_;
};

}  // namespace vigil::net
