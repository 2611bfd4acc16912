#include "net/sockaddr.h"

#include <array>
#include <cstring>

namespace vigil::net {

in_addr to_in_addr(const vrrp::IpAddress& addr) {
  in_addr a{};
  std::memcpy(&a, addr.data(), 4);
  return a;
}

in6_addr to_in6_addr(const vrrp::IpAddress& addr) {
  in6_addr a{};
  std::memcpy(&a, addr.data(), 16);
  return a;
}

vrrp::IpAddress from_in_addr(const in_addr& a) {
  std::array<std::uint8_t, 4> b{};
  std::memcpy(b.data(), &a, 4);
  return vrrp::IpAddress::v4(b);
}

vrrp::IpAddress from_in6_addr(const in6_addr& a) {
  std::array<std::uint8_t, 16> b{};
  std::memcpy(b.data(), &a, 16);
  return vrrp::IpAddress::v6(b);
}

std::optional<vrrp::IpAddress> from_bytes(int family, const void* data, std::size_t len) {
  if (family == AF_INET && len == 4) {
    std::array<std::uint8_t, 4> b{};
    std::memcpy(b.data(), data, 4);
    return vrrp::IpAddress::v4(b);
  }
  if (family == AF_INET6 && len == 16) {
    std::array<std::uint8_t, 16> b{};
    std::memcpy(b.data(), data, 16);
    return vrrp::IpAddress::v6(b);
  }
  return std::nullopt;
}

bool needs_scope(const vrrp::IpAddress& addr) {
  if (addr.is_v4()) return false;
  const std::uint8_t* b = addr.data();
  bool link_local = b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
  bool link_mcast = b[0] == 0xff && (b[1] & 0x0f) <= 0x02;
  return link_local || link_mcast;
}

SockAddr to_sockaddr(const vrrp::IpAddress& addr, int scope_ifindex) {
  SockAddr s;
  if (addr.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&s.storage);
    sin->sin_family = AF_INET;
    sin->sin_addr = to_in_addr(addr);
    s.len = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&s.storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_addr = to_in6_addr(addr);
    if (needs_scope(addr)) sin6->sin6_scope_id = static_cast<std::uint32_t>(scope_ifindex);
    s.len = sizeof(sockaddr_in6);
  }
  return s;
}

std::optional<vrrp::IpAddress> from_sockaddr(const sockaddr* sa, socklen_t len) {
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    return from_in_addr(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr);
  }
  if (sa->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    return from_in6_addr(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
  }
  return std::nullopt;
}

}  // namespace vigil::net
