// Structural decoding of VRRP messages and of the IPv4 header in front of them.
#include <cstring>

#include "vrrp/packet.h"

namespace vigil::vrrp {

namespace {

std::uint16_t load16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

// Ethernet pads frames to 60 bytes, so an IPv4 packet shorter than 46 bytes may arrive with
// trailing zeros. A raw socket normally trims them, but keepalived tolerates them and so do we.
bool is_ethernet_padding(std::size_t ip_bytes) { return ip_bytes <= kEthernetMinPayload; }

}  // namespace

bool Advert::contains(const IpAddress& a) const {
  if (a.family() != family) return false;
  // Constant-size compares so the compiler inlines them (this runs per VIP per advert).
  if (family == Family::inet) {
    for (std::size_t off = 0; off + 4 <= addresses.size(); off += 4) {
      if (std::memcmp(addresses.data() + off, a.data(), 4) == 0) return true;
    }
  } else {
    for (std::size_t off = 0; off + 16 <= addresses.size(); off += 16) {
      if (std::memcmp(addresses.data() + off, a.data(), 16) == 0) return true;
    }
  }
  return false;
}

Expected<Advert, DropReason> decode(std::span<const std::uint8_t> message, Family family) {
  if (message.size() < kHeaderSize) return unexpected(DropReason::bad_length);
  WireHeader h;
  std::memcpy(&h, message.data(), sizeof h);

  Advert a;
  const unsigned version = h.version_type >> 4;
  if (version == 2) {
    a.version = Version::v2;
  } else if (version == 3) {
    a.version = Version::v3;
  } else {
    return unexpected(DropReason::bad_version);
  }
  a.family = family;
  a.type = h.version_type & 0x0F;
  a.vrid = Vrid{h.vrid};
  a.priority = Priority{h.priority};
  a.checksum = load16(h.checksum);
  if (a.version == Version::v2) {
    a.auth_type = h.word1_hi;
    a.interval_field = h.word1_lo;
  } else {
    a.reserved = h.word1_hi >> 4;
    a.interval_field = static_cast<std::uint16_t>((h.word1_hi & 0x0F) << 8 | h.word1_lo);
  }

  const std::size_t expected = message_size(a.version, family, h.count);
  if (message.size() < expected) return unexpected(DropReason::bad_length);
  if (message.size() > expected &&
      !(family == Family::inet && is_ethernet_padding(kIpv4HeaderSize + message.size()))) {
    return unexpected(DropReason::bad_length);
  }
  const std::size_t addr_bytes = h.count * a.address_size();
  a.message = message.first(expected);
  a.addresses = message.subspan(kHeaderSize, addr_bytes);
  if (a.version == Version::v2) a.auth_data = message.subspan(kHeaderSize + addr_bytes, kAuthDataSize);
  return a;
}

Expected<Ipv4View, DropReason> parse_ipv4(std::span<const std::uint8_t> packet) {
  if (packet.size() < kIpv4HeaderSize) return unexpected(DropReason::bad_ip_header);
  WireIpv4Header h;
  std::memcpy(&h, packet.data(), sizeof h);
  const std::size_t ihl = (h.version_ihl & 0x0F) * 4u;
  const std::size_t total = load16(h.total_length);
  if ((h.version_ihl >> 4) != 4 || ihl < kIpv4HeaderSize || total < ihl || total > packet.size() ||
      (packet.size() > total && !is_ethernet_padding(packet.size()))) {
    return unexpected(DropReason::bad_ip_header);
  }
  Ipv4View v;
  v.tos = h.tos;
  v.id = load16(h.id);
  v.flags_fragment = load16(h.flags_fragment);
  // A fragment (MF set or a non-zero offset) is never a whole advert; the kernel reassembles.
  if ((v.flags_fragment & 0x3FFF) != 0) return unexpected(DropReason::bad_ip_header);
  v.ttl = h.ttl;
  v.protocol = h.protocol;
  v.checksum = load16(h.checksum);
  v.source = IpAddress::from_bytes(Family::inet, h.source);
  v.destination = IpAddress::from_bytes(Family::inet, h.destination);
  if (v.protocol == kIpProtoAh) return unexpected(DropReason::auth_type_mismatch);
  if (v.protocol != kIpProtoVrrp) return unexpected(DropReason::bad_ip_header);
  v.payload = packet.subspan(ihl, total - ihl);
  return v;
}

Expected<Advert, DropReason> decode_ipv4(std::span<const std::uint8_t> packet,
                                              RxMeta& meta) {
  auto ip = parse_ipv4(packet);
  if (!ip) return unexpected(ip.error());
  meta.source = ip->source;
  meta.destination = ip->destination;
  meta.ttl = ip->ttl;
  meta.destination_multicast = ip->destination.is_multicast();
  // Padding, if any, was after Total Length, so the payload has none: decode() sees it exact.
  return decode(ip->payload, Family::inet);
}

}  // namespace vigil::vrrp
