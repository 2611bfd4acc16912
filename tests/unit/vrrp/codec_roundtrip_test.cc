// Property: for any advert the encoder accepts, decode(encode(fields)) gives the fields back and
// an instance configured to match accepts it, under every checksum rule and both IP families.
// Seeded, so every run checks the same few thousand cases.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "vrrp/packet.h"

namespace vigil::vrrp {
namespace {

IpAddress random_address(std::mt19937& rng, Family f, bool multicast = false) {
  std::array<std::uint8_t, 16> b{};
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  if (f == Family::inet) {
    b[0] = multicast ? static_cast<std::uint8_t>(0xE0 | (b[0] & 0x0F))
                     : static_cast<std::uint8_t>(1 + b[0] % 223);  // 1..223: not class D/E
    return IpAddress::v4({b[0], b[1], b[2], b[3]});
  }
  b[0] = multicast ? 0xFF : static_cast<std::uint8_t>(b[0] == 0xFF ? 0xFD : b[0]);
  return IpAddress::v6(b);
}

TEST(CodecRoundTrip, EncodeDecodeValidateAgree) {
  std::mt19937 rng(20261122);
  int checked = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    SCOPED_TRACE(iter);
    const bool v2 = rng() % 3 == 0;
    const Family family = !v2 && rng() % 2 ? Family::inet6 : Family::inet;
    const bool unicast = rng() % 2;
    const std::size_t count = rng() % 4 == 0 ? rng() % 256 : rng() % 5;

    std::vector<IpAddress> vips;
    for (std::size_t i = 0; i < count; ++i) vips.push_back(random_address(rng, family));

    AdvertFields f;
    f.version = v2 ? Version::v2 : Version::v3;
    f.family = family;
    f.vrid = Vrid{static_cast<std::uint8_t>(1 + rng() % 255)};
    f.priority = Priority{static_cast<std::uint8_t>(rng())};
    f.interval = v2 ? Centiseconds{100 * (1 + rng() % 255)} : Centiseconds{1 + rng() % 4095};
    if (v2 && rng() % 2) {
      f.auth_type = AuthType::pass;
      for (auto& x : f.auth_data) x = static_cast<std::uint8_t>(rng());
    }
    f.addresses = vips;

    ChecksumRule rule;
    if (family == Family::inet && !v2) {
      rule.mode = static_cast<V3Checksum>(rng() % 3);
      if (rng() % 4 == 0) rule.group = random_address(rng, family, true);
    }
    RxMeta meta;
    meta.source = random_address(rng, family);
    meta.destination = unicast ? random_address(rng, family) : random_address(rng, family, true);
    meta.ttl = 255;
    meta.destination_multicast = !unicast;

    std::vector<std::uint8_t> buf(kIpv4HeaderSize + kMaxMessageSize);
    Expected<Advert, DropReason> a;
    if (family == Family::inet) {
      Ipv4Fields h;
      h.source = meta.source;
      h.destination = meta.destination;
      h.id = static_cast<std::uint16_t>(rng());
      const auto n = encode_ipv4(f, h, rule, buf);
      ASSERT_TRUE(n.has_value()) << to_string(n.error());
      EXPECT_EQ(internet_checksum(std::span(buf).first(kIpv4HeaderSize)), 0);
      RxMeta from_header;
      a = decode_ipv4(std::span(buf).first(*n), from_header);
      ASSERT_TRUE(a.has_value()) << to_string(a.error());
      EXPECT_EQ(from_header.source, meta.source);
      EXPECT_EQ(from_header.destination, meta.destination);
      EXPECT_EQ(from_header.ttl, 255);
      EXPECT_EQ(from_header.destination_multicast, !unicast);
    } else {
      const auto n = encode(f, meta.source, meta.destination, rule, buf);
      ASSERT_TRUE(n.has_value()) << to_string(n.error());
      a = decode(std::span(buf).first(*n), family);
      ASSERT_TRUE(a.has_value()) << to_string(a.error());
    }

    EXPECT_EQ(a->version, f.version);
    EXPECT_EQ(a->vrid, f.vrid);
    EXPECT_EQ(a->priority, f.priority);
    EXPECT_EQ(a->interval(), f.interval);
    EXPECT_EQ(a->auth_type, static_cast<std::uint8_t>(f.auth_type));
    ASSERT_EQ(a->address_count(), count);
    for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(a->address(i), vips[i]);

    const std::vector<UnicastPeer> peers = {{meta.source}};
    Expectations e;
    e.version = f.version;
    e.family = family;
    e.vrid = f.vrid;
    e.auth_type = f.auth_type;
    e.auth_pass = f.auth_data;
    e.advert_interval = f.interval;
    e.vips = vips;
    e.unicast = unicast;
    e.peers = peers;
    e.check_unicast_source = true;
    e.checksum = rule;
    const Verdict v = validate(*a, meta, e);
    ASSERT_TRUE(v.accepted()) << to_string(*v.drop);
    EXPECT_FALSE(v.address_list_mismatch);
    EXPECT_FALSE(v.interval_differs);
    EXPECT_FALSE(v.old_unicast_checksum);
    ++checked;
  }
  EXPECT_EQ(checked, 3000);
}

}  // namespace
}  // namespace vigil::vrrp
