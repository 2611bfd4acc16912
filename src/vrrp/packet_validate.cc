// Validation of a decoded advert against one instance's expectations (reference §4.2).
//
// Where vigil's counting can differ from keepalived's (each a malformed or foreign packet that
// both drop; only the counter it lands in differs):
//  - decode() needs the version to know the length, so it runs before the TTL check: a packet
//    with a bad TTL *and* an unknown version counts as a version error (keepalived: TTL).
//  - The expected length follows the packet's version, not the instance's: a v3 advert sent to a
//    v2 instance is a version error even when its length is wrong for v2 (keepalived: Length).
//  - A v3 Max Adver Int of 0 is dropped (invalid_interval); keepalived accepts it.
//  - AH (IP protocol 51, auth type 2) is not implemented: always an auth type mismatch.
#include <algorithm>
#include <cstring>

#include "vrrp/packet.h"

namespace vigil::vrrp {

namespace {

Verdict dropped(DropReason r) {
  Verdict v;
  v.drop = r;
  return v;
}

// Constant-time comparison of the 8 PASS bytes: the time taken never depends on where (or
// whether) the bytes differ, so a sender cannot learn the password a byte at a time.
bool same_password(std::span<const std::uint8_t> got,
                   const std::array<std::uint8_t, kAuthDataSize>& want) {
  unsigned diff = 0;
  for (std::size_t i = 0; i < kAuthDataSize; ++i) diff |= static_cast<unsigned>(got[i] ^ want[i]);
  return diff == 0;
}

const UnicastPeer* find_peer(const Expectations& e, const IpAddress& source) {
  for (const UnicastPeer& p : e.peers) {
    if (p.address == source) return &p;
  }
  return nullptr;
}

// §4.2 item 3: multicast needs TTL/hop limit 255 (RFC 5798 §7.1); unicast is checked only
// against the bounds configured for the sending peer.
bool ttl_ok(const RxMeta& meta, const Expectations& e) {
  if (!e.unicast) return meta.ttl == 255;
  const UnicastPeer* p = find_peer(e, meta.source);
  return p == nullptr || (meta.ttl >= p->min_ttl && meta.ttl <= p->max_ttl);
}

std::optional<DropReason> check_v2_auth_and_interval(const Advert& a, const Expectations& e) {
  if (a.auth_type > static_cast<std::uint8_t>(AuthType::ah)) return DropReason::auth_type_invalid;
  if (a.auth_type != static_cast<std::uint8_t>(e.auth_type)) return DropReason::auth_type_mismatch;
  if (e.auth_type == AuthType::ah) return DropReason::auth_type_mismatch;  // AH not implemented
  if (e.auth_type == AuthType::pass && !same_password(a.auth_data, e.auth_pass)) {
    return DropReason::auth_failure;
  }
  if (Centiseconds{a.interval_field * 100} != e.advert_interval) {
    return DropReason::interval_mismatch;
  }
  return std::nullopt;
}

IpAddress group_of(const Expectations& e, Family f) {
  return e.checksum.group ? *e.checksum.group : IpAddress::vrrp_group(f);
}

// Returns whether the checksum verifies; sets old_unicast when only the old rule matched.
// The group address is only built when a rule needs it (old mode, or the detection retry).
bool checksum_ok(const Advert& a, const RxMeta& meta, const Expectations& e, bool& old_unicast) {
  const V3Checksum mode = e.checksum.mode;
  if (mode == V3Checksum::old_unicast) {
    const IpAddress group = group_of(e, a.family);
    return vrrp_checksum(a.version, a.message, meta.source, meta.destination, mode, group) ==
           a.checksum;
  }
  // pseudo_header and as_v2 never look at the group argument.
  if (vrrp_checksum(a.version, a.message, meta.source, meta.destination, mode,
                    meta.destination) == a.checksum) {
    return true;
  }
  // §4.6: a unicast v3 IPv4 instance retries with the group as pseudo-header destination.
  if (a.version == Version::v3 && a.family == Family::inet && e.unicast &&
      e.detect_old_unicast_checksum && mode == V3Checksum::pseudo_header) {
    const IpAddress group = group_of(e, a.family);
    if (vrrp_checksum(a.version, a.message, meta.source, meta.destination,
                      V3Checksum::old_unicast, group) == a.checksum) {
      old_unicast = true;
      return true;
    }
  }
  return false;
}

// §4.2 item 12: the advert must carry exactly our VIPs. A count mismatch is reported without
// looking further; with equal counts every VIP must be present. Senders list the VIPs in config
// order, so the positional compare settles the common case in one pass.
enum class AddressList : std::uint8_t { match, count_differs, vip_missing };

AddressList check_address_list(const Advert& a, const Expectations& e) {
  const std::size_t n = a.address_count();
  if (n != e.vips.size()) return AddressList::count_differs;
  if (!e.check_vips) return AddressList::match;
  const std::size_t size = a.address_size();
  bool in_order = true;
  for (std::size_t i = 0; i < n && in_order; ++i) {
    in_order = e.vips[i].family() == a.family &&
               std::memcmp(a.addresses.data() + i * size, e.vips[i].data(), size) == 0;
  }
  if (in_order) return AddressList::match;
  const bool all = std::all_of(e.vips.begin(), e.vips.end(),
                               [&](const IpAddress& vip) { return a.contains(vip); });
  return all ? AddressList::match : AddressList::vip_missing;
}

}  // namespace

Verdict validate(const Advert& a, const RxMeta& meta, const Expectations& e) {
  if (a.family != e.family || meta.source.family() != e.family ||
      meta.destination.family() != e.family) {
    return dropped(DropReason::family_mismatch);
  }
  if (!ttl_ok(meta, e)) return dropped(DropReason::bad_ttl);
  if (a.version != e.version) return dropped(DropReason::bad_version);
  if (a.vrid != e.vrid) return dropped(DropReason::vrid_mismatch);
  if (a.version == Version::v2) {
    if (auto r = check_v2_auth_and_interval(a, e)) return dropped(*r);
  }
  if (a.type != kTypeAdvertisement) return dropped(DropReason::bad_type);
  if (a.version == Version::v3 && a.interval_field == 0) {
    return dropped(DropReason::invalid_interval);
  }
  Verdict v;
  if (!checksum_ok(a, meta, e, v.old_unicast_checksum)) return dropped(DropReason::bad_checksum);
  if (meta.destination_multicast == e.unicast) return dropped(DropReason::cast_mismatch);
  const AddressList list = check_address_list(a, e);
  v.address_list_mismatch = list != AddressList::match;
  v.vip_missing = list == AddressList::vip_missing;
  if (e.unicast && e.check_unicast_source && find_peer(e, meta.source) == nullptr) {
    v.drop = DropReason::unicast_source;  // keeps the address-list note: it was counted first
    return v;
  }
  v.interval_differs = a.version == Version::v3 && a.interval() != e.advert_interval;
  return v;
}

void count(RxCounters& counters, const Verdict& verdict, const Advert& advert) {
  const bool counted_first = verdict.drop == DropReason::unicast_source;
  if (!verdict.drop || counted_first) {
    counters.add(RxStat::adverts_received);
    if (verdict.address_list_mismatch) counters.add(RxStat::address_list_errors);
  }
  if (verdict.drop) {
    counters.add(*verdict.drop);
    return;
  }
  if (advert.priority.is_stop()) counters.add(RxStat::priority_zero_received);
}

}  // namespace vigil::vrrp
