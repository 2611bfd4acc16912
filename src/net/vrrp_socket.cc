#include "net/vrrp_socket.h"

#include <array>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "net/sockaddr.h"
#include "net/socket_util.h"

namespace vigil::net {
namespace {

// The IPv6 source address of a send, as an IPV6_PKTINFO control message written into
// `control` (at least CMSG_SPACE(sizeof(in6_pktinfo)) bytes, cmsghdr-aligned).
void put_ipv6_source(msghdr& m, char* control, std::size_t size, const vrrp::IpAddress& source,
                     int ifindex) {
  m.msg_control = control;
  m.msg_controllen = size;
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
  in6_pktinfo info{};
  info.ipi6_addr = to_in6_addr(source);
  info.ipi6_ifindex = static_cast<unsigned>(ifindex);
  std::memcpy(CMSG_DATA(c), &info, sizeof info);
}

// Older kernels lack these; the value is the uapi one, the kernel answers ENOPROTOOPT if unknown.
constexpr int kIpv6MulticastAll = 29;  // IPV6_MULTICAST_ALL, Linux 4.20
constexpr int kIpv6Freebind = 78;      // IPV6_FREEBIND, Linux 4.15

#define VIGIL_NET_TRY(expr)                  \
  do {                                   \
    if (auto _st = (expr); !_st) return _st.error(); \
  } while (0)

Result<Fd> raw_socket(const VrrpSocketOptions& o) {
  int domain = o.family == vrrp::Family::inet ? AF_INET : AF_INET6;
  Fd fd{::socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, o.protocol)};
  if (!fd) return errno_error(fmt::format("socket(raw, proto {})", o.protocol));
  if (auto st = bind_to_interface(fd.get(), o.ifindex); !st) return st.error();
  return fd;
}

Status bind_address(int fd, const vrrp::IpAddress& addr, int ifindex) {
  SockAddr sa = to_sockaddr(addr, ifindex);
  if (::bind(fd, sa.get(), sa.len) != 0) return errno_error("bind(" + addr.to_string() + ")");
  return {};
}

Status setup_receiver_v4(int fd, const VrrpSocketOptions& o, const vrrp::IpAddress& group) {
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL"));
  if (o.ipv4_packet_info) {
    VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO"));
    VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL"));
  }
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP"));
  if (o.unicast_source) {
    VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IP, IP_FREEBIND, 1, "IP_FREEBIND"));
    return bind_address(fd, *o.unicast_source, o.ifindex);
  }
  ip_mreqn mreq{};
  mreq.imr_multiaddr = to_in_addr(group);
  mreq.imr_ifindex = o.ifindex;
  if (::setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
    return errno_error("IP_ADD_MEMBERSHIP " + group.to_string());
  }
  return bind_address(fd, group, o.ifindex);
}

Status setup_receiver_v6(int fd, const VrrpSocketOptions& o, const vrrp::IpAddress& group) {
  if (auto st = set_int_option(fd, IPPROTO_IPV6, kIpv6MulticastAll, 0, "IPV6_MULTICAST_ALL");
      !st && st.error().code != ENOPROTOOPT) {
    return st;
  }
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO"));
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT"));
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP"));
  if (o.unicast_source) {
    auto st = set_int_option(fd, IPPROTO_IPV6, kIpv6Freebind, 1, "IPV6_FREEBIND");
    if (!st && st.error().code == ENOPROTOOPT) {
      st = set_int_option(fd, IPPROTO_IP, IP_FREEBIND, 1, "IP_FREEBIND");  // applies to v6 too
    }
    VIGIL_NET_TRY(st);
    return bind_address(fd, *o.unicast_source, o.ifindex);
  }
  ipv6_mreq mreq{};
  mreq.ipv6mr_multiaddr = to_in6_addr(group);
  mreq.ipv6mr_interface = static_cast<unsigned>(o.ifindex);
  if (::setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
    return errno_error("IPV6_ADD_MEMBERSHIP " + group.to_string());
  }
  return bind_address(fd, group, o.ifindex);
}

Status setup_sender_v4(int fd, const VrrpSocketOptions& o) {
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL"));
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP"));
  ip_mreqn mreq{};
  mreq.imr_ifindex = o.ifindex;
  if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq) != 0) {
    return errno_error("IP_MULTICAST_IF");
  }
  return {};
}

Status setup_sender_v6(int fd, const VrrpSocketOptions& o) {
  if (o.protocol == kIpProtoVrrp) {
    // The kernel computes the VRRP checksum (offset 6) over the IPv6 pseudo-header + message.
    VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IPV6, IPV6_CHECKSUM, 6, "IPV6_CHECKSUM"));
  }
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, o.hop_limit, "IPV6_MULTICAST_HOPS"));
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, o.hop_limit, "IPV6_UNICAST_HOPS"));
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP"));
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, o.ifindex, "IPV6_MULTICAST_IF"));
  VIGIL_NET_TRY(set_int_option(fd, IPPROTO_IPV6, IPV6_TCLASS, o.traffic_class, "IPV6_TCLASS"));
  return {};
}

bool family_matches(const vrrp::IpAddress& a, vrrp::Family f) { return a.family() == f; }

Status check_options(const VrrpSocketOptions& o) {
  if (o.ifindex <= 0) return make_error(EINVAL, "VRRP socket: no interface index");
  if (o.group && !family_matches(*o.group, o.family)) return make_error(EINVAL, "VRRP socket: group family");
  if (o.unicast_source && !family_matches(*o.unicast_source, o.family)) {
    return make_error(EINVAL, "VRRP socket: unicast source family");
  }
  return {};
}

}  // namespace

