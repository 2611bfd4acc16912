// net/vrrp_socket.h — raw VRRP sockets (IP protocol 112) for one interface and family.
//
// keepalived uses a send socket and a receive socket per (interface, family, unicast source,
// group); so do we (RFC 5798 §5.1.1/§5.1.2, reference §4.1):
//
//   VrrpReceiver: bound to the interface, multicast group joined there (or bound to the unicast
//     source with IP_FREEBIND), IP_MULTICAST_ALL off, asks for TTL/hop limit + pktinfo (IPv4:
//     unless ipv4_packet_info is off).
//     Drain it with RecvBatch (recv_batch.h) when the loop says its fd() is readable.
//   VrrpSender: bound to the interface, multicast loop off, a BPF filter that drops everything it
//     would receive. IPv4: an IPPROTO_RAW socket (receives nothing; IP_HDRINCL), the caller
//     passes the whole IP packet (protocol 112 or 51, TOS 0xc0, TTL, id, src — as keepalived
//     builds it). IPv6: the caller passes the VRRP message only; the kernel
//     writes the header (hop limit 255 or unicast_ttl, traffic class 0xc0) and the checksum
//     (IPV6_CHECKSUM offset 6, which includes the pseudo-header as VRRPv3 wants).
//
// Both are non-blocking and close-on-exec; their fds are for the event loop to watch. Unicast
// mode = VrrpSocketOptions::unicast_source set: one send() per peer with that peer's packet.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "net/fd.h"
#include "net/result.h"
#include "vrrp/types.h"

namespace vigil::net {

inline constexpr int kIpProtoVrrp = 112;

// 224.0.0.18 and ff02::12, the RFC 5798 groups.
vrrp::IpAddress vrrp_group(vrrp::Family family);

struct VrrpSocketOptions {
  vrrp::Family family = vrrp::Family::inet;
  int ifindex = 0;                                // the interface (or VMAC) to use
  std::optional<vrrp::IpAddress> group = {};         // default vrrp_group(family)
  std::optional<vrrp::IpAddress> unicast_source = {};  // set = unicast mode, bind here (IP_FREEBIND)
  std::optional<vrrp::IpAddress> source6 = {};        // IPv6 source to send from (pktinfo); default:
                                                      // unicast_source, else the kernel's choice
  int protocol = kIpProtoVrrp;                    // 51 for AH
  int hop_limit = 255;                            // IPv6 multicast and unicast (unicast_ttl)
  int traffic_class = 0xc0;                       // IPv6 (IPv4 TOS is in the caller's header)
  int rcvbuf = 0;                                 // SO_RCVBUF for the receiver; 0 = kernel default
  // Receiver, IPv4: ask for IP_PKTINFO and IP_TTL with every packet (RxMeta::ifindex). The IP
  // header we read carries the TTL and the destination anyway (RecvBatch takes them from there
  // when there is no control message); without IP_PKTINFO the kernel also skips a route lookup
  // per received packet. IPv6 always asks (no header to read them from).
  bool ipv4_packet_info = true;
};

class VrrpReceiver {
 public:
  static Result<VrrpReceiver> open(const VrrpSocketOptions& opts);
  int fd() const { return fd_.get(); }
  vrrp::Family family() const { return family_; }

 private:
  VrrpReceiver(Fd fd, vrrp::Family f) : fd_(std::move(fd)), family_(f) {}
  Fd fd_;
  vrrp::Family family_;
};

class VrrpSender {
 public:
  static Result<VrrpSender> open(const VrrpSocketOptions& opts);
  int fd() const { return fd_.get(); }
  // IPv4: `bytes` is the whole IP packet (header included) and `dst` its destination.
  // IPv6: `bytes` is the VRRP message; the kernel fills the checksum.
  // EAGAIN (socket buffer full) is returned as an error like any other; the caller drops the
  // advert (VRRP tolerates a lost advert) rather than blocking.
  Status send(std::span<const std::uint8_t> bytes, const vrrp::IpAddress& dst);
  // Several packets (same rules as send()) with as few sendmmsg() calls as possible: adverts of
  // many instances falling due together. results[i] is packet i's outcome; a failing packet does
  // not stop the ones after it. results.size() must be ≥ packets.size().
  struct Packet {
    std::span<const std::uint8_t> bytes;
    vrrp::IpAddress dst;
  };
  void send_many(std::span<const Packet> packets, std::span<Status> results);

 private:
  VrrpSender(Fd fd, const VrrpSocketOptions& o) : fd_(std::move(fd)), opts_(o) {}
  Fd fd_;
  VrrpSocketOptions opts_;
};

}  // namespace vigil::net
