#include "net/recv_batch.h"

#include <netinet/in.h>
#include <netinet/ip.h>

#include <time.h>

#include <cerrno>
#include <cstring>

#include "net/sockaddr.h"

namespace vigil::net {
namespace {

int load_int(const void* p) {
  int v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

RecvBatch::RecvBatch(std::size_t batch, std::size_t packet_size)
    : slots_(batch == 0 ? 1 : batch),
      packet_size_(packet_size),
      data_(slots_ * packet_size_),
      control_(slots_ * kControlSize),
      names_(slots_),
      iov_(slots_),
      msgs_(slots_) {}

Result<std::size_t> RecvBatch::receive(int fd, std::size_t want) {
  for (std::size_t i = 0; i < want; ++i) {
    iov_[i] = iovec{data_.data() + i * packet_size_, packet_size_};
    msghdr& h = msgs_[i].msg_hdr;
    h = msghdr{};
    h.msg_name = &names_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &iov_[i];
    h.msg_iovlen = 1;
    h.msg_control = control_.data() + i * kControlSize;
    h.msg_controllen = kControlSize;
    msgs_[i].msg_len = 0;
  }
  for (;;) {
    int n = ::recvmmsg(fd, msgs_.data(), static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::size_t{0};
    return errno_error("recvmmsg(VRRP)");
  }
}

RecvPacket RecvBatch::decode(std::size_t i, vrrp::Family family) const {
  const msghdr& h = msgs_[i].msg_hdr;
  RecvPacket p;
  std::size_t len = std::min<std::size_t>(msgs_[i].msg_len, packet_size_);
  const std::uint8_t* bytes = data_.data() + i * packet_size_;
  p.truncated = (h.msg_flags & MSG_TRUNC) != 0;
  if (auto src = from_sockaddr(reinterpret_cast<const sockaddr*>(h.msg_name), h.msg_namelen)) {
    p.meta.source = *src;
  }
  bool have_info = false;
  for (const cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), const_cast<cmsghdr*>(c))) {
    const void* d = CMSG_DATA(c);
    std::size_t dlen = c->cmsg_len - CMSG_LEN(0);
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS && dlen >= sizeof(timespec)) {
      timespec ts;
      std::memcpy(&ts, d, sizeof ts);
      p.arrival_ns = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && dlen >= sizeof(in_pktinfo)) {
      in_pktinfo info;
      std::memcpy(&info, d, sizeof info);
      p.meta.ifindex = static_cast<unsigned>(info.ipi_ifindex);
      p.meta.destination = from_in_addr(info.ipi_addr);
      have_info = true;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL && dlen >= sizeof(int)) {
      p.meta.ttl = static_cast<std::uint8_t>(load_int(d));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
               dlen >= sizeof(in6_pktinfo)) {
      in6_pktinfo info;
      std::memcpy(&info, d, sizeof info);
      p.meta.ifindex = info.ipi6_ifindex;
      p.meta.destination = from_in6_addr(info.ipi6_addr);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT && dlen >= sizeof(int)) {
      p.meta.ttl = static_cast<std::uint8_t>(load_int(d));
    }
  }
  p.meta.destination_multicast = p.meta.destination.is_multicast();
  if (family == vrrp::Family::inet6) {
    p.payload = {bytes, len};
    return p;
  }
  p.ip_packet = {bytes, len};
  // IPv4 raw sockets hand us the IP header; the payload starts after IHL words and ends at the
  // IP total length (frames from real NICs may carry Ethernet padding beyond it).
  if (len < 20 || (bytes[0] >> 4) != 4) return p;
  if (!have_info) {  // no IP_PKTINFO / IP_TTL asked for: the header has both
    p.meta.ttl = bytes[8];
    p.meta.destination = vrrp::IpAddress::v4({bytes[16], bytes[17], bytes[18], bytes[19]});
    p.meta.destination_multicast = p.meta.destination.is_multicast();
  }
  std::size_t ihl = static_cast<std::size_t>(bytes[0] & 0x0f) * 4;
  std::size_t total = static_cast<std::size_t>(bytes[2]) << 8 | bytes[3];
  if (ihl < 20 || total < ihl || total > len) return p;
  p.payload = {bytes + ihl, total - ihl};
  return p;
}

}  // namespace vigil::net
