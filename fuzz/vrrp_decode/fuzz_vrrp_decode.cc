// fuzz_vrrp_decode: decode + validate arbitrary bytes under arbitrary receive metadata and
// instance expectations, then re-encode whatever decodes and check that it round-trips.
//
// Input layout: a 4-byte control prefix, then the packet.
//   byte 0  bit 0: 0 = IPv4 packet through decode_ipv4(), 1 = VRRP message through decode()
//           bit 1: family inet6 (message path only)   bit 2: unicast instance
//           bit 3: check_unicast_source               bits 4-5: V3Checksum (3 = pseudo_header)
//           bit 6: detect old unicast checksum        bit 7: instance is v2 (else v3)
//   byte 1  TTL / hop limit (message path; the IPv4 path takes it from the header)
//   byte 2  the instance's VRID
//   byte 3  bits 0-1: auth type   bit 2: check_vips   bits 3-7: advert interval in seconds
// make_corpus.py writes seeds in this layout from the golden captures.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "vrrp/packet.h"

namespace {

using namespace vigil::vrrp;

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input that got here
}

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

struct World {
  std::vector<IpAddress> vips4 = {ip("10.77.0.100"), ip("10.77.0.101")};
  std::vector<IpAddress> vips6 = {ip("fe80::53"), ip("fd77::100")};
  std::vector<UnicastPeer> peers4 = {{ip("10.77.0.1")}, {ip("10.77.0.2"), 64, 255}};
  std::vector<UnicastPeer> peers6 = {{ip("fe80::77:ff:fe00:1")}};
};

const World& world() {
  static const World w;
  return w;
}

// Re-encodes a decoded advert and checks the message bytes come back, and that a verdict's
// checksum claim holds for the encoder too.
void check_round_trip(const Advert& a, const RxMeta& meta, const Expectations& e,
                      const Verdict& v) {
  const bool v2 = a.version == Version::v2;
  if (a.type != kTypeAdvertisement || a.reserved != 0) return;       // not representable
  if (v2 && (a.family != Family::inet || a.auth_type > 1 || a.interval_field == 0)) return;
  if (!v2 && a.interval_field == 0) return;
  if (meta.source.family() != a.family || meta.destination.family() != a.family) return;

  static std::array<IpAddress, kMaxAddresses> addrs;
  for (std::size_t i = 0; i < a.address_count(); ++i) addrs[i] = a.address(i);
  AdvertFields f;
  f.version = a.version;
  f.family = a.family;
  f.vrid = a.vrid;
  f.priority = a.priority;
  f.interval = a.interval();
  f.auth_type = static_cast<AuthType>(a.auth_type);
  if (v2 && a.auth_type == 1) std::memcpy(f.auth_data.data(), a.auth_data.data(), kAuthDataSize);
  f.addresses = std::span(addrs).first(a.address_count());
  if (v2 && a.auth_type == 0 && !std::all_of(a.auth_data.begin(), a.auth_data.end(),
                                             [](std::uint8_t b) { return b == 0; })) {
    return;  // v2 without auth but non-zero auth bytes: we always send zeros
  }

  ChecksumRule rule = e.checksum;
  if (v.old_unicast_checksum) rule.mode = V3Checksum::old_unicast;
  static std::array<std::uint8_t, kMaxMessageSize> out;
  const auto n = encode(f, meta.source, meta.destination, rule, out);
  check(n.has_value());
  check(*n == a.message.size());
  check(std::memcmp(out.data(), a.message.data(), kChecksumOffset) == 0);
  check(std::memcmp(out.data() + 8, a.message.data() + 8, *n - 8) == 0);
  // A packet whose checksum validate() accepted gets the same checksum from encode().
  if (v.accepted()) check(std::memcmp(out.data() + 6, a.message.data() + 6, 2) == 0);

  // And what encode() wrote decodes to the same fields.
  const auto again = decode(std::span(out).first(*n), a.family);
  check(again.has_value());
  check(again->vrid == a.vrid && again->priority == a.priority &&
        again->interval_field == a.interval_field && again->address_count() == a.address_count());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::uint8_t c0 = data[0], c1 = data[1], c2 = data[2], c3 = data[3];
  const std::span<const std::uint8_t> bytes(data + 4, size - 4);
  const World& w = world();

  const bool message_path = c0 & 0x01;
  const Family family = message_path && (c0 & 0x02) ? Family::inet6 : Family::inet;
  const bool unicast = c0 & 0x04;

  Expectations e;
  e.version = (c0 & 0x80) ? Version::v2 : Version::v3;
  e.family = family;
  e.vrid = Vrid{c2};
  e.auth_type = static_cast<AuthType>(c3 & 0x03);
  std::memcpy(e.auth_pass.data(), "secret12", 8);
  e.advert_interval = Centiseconds{(c3 >> 3) * 100};
  e.vips = family == Family::inet ? std::span<const IpAddress>(w.vips4) : w.vips6;
  e.check_vips = c3 & 0x04;
  e.unicast = unicast;
  e.peers = family == Family::inet ? std::span<const UnicastPeer>(w.peers4) : w.peers6;
  e.check_unicast_source = c0 & 0x08;
  const unsigned mode = (c0 >> 4) & 0x03;
  e.checksum.mode = mode == 3 ? V3Checksum::pseudo_header : static_cast<V3Checksum>(mode);
  e.detect_old_unicast_checksum = c0 & 0x40;

  RxMeta meta;
  meta.ifindex = 2;
  Expected<Advert, DropReason> a;
  if (message_path) {
    if (family == Family::inet) {
      meta.source = ip("10.77.0.1");
      meta.destination = unicast ? ip("10.77.0.2") : IpAddress::vrrp_group(family);
    } else {
      meta.source = ip("fe80::77:ff:fe00:1");
      meta.destination = unicast ? ip("fd77::2") : IpAddress::vrrp_group(family);
    }
    meta.ttl = c1;
    meta.destination_multicast = meta.destination.is_multicast();
    a = decode(bytes, family);
  } else {
    a = decode_ipv4(bytes, meta);
  }

  RxCounters counters;
  if (!a) {
    counters.add(a.error());
    check(counters[stat_of(a.error())] == 1);
    return 0;
  }
  // The views stay inside the input.
  check(a->message.data() >= bytes.data() &&
        a->message.data() + a->message.size() <= bytes.data() + bytes.size());
  check(a->message.size() == message_size(a->version, a->family, a->address_count()));

  const Verdict v = validate(*a, meta, e);
  count(counters, v, *a);
  check(!v.accepted() || counters[RxStat::adverts_received] == 1);
  check_round_trip(*a, meta, e, v);
  return 0;
}
