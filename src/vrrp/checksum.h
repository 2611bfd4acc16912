// vrrp/checksum.h — the RFC 1071 Internet checksum and the VRRP checksum rules built on it.
//
// Which bytes the VRRP checksum covers depends on the version and on keepalived's compatibility
// options (reference §4.6):
//
//   version / mode            what is summed
//   v2                        the VRRP message only (header + addresses + 8-byte auth data)
//   v3 IPv4, pseudo_header    {src, dst, 0, 112, VRRP length} + message   (keepalived default)
//   v3 IPv4, as_v2            the message only (RFC 9568 / Cisco; `v3_checksum_as_v2`)
//   v3 IPv4, old_unicast      {src, 224.0.0.18 (group), 0, 112, len} + message, even when the
//                             packet is unicast (keepalived <= 1.3.6; `old_unicast_checksum`)
//   v3 IPv6                   RFC 8200 §8.1 pseudo-header {src, dst, len(32), 0,0,0, 112}
//
// vrrp_checksum() computes the value to put in the checksum field: the field's own two bytes
// (offset 6) are treated as zero, so the same call both builds and verifies a message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "vrrp/types.h"

namespace vigil::vrrp {

inline constexpr std::uint8_t kIpProtoVrrp = 112;
inline constexpr std::size_t kChecksumOffset = 6;  // byte offset of the checksum in the header

// How a VRRPv3-over-IPv4 checksum is formed. Ignored for v2 and for IPv6.
enum class V3Checksum : std::uint8_t { pseudo_header, as_v2, old_unicast };

// RFC 1071 one's-complement sum, accumulated in 32 bits and folded on finish(). Adding an odd
// number of bytes is only correct for the last chunk (as in RFC 1071's reference loop).
class InternetChecksum {
 public:
  void add(std::span<const std::uint8_t> bytes);
  void add_u16(std::uint16_t host_order) { sum_ += host_order; }
  // The checksum field value, host order: ~fold(sum).
  std::uint16_t finish() const;

 private:
  std::uint64_t sum_ = 0;
};

// ~(one's-complement sum of bytes). Over a buffer that already holds a correct checksum it is 0.
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes);

// The checksum field value (host order) for a VRRP message, with bytes 6..7 taken as zero.
// source/destination are the IP addresses of the packet (ignored when no pseudo-header applies);
// group is the multicast group used by V3Checksum::old_unicast.
std::uint16_t vrrp_checksum(Version version, std::span<const std::uint8_t> message,
                            const IpAddress& source, const IpAddress& destination,
                            V3Checksum mode, const IpAddress& group);

// The IPv4 header checksum (host order) over a 20..60-byte header, bytes 10..11 taken as zero.
std::uint16_t ipv4_header_checksum(std::span<const std::uint8_t> header);

}  // namespace vigil::vrrp
