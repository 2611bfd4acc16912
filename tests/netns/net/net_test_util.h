// Helpers shared by the net_* namespace tests (not part of the reusable harness).
#pragma once

#include <linux/sock_diag.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "vrrp/types.h"

namespace vigil::net::test {

inline vrrp::IpAddress ip(const std::string& text) { return *vrrp::IpAddress::parse(text); }

inline int ifindex(const char* name) { return static_cast<int>(::if_nametoindex(name)); }

// poll() for readability; `timeout` is the caller's stated bound.
inline bool readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1 && (p.revents & POLLIN);
}

// Bytes the kernel holds in the socket's receive queue (SO_MEMINFO, truesize accounting).
inline std::uint32_t queued_bytes(int fd) {
  std::uint32_t info[SK_MEMINFO_VARS] = {};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, &len) != 0) return 0;
  return info[SK_MEMINFO_RMEM_ALLOC];
}

// Waits until `count` equal-sized datagrams sit in the receive queue: the first one that
// arrives gives the per-datagram charge. Makes flood tests independent of softirq timing.
// `timeout` is the caller's stated bound.
inline bool wait_queued(int fd, std::size_t count, std::uint32_t per_datagram,
                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (queued_bytes(fd) < count * per_datagram) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 1);  // 1 ms steps; the queue grows without waking us
  }
  return true;
}

// RFC 1071 sum of `data`, folded (0 or 0xffff means "sums to zero").
inline std::uint32_t sum16(const std::uint8_t* data, std::size_t len, std::uint32_t acc = 0) {
  for (std::size_t i = 0; i + 1 < len; i += 2) acc += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  if (len % 2) acc += static_cast<std::uint32_t>(data[len - 1] << 8);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return acc;
}

}  // namespace vigil::net::test
