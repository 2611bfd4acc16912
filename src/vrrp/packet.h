// vrrp/packet.h — the VRRPv2/v3 advertisement codec: decode, validate, encode. Pure: bytes and
// receive metadata in, values out; no syscalls, no clock, no allocation.
//
// Receive path (src/net fills RxMeta from the IP header / control messages):
//
//   RxMeta meta{.ifindex = idx};
//   auto advert = decode_ipv4(ip_packet, meta);      // IPv4 raw socket: IP header included
//   // or: auto advert = decode(payload, Family::inet6); with meta from IPV6_PKTINFO/HOPLIMIT
//   if (!advert) { router_counters.add(advert.error()); return; }
//   Instance* in = find(advert->vrid);               // none: DropReason::vrid_mismatch
//   Verdict v = validate(*advert, meta, in->expect);
//   count(in->counters, v, *advert);
//   if (v.accepted()) in->fsm.on_advert(...);
//
// Send path: encode_ipv4() (IP_HDRINCL, header built like keepalived) or encode() for the VRRP
// message alone (IPv6: the kernel adds the header and may overwrite the checksum).
//
// A decoded Advert views the caller's buffer (addresses, auth data): it is valid only while
// that buffer is. Expectations views the instance's VIP and peer lists the same way.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "vrrp/checksum.h"
#include "vrrp/drop_reason.h"
#include "vrrp/packet_result.h"
#include "vrrp/types.h"

namespace vigil::vrrp {

// ---------------------------------------------------------------------------------------------
// Wire formats
//
// VRRPv2 (RFC 3768 §5.1), IPv4 only:
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |   Auth Type   |   Adver Int   |          Checksum             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                         IP Address (1)                        |
//    |                              ...                              |
//    |                         IP Address (n)                        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                     Authentication Data (1)                   |
//    |                     Authentication Data (2)                   |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   Adver Int in seconds. The 8 auth bytes are always present (zero without PASS).
//
// VRRPv3 (RFC 5798 §5.1), IPv4 (4-byte addresses) or IPv6 (16-byte addresses):
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |(rsvd) |     Max Adver Int     |          Checksum             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                       IPvX Address(es)                        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   Max Adver Int: 12 bits, centiseconds. No authentication data.
struct WireHeader {
  std::uint8_t version_type;   // version << 4 | type
  std::uint8_t vrid;
  std::uint8_t priority;
  std::uint8_t count;          // number of addresses
  std::uint8_t word1_hi;       // v2: auth type;   v3: rsvd(4) | max adver int bits 11..8
  std::uint8_t word1_lo;       // v2: adver int s; v3: max adver int bits 7..0
  std::uint8_t checksum[2];    // network order
};
static_assert(sizeof(WireHeader) == 8);

// IPv4 header as keepalived builds it for IP_HDRINCL (RFC 791 §3.1); no options on send.
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |Version|  IHL  |Type of Service|          Total Length         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         Identification        |Flags|      Fragment Offset    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Time to Live |  Protocol=112 |         Header Checksum       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                       Source Address                          |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                    Destination Address                        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct WireIpv4Header {
  std::uint8_t version_ihl;    // 0x45
  std::uint8_t tos;            // 0xC0 (CS6)
  std::uint8_t total_length[2];
  std::uint8_t id[2];
  std::uint8_t flags_fragment[2];  // 0: DF clear
  std::uint8_t ttl;
  std::uint8_t protocol;
  std::uint8_t checksum[2];
  std::uint8_t source[4];
  std::uint8_t destination[4];
};
static_assert(sizeof(WireIpv4Header) == 20);

inline constexpr std::size_t kHeaderSize = sizeof(WireHeader);
inline constexpr std::size_t kAuthDataSize = 8;              // v2 only
inline constexpr std::size_t kIpv4HeaderSize = sizeof(WireIpv4Header);
inline constexpr std::size_t kMaxAddresses = 255;            // Count is one byte
inline constexpr std::size_t kEthernetMinPayload = 46;       // 60-byte frame minus 14
inline constexpr std::uint8_t kTypeAdvertisement = 1;
inline constexpr std::uint8_t kIpProtoAh = 51;
// Largest message: v3 IPv6 with 255 addresses.
inline constexpr std::size_t kMaxMessageSize = kHeaderSize + kMaxAddresses * 16;

// Bytes of a message with `count` addresses: header + addresses (+ 8 auth bytes for v2).
constexpr std::size_t message_size(Version v, Family f, std::size_t count) {
  return kHeaderSize + count * (f == Family::inet ? 4 : 16) + (v == Version::v2 ? kAuthDataSize : 0);
}

// ---------------------------------------------------------------------------------------------
// Receive

// What src/net learned about a received packet besides its bytes (IP header for IPv4 raw
// sockets; IP_PKTINFO / IPV6_PKTINFO / IPV6_HOPLIMIT control messages otherwise).
struct RxMeta {
  IpAddress source{};
  IpAddress destination{};
  std::uint8_t ttl = 0;                 // IPv4 TTL or IPv6 hop limit
  unsigned ifindex = 0;
  bool destination_multicast = false;   // the packet was sent to a multicast group
};

// A structurally sound advertisement, viewing the decoded buffer. Nothing here is checked
// against an instance yet: see validate().
struct Advert {
  Version version = Version::v3;
  Family family = Family::inet;
  std::uint8_t type = 0;                // 1 = ADVERTISEMENT; anything else fails validate()
  Vrid vrid{};
  Priority priority{};
  std::uint8_t auth_type = 0;           // v2 raw Auth Type (0 none, 1 PASS, 2 AH); v3: 0
  std::uint8_t reserved = 0;            // v3 the 4 reserved bits; v2: 0
  std::uint16_t interval_field = 0;     // v2: Adver Int (seconds); v3: Max Adver Int (cs)
  std::uint16_t checksum = 0;           // as on the wire, host order
  std::span<const std::uint8_t> addresses{};  // count × 4 or 16 bytes
  std::span<const std::uint8_t> auth_data{};  // v2: 8 bytes; v3: empty
  std::span<const std::uint8_t> message{};    // the whole VRRP message, padding excluded