vrrp::IpAddress vrrp_group(vrrp::Family family) {
  if (family == vrrp::Family::inet) return vrrp::IpAddress::v4({224, 0, 0, 18});
  return vrrp::IpAddress::v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});
}

Result<VrrpReceiver> VrrpReceiver::open(const VrrpSocketOptions& o) {
  VIGIL_NET_TRY(check_options(o));
  auto fd = raw_socket(o);
  if (!fd) return fd.error();
  if (o.rcvbuf > 0) VIGIL_NET_TRY(set_int_option(fd->get(), SOL_SOCKET, SO_RCVBUF, o.rcvbuf, "SO_RCVBUF"));
  // Each packet's arrival time (RecvPacket::arrival_ns): the timers an advert sets count from it.
  VIGIL_NET_TRY(set_int_option(fd->get(), SOL_SOCKET, SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS"));
  vrrp::IpAddress group = o.group.value_or(vrrp_group(o.family));
  Status st = o.family == vrrp::Family::inet ? setup_receiver_v4(fd->get(), o, group)
                                             : setup_receiver_v6(fd->get(), o, group);
  VIGIL_NET_TRY(st);
  return VrrpReceiver(std::move(*fd), o.family);
}

Result<VrrpSender> VrrpSender::open(const VrrpSocketOptions& o) {
  VIGIL_NET_TRY(check_options(o));
  // IPv4 sends whole packets (IP_HDRINCL), so the socket's own protocol plays no part in what
  // goes out: IPPROTO_RAW makes it send-only. A protocol-112 socket would also be handed a
  // copy of every advert this host receives on the interface (cloned in softirq, then dropped
  // by the filter): per received packet, work for nothing.
  VrrpSocketOptions socket_opts = o;
  if (o.family == vrrp::Family::inet) socket_opts.protocol = IPPROTO_RAW;
  auto fd = raw_socket(socket_opts);
  if (!fd) return fd.error();
  VIGIL_NET_TRY(attach_drop_all_filter(fd->get()));
  Status st = o.family == vrrp::Family::inet ? setup_sender_v4(fd->get(), o) : setup_sender_v6(fd->get(), o);
  VIGIL_NET_TRY(st);
  return VrrpSender(std::move(*fd), o);
}

Status VrrpSender::send(std::span<const std::uint8_t> bytes, const vrrp::IpAddress& dst) {
  if (dst.family() != opts_.family) return make_error(EINVAL, "VRRP send: destination family");
  SockAddr sa = to_sockaddr(dst, opts_.ifindex);
  iovec iov{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
  msghdr msg{};
  msg.msg_name = const_cast<sockaddr*>(sa.get());
  msg.msg_namelen = sa.len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
  // IPv6 source: source6, else the unicast source (what keepalived's unicast_src_ip means).
  const std::optional<vrrp::IpAddress>& src6 = opts_.source6 ? opts_.source6 : opts_.unicast_source;
  if (opts_.family == vrrp::Family::inet6 && src6) {
    put_ipv6_source(msg, control, sizeof control, *src6, opts_.ifindex);
  }
  ssize_t n = ::sendmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0) return errno_error("sendmsg(VRRP to " + dst.to_string() + ")");
  if (static_cast<std::size_t>(n) != bytes.size()) return make_error(EMSGSIZE, "sendmsg(VRRP): short write");
  return {};
}

void VrrpSender::send_many(std::span<const Packet> packets, std::span<Status> results) {
  constexpr std::size_t kChunk = 64;
  const std::optional<vrrp::IpAddress>& src6 = opts_.source6 ? opts_.source6 : opts_.unicast_source;
  const bool pktinfo = opts_.family == vrrp::Family::inet6 && src6.has_value();
  std::size_t i = 0;
  while (i < packets.size()) {
    const std::size_t n = std::min(kChunk, packets.size() - i);
    std::array<SockAddr, kChunk> names;
    std::array<iovec, kChunk> iov;
    std::array<mmsghdr, kChunk> msgs{};
    alignas(cmsghdr) std::array<std::array<char, CMSG_SPACE(sizeof(in6_pktinfo))>, kChunk> control{};
    std::size_t built = 0;
    for (; built < n; ++built) {
      const Packet& p = packets[i + built];
      if (p.dst.family() != opts_.family) break;  // sent (and refused) alone below
      names[built] = to_sockaddr(p.dst, opts_.ifindex);
      iov[built] = {const_cast<std::uint8_t*>(p.bytes.data()), p.bytes.size()};
      msghdr& m = msgs[built].msg_hdr;
      m.msg_name = const_cast<sockaddr*>(names[built].get());
      m.msg_namelen = names[built].len;
      m.msg_iov = &iov[built];
      m.msg_iovlen = 1;
      if (pktinfo) {
        put_ipv6_source(m, control[built].data(), control[built].size(), *src6, opts_.ifindex);
      }
    }
    int sent = built == 0 ? 0 : ::sendmmsg(fd_.get(), msgs.data(), static_cast<unsigned>(built), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent < 0) sent = 0;  // the first one failed: send() below reports its own error
    for (int k = 0; k < sent; ++k) {
      results[i + static_cast<std::size_t>(k)] =
          msgs[static_cast<std::size_t>(k)].msg_len == packets[i + static_cast<std::size_t>(k)].bytes.size()
              ? Status{}
              : make_error(EMSGSIZE, "sendmmsg(VRRP): short write");
    }
    i += static_cast<std::size_t>(sent);
    if (static_cast<std::size_t>(sent) < n) {  // packet i stopped the batch: its own error, then go on
      results[i] = send(packets[i].bytes, packets[i].dst);
      ++i;
    }
  }
}

}  // namespace vigil::net

#undef VIGIL_NET_TRY
