// net/recv_meta.h — what the kernel told us about one received VRRP packet, taken from the
// socket address and the control messages (IP_PKTINFO/IPV6_PKTINFO, IP_TTL/IPV6_HOPLIMIT).
// The codec checks these (TTL/hop limit must be 255, RFC 5798 §7.1) without seeing a msghdr.
#pragma once

#include "vrrp/types.h"

namespace vigil::net {

struct RecvMeta {
  vrrp::IpAddress source;       // sender's address (msg_name)
  vrrp::IpAddress destination;  // header destination (pktinfo): the group or our unicast address
  int ttl = -1;                 // IPv4 TTL or IPv6 hop limit; -1 if the kernel did not say
  int ifindex = 0;              // interface the packet arrived on (pktinfo); 0 if unknown
  bool multicast = false;       // destination is a multicast address
};

}  // namespace vigil::net
