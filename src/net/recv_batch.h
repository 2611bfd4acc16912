// net/recv_batch.h — drain a VRRP receive socket with recvmmsg into preallocated buffers.
//
//   RecvBatch batch;                                    // allocate once per socket
//   auto r = batch.drain(rx.fd(), rx.family(), 64, [&](const RecvPacket& p) {
//     vrrp::RxMeta meta = p.meta;                       // spans point into the batch: use now
//     auto advert = rx.family() == vrrp::Family::inet
//                       ? vrrp::decode_ipv4(p.ip_packet, meta)   // re-reads TTL/src/dst from the header
//                       : vrrp::decode(p.payload, vrrp::Family::inet6);
//   });
//   if (r && r->limit_reached) { /* more may be queued: the loop will call again */ }
//
// A drain pass allocates nothing. `limit` bounds the packets handled per pass (flood
// mitigation, reference §2.6: keepalived stops a pass early too) so one busy socket cannot starve
// the loop; the socket stays readable and the next pass continues where this one stopped.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "net/result.h"
#include "vrrp/packet.h"

namespace vigil::net {

struct RecvPacket {
  std::span<const std::uint8_t> payload;    // the VRRP message (IPv4: after the IP header, cut
                                            // at the IP total length; empty if the header is bad)
  std::span<const std::uint8_t> ip_packet;  // IPv4: the whole datagram as read; IPv6: empty
  vrrp::RxMeta meta;                        // from msg_name + IP(V6)_PKTINFO + IP_TTL/IPV6_HOPLIMIT
  std::int64_t arrival_ns = 0;              // when the kernel received it (SO_TIMESTAMPNS, wall
                                            // clock, ns since the epoch); 0 if not stamped
  bool truncated = false;                   // longer than the buffer (MSG_TRUNC)
};

struct DrainResult {
  std::size_t packets = 0;     // delivered in this pass
  bool limit_reached = false;  // stopped because of `limit`, not because the queue was empty
};

class RecvBatch {
 public:
  // batch: messages per recvmmsg call; packet_size: bytes per message (VRRP fits in 1500).
  explicit RecvBatch(std::size_t batch = 32, std::size_t packet_size = 2048);
  RecvBatch(const RecvBatch&) = delete;
  RecvBatch& operator=(const RecvBatch&) = delete;

  template <class F>
  Result<DrainResult> drain(int fd, vrrp::Family family, std::size_t limit, F&& on_packet) {
    DrainResult r;
    while (r.packets < limit) {
      std::size_t want = std::min(slots_, limit - r.packets);
      Result<std::size_t> got = receive(fd, want);
      if (!got) return got.error();
      for (std::size_t i = 0; i < *got; ++i) on_packet(decode(i, family));
      r.packets += *got;
      if (*got < want) return r;  // queue empty
    }
    r.limit_reached = true;
    return r;
  }

 private:
  // One recvmmsg(MSG_DONTWAIT) of up to `want` messages; 0 when nothing is queued.
  Result<std::size_t> receive(int fd, std::size_t want);
  RecvPacket decode(std::size_t i, vrrp::Family family) const;

  static constexpr std::size_t kControlSize = 128;  // pktinfo + ttl/hoplimit + timestamp, with room to spare
  std::size_t slots_;
  std::size_t packet_size_;
  std::vector<std::uint8_t> data_;     // slots_ * packet_size_
  std::vector<std::uint8_t> control_;  // slots_ * kControlSize (cmsghdr-aligned: vector storage)
  std::vector<sockaddr_storage> names_;
  std::vector<iovec> iov_;
  std::vector<mmsghdr> msgs_;
};

}  // namespace vigil::net
