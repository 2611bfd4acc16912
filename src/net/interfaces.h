// net/interfaces.h — interface and source-address lookups, by netlink (no ioctl).
//
//   auto idx = ifindex_of(nl, "eth0");            // Result<int>
//   auto src = primary_ipv4(nl, *idx);            // what keepalived uses as the IPv4 advert source
//   auto ll  = link_local_ipv6(nl, *idx);         // ... and the IPv6 one (RFC 5798 §5.1.2.1)
//
// These are one-shot queries; to follow changes, subscribe with NetlinkMonitor. The *_in
// variants pick from an address list already dumped (many lookups, one dump).
#pragma once

#include <string>
#include <vector>

#include "net/netlink.h"

namespace vigil::net {

Result<int> ifindex_of(Netlink& nl, const std::string& name);
Result<std::string> ifname_of(Netlink& nl, int ifindex);
// Addresses on one interface, in the kernel's order; family AF_INET, AF_INET6 or AF_UNSPEC.
Result<std::vector<AddressEvent>> addresses_of(Netlink& nl, int ifindex, int family);
// The first IPv4 address of the interface that is not secondary. ENOENT if none.
Result<vrrp::IpAddress> primary_ipv4(Netlink& nl, int ifindex);
// The first usable (not tentative, not dad-failed) fe80::/10 address. ENOENT if none.
Result<vrrp::IpAddress> link_local_ipv6(Netlink& nl, int ifindex);
Result<vrrp::IpAddress> primary_ipv4_in(const std::vector<AddressEvent>& addrs, int ifindex);
Result<vrrp::IpAddress> link_local_ipv6_in(const std::vector<AddressEvent>& addrs, int ifindex);

}  // namespace vigil::net
