// net/sockaddr.h — conversions between vrrp::IpAddress and the kernel's sockaddr / raw bytes.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>

#include "vrrp/types.h"

namespace vigil::net {

struct SockAddr {
  sockaddr_storage storage{};
  socklen_t len = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// scope_ifindex is used for IPv6 link-local and link-scope multicast addresses only.
SockAddr to_sockaddr(const vrrp::IpAddress& addr, int scope_ifindex = 0);
std::optional<vrrp::IpAddress> from_sockaddr(const sockaddr* sa, socklen_t len);
in_addr to_in_addr(const vrrp::IpAddress& addr);
in6_addr to_in6_addr(const vrrp::IpAddress& addr);
vrrp::IpAddress from_in_addr(const in_addr& a);
vrrp::IpAddress from_in6_addr(const in6_addr& a);
// family: AF_INET (4 bytes) or AF_INET6 (16 bytes); nullopt if `len` does not match.
std::optional<vrrp::IpAddress> from_bytes(int family, const void* data, std::size_t len);
// True for fe80::/10 and link-scope multicast ff02::/16 (they need a scope id).
bool needs_scope(const vrrp::IpAddress& addr);

}  // namespace vigil::net
