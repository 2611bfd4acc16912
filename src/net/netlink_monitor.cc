#include "net/netlink_monitor.h"

#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <iterator>

namespace vigil::net {

NetlinkMonitor::NetlinkMonitor(std::unique_ptr<mnl_socket, MnlSocketCloser> s)
    : sock_(std::move(s)), buf_(64 * 1024) {}

Result<NetlinkMonitor> NetlinkMonitor::open(MonitorGroups g, int rcvbuf) {
  std::unique_ptr<mnl_socket, MnlSocketCloser> s(
      mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!s) return errno_error("socket(NETLINK_ROUTE monitor)");
  int fd = mnl_socket_get_fd(s.get());
  if (rcvbuf > 0 && ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0) {
    return errno_error("setsockopt(SO_RCVBUF, netlink monitor)");
  }
  unsigned groups = 0;
  if (g.links) groups |= RTMGRP_LINK;
  if (g.addresses) groups |= RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (g.routes) groups |= RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
  if (g.rules) groups |= (1u << (RTNLGRP_IPV4_RULE - 1)) | (1u << (RTNLGRP_IPV6_RULE - 1));
  if (mnl_socket_bind(s.get(), groups, MNL_SOCKET_AUTOPID) < 0) {
    return errno_error("bind(NETLINK_ROUTE monitor groups)");
  }
  return NetlinkMonitor(std::move(s));
}

// A classic BPF program over each notification's nlmsghdr (one message per notification).
// BPF loads convert from network byte order; the header is in host order (little-endian
// here), so the constants are byte-swapped to match.
Status NetlinkMonitor::ignore_new_addresses_from(std::uint32_t portid) {
  static_assert(std::endian::native == std::endian::little, "nlmsghdr constants assume little-endian");
  constexpr std::uint32_t kTypeOffset = offsetof(nlmsghdr, nlmsg_type), kPidOffset = offsetof(nlmsghdr, nlmsg_pid);
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, kTypeOffset),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, std::byteswap(static_cast<std::uint16_t>(RTM_NEWADDR)), 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kPidOffset),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, std::byteswap(portid), 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0),           // drop
      BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),  // keep, whole
  };
  sock_fprog prog{static_cast<unsigned short>(std::size(code)), code};
  if (::setsockopt(fd(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    return errno_error("setsockopt(SO_ATTACH_FILTER, netlink monitor)");
  }
  return {};
}

Result<bool> NetlinkMonitor::read_one(MonitorDrain& d) {
  for (;;) {
    ssize_t n = ::recv(fd(), buf_.data(), buf_.size(), MSG_DONTWAIT);
    if (n >= 0) {
      parsed_ = parse_netlink({buf_.data(), static_cast<std::size_t>(n)});
      if (parsed_.error) ++d.malformed;
      return true;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
    if (errno == ENOBUFS) {
      d.overrun = true;  // the socket stays usable; later events still arrive
      continue;
    }
    return errno_error("recv(netlink monitor)");
  }
}

}  // namespace vigil::net
