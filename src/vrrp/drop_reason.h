// vrrp/drop_reason.h — why a received advertisement was discarded, and the counters we keep.
//
// Every discarded packet has exactly one DropReason. Every reason, and the receive-side events
// that are counted without dropping (an advert received, a priority-0 advert, an address-list
// mismatch), bumps one RxStat. RxCounters is a plain array indexed by RxStat; rx_stat_names()
// gives each counter its RFC 6527 (VRRPv3-MIB) / RFC 2787 (VRRP-MIB) object name and the label
// keepalived uses in its SIGUSR2 stats file and JSON dump (reference §5.3, §5.4), so the dump
// code can print any of the three without a second table.
//
//   RxCounters c;
//   c.add(stat_of(DropReason::bad_ttl));
//   for (const auto& n : rx_stat_names()) print(n.rfc_name, c[n.stat]);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigil::vrrp {

// Why a packet was discarded. Listed roughly in the order validation checks them.
enum class DropReason : std::uint8_t {
  bad_ip_header,        // IPv4 header malformed, total length disagrees with the buffer, not proto 112
  bad_length,           // VRRP message shorter than its header+addresses(+auth), or too long
  bad_ttl,              // multicast: TTL/hop limit != 255; unicast: outside the peer's min/max ttl
  bad_version,          // version nibble is not ours (or not 2/3 at all)
  auth_type_invalid,    // v2 auth type not 0/1/2                       (RFC 2787 InvalidAuthType)
  auth_type_mismatch,   // v2 auth type != ours, or AH framing not configured (AuthTypeMismatch)
  auth_failure,         // v2 PASS password differs (compared in constant time)
  interval_mismatch,    // v2 advert interval != ours: silently dropped (reference §4.2 item 6)
  invalid_interval,     // v3 max advert interval of 0 centiseconds (RFC 5798 range is 1..4095)
  bad_type,             // type nibble != 1 (ADVERTISEMENT)
  bad_checksum,         // checksum does not verify under the instance's checksum rule
  family_mismatch,      // IPv4 advert for an IPv6 instance or vice versa
  vrid_mismatch,        // VRID is not this instance's (or no instance has it)
  cast_mismatch,        // multicast instance got a unicast packet, or the reverse
  unicast_source,       // unicast source address is not a configured peer (check_unicast_src)
};
inline constexpr std::size_t kDropReasonCount = 15;

std::string_view to_string(DropReason r);

// One counter per receive-side event; see rx_stat_names() for the exported names.
enum class RxStat : std::uint8_t {
  adverts_received,        // passed validation (address-list mismatch included)
  priority_zero_received,
  address_list_errors,     // counted, packet still used (reference §4.2 item 12)
  packet_length_errors,
  ip_ttl_errors,
  invalid_type,
  adv_interval_errors,
  version_errors,
  checksum_errors,
  vrid_errors,
  auth_invalid_type,
  auth_type_mismatch,
  auth_failures,
  family_mismatch,
  cast_mismatch,
  unicast_source_errors,
};
inline constexpr std::size_t kRxStatCount = 16;

// The counter a drop reason bumps.
RxStat stat_of(DropReason r);

// RFC 6527 vrrpv3StatisticsProtoErrReason: the kind of the last protocol error an instance saw
// (also the payload of the vrrpv3ProtoError notification).
enum class ProtoErrReason : std::uint8_t {
  no_error = 0,
  ip_ttl_error = 1,
  version_error = 2,
  checksum_error = 3,
  vr_id_error = 4,
};
// The ProtoErrReason a drop records, or no_error for drops RFC 6527 does not classify.
ProtoErrReason proto_error_of(DropReason r);
std::string_view to_string(ProtoErrReason r);  // the MIB's enum label, e.g. "ipTtlError"

struct RxStatName {
  RxStat stat;
  std::string_view id;               // vigil's own snake_case name (always set)
  std::string_view rfc_name;         // VRRPV3-MIB / VRRP-MIB object, "" if none
  std::string_view keepalived_section;  // keepalived.stats block the label sits in, e.g.
                                        // "Packet Errors" (labels repeat across blocks)
  std::string_view keepalived_label; // keepalived.stats line label, "" if keepalived has none
  std::string_view keepalived_json;  // keepalived.json "stats" key, "" if none
};
const std::array<RxStatName, kRxStatCount>& rx_stat_names();
const RxStatName& name_of(RxStat s);

// Monotonic receive counters for one instance (or, for vrid/version/checksum errors, a router).
struct RxCounters {
  std::array<std::uint64_t, kRxStatCount> value{};
  ProtoErrReason last_proto_error = ProtoErrReason::no_error;  // vrrpv3StatisticsProtoErrReason

  void add(RxStat s) { ++value[static_cast<std::size_t>(s)]; }
  void add(DropReason r) {
    add(stat_of(r));
    if (const ProtoErrReason p = proto_error_of(r); p != ProtoErrReason::no_error) {
      last_proto_error = p;
    }
  }
  std::uint64_t operator[](RxStat s) const { return value[static_cast<std::size_t>(s)]; }
  void clear() {
    value = {};
    last_proto_error = ProtoErrReason::no_error;
  }
};

}  // namespace vigil::vrrp
