#include "net/interfaces.h"

#include <linux/if_addr.h>
#include <sys/socket.h>

#include <cerrno>

#include <fmt/format.h>

namespace vigil::net {

Result<int> ifindex_of(Netlink& nl, const std::string& name) {
  auto l = nl.get_link(name);
  if (!l) return l.error();
  return l->ifindex;
}

Result<std::string> ifname_of(Netlink& nl, int ifindex) {
  auto l = nl.get_link(ifindex);
  if (!l) return l.error();
  return l->name;
}

Result<std::vector<AddressEvent>> addresses_of(Netlink& nl, int ifindex, int family) {
  auto all = nl.dump_addresses(family);
  if (!all) return all.error();
  std::vector<AddressEvent> out;
  for (auto& a : *all) {
    if (a.ifindex == ifindex) out.push_back(std::move(a));
  }
  return out;
}

Result<vrrp::IpAddress> primary_ipv4_in(const std::vector<AddressEvent>& addrs, int ifindex) {
  for (const auto& a : addrs) {
    if (a.ifindex == ifindex && a.address.is_v4() && (a.flags & IFA_F_SECONDARY) == 0) return a.address;
  }
  return make_error(ENOENT, fmt::format("no IPv4 address on interface {}", ifindex));
}

Result<vrrp::IpAddress> link_local_ipv6_in(const std::vector<AddressEvent>& addrs, int ifindex) {
  for (const auto& a : addrs) {
    bool usable = (a.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) == 0;
    if (a.ifindex == ifindex && !a.address.is_v4() && usable && a.address.is_link_local()) return a.address;
  }
  return make_error(ENOENT, fmt::format("no usable IPv6 link-local address on interface {}", ifindex));
}

Result<vrrp::IpAddress> primary_ipv4(Netlink& nl, int ifindex) {
  auto addrs = nl.dump_addresses(AF_INET);
  if (!addrs) return addrs.error();
  return primary_ipv4_in(*addrs, ifindex);
}

Result<vrrp::IpAddress> link_local_ipv6(Netlink& nl, int ifindex) {
  auto addrs = nl.dump_addresses(AF_INET6);
  if (!addrs) return addrs.error();
  return link_local_ipv6_in(*addrs, ifindex);
}

}  // namespace vigil::net