  std::size_t address_count() const { return addresses.size() / address_size(); }
  std::size_t address_size() const { return family == Family::inet ? 4 : 16; }
  IpAddress address(std::size_t i) const {
    return IpAddress::from_bytes(family, addresses.data() + i * address_size());
  }
  bool contains(const IpAddress& a) const;
  // The advertised interval as a duration: v2 seconds × 100, v3 centiseconds.
  Centiseconds interval() const {
    return Centiseconds{version == Version::v2 ? interval_field * 100 : interval_field};
  }
};

// Structural decode of a VRRP message (the IP payload). Checks only what is needed to read it:
// version 2 or 3, and a length of exactly message_size(version, family, count). Trailing bytes
// are tolerated only as Ethernet minimum-frame padding (IPv4 header + buffer <= 46 bytes).
// Errors: bad_version, bad_length.
Expected<Advert, DropReason> decode(std::span<const std::uint8_t> message, Family family);

// A parsed IPv4 header (options skipped) and the payload its Total Length delimits.
struct Ipv4View {
  std::uint8_t tos = 0;
  std::uint16_t id = 0;
  std::uint16_t flags_fragment = 0;
  std::uint8_t ttl = 0;
  std::uint8_t protocol = 0;
  std::uint16_t checksum = 0;
  IpAddress source{};
  IpAddress destination{};
  std::span<const std::uint8_t> payload{};
};

// Parses the header of an IPv4 packet as a raw socket delivers it. Errors: bad_ip_header (not
// IPv4, IHL < 5, header or Total Length beyond the buffer, buffer longer than Total Length
// beyond Ethernet padding, a fragment); auth_type_mismatch (protocol 51: AH is not supported).
Expected<Ipv4View, DropReason> parse_ipv4(std::span<const std::uint8_t> packet);

// parse_ipv4() then decode(); sets meta.source, destination, ttl and destination_multicast
// from the IP header (meta.ifindex is left as the caller set it).
Expected<Advert, DropReason> decode_ipv4(std::span<const std::uint8_t> packet, RxMeta& meta);

// A unicast peer with keepalived's optional per-peer TTL bounds (`min_ttl`, `max_ttl`).
struct UnicastPeer {
  IpAddress address{};
  std::uint8_t min_ttl = 0;
  std::uint8_t max_ttl = 255;
};

// Which checksum rule a VRRPv3-over-IPv4 instance applies (reference §4.6).
struct ChecksumRule {
  V3Checksum mode = V3Checksum::pseudo_header;
  std::optional<IpAddress> group{};  // old_unicast destination; nullopt = 224.0.0.18/ff02::12
};

// What one instance expects of the adverts it receives. The instance owns the storage that
// `vips` and `peers` view and keeps it alive while the struct is used.
struct Expectations {
  Version version = Version::v2;
  Family family = Family::inet;
  Vrid vrid{};
  AuthType auth_type = AuthType::none;          // v2 only; ah is not implemented (mismatch)
  std::array<std::uint8_t, kAuthDataSize> auth_pass{};  // PASS: first 8 bytes, zero padded
  Centiseconds advert_interval{100};            // own advert_int; v2 adverts must match it
  std::span<const IpAddress> vips{};            // this family's VIPs, config order
  bool check_vips = true;  // false for skip_check_adv_addr when the advert is from the last master
  bool unicast = false;
  std::span<const UnicastPeer> peers{};
  bool check_unicast_source = false;            // check_unicast_src
  ChecksumRule checksum{};
  bool detect_old_unicast_checksum = true;      // false: `old_unicast_checksum never`
};

// The outcome of validate(). A dropped packet has `drop` set and nothing else matters.
struct Verdict {
  std::optional<DropReason> drop{};
  bool address_list_mismatch = false;  // §4.2 item 12: counted (Address List); see vip_missing
  bool vip_missing = false;            // counts equal but one of our VIPs is absent: keepalived
                                       // logs "ip address associated with VRID N not present"
                                       // and the advert must not count for the election
  bool interval_differs = false;       // v3: log once; a backup adopts the master's interval
  bool old_unicast_checksum = false;   // only the old-unicast rule verified: the instance
                                       // should switch to it ("Setting unicast VRRPv3
                                       // checksum to old version")
  bool accepted() const { return !drop.has_value(); }
};

// Checks a decoded advert against an instance, in keepalived's order (reference §4.2):
// family, TTL/hop limit, version, VRID, v2 auth type / password / interval, type, v3 interval,
// checksum, multicast vs unicast, address list (item 12: noted, never a drop), unicast source
// (item 13). Never throws.
Verdict validate(const Advert& advert, const RxMeta& meta, const Expectations& expect);

// Bumps the counters for one verdict: its drop reason, or adverts_received plus
// address_list_errors / priority_zero_received as they apply. A unicast_source drop happens
// after keepalived has counted the advert as received (items 12, 13), so it bumps those too.
void count(RxCounters& counters, const Verdict& verdict, const Advert& advert);

// ---------------------------------------------------------------------------------------------
// Send

struct AdvertFields {
  Version version = Version::v3;
  Family family = Family::inet;
  Vrid vrid{};
  Priority priority{Priority::kDefault};
  Centiseconds interval{100};         // v2: whole seconds 1..255; v3: 1..4095 cs
  AuthType auth_type = AuthType::none;  // v2: none or pass
  std::array<std::uint8_t, kAuthDataSize> auth_data{};  // PASS bytes
  std::span<const IpAddress> addresses{};  // all of `family`, at most 255
};

enum class EncodeError : std::uint8_t {
  buffer_too_small,
  too_many_addresses,
  family_mismatch,      // an address (or IP source/destination) not of fields.family
  bad_interval,
  unsupported,          // v2 over IPv6, AH authentication, auth with v3
};
std::string_view to_string(EncodeError e);

// Writes the VRRP message into out and returns its length. The checksum is computed for the
// given IP source/destination (used by v3 only; IPv6 senders may let the kernel redo it).
Expected<std::size_t, EncodeError> encode(const AdvertFields& fields,
                                               const IpAddress& source,
                                               const IpAddress& destination,
                                               const ChecksumRule& rule,
                                               std::span<std::uint8_t> out);

// IPv4 header fields for IP_HDRINCL. keepalived 2.2.7 numbers adverts from id 1 upwards per
// sender (captures), DF clear, TOS 0xC0, TTL 255 (or unicast_ttl).
struct Ipv4Fields {
  IpAddress source{};
  IpAddress destination{};
  std::uint8_t ttl = 255;
  std::uint16_t id = 0;
  std::uint8_t tos = 0xC0;
};

// Writes a 20-byte IPv4 header followed by the VRRP message; returns the total length.
Expected<std::size_t, EncodeError> encode_ipv4(const AdvertFields& fields,
                                                    const Ipv4Fields& ip,
                                                    const ChecksumRule& rule,
                                                    std::span<std::uint8_t> out);

}  // namespace vigil::vrrp
