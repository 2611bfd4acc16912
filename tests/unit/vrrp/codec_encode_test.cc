// encode() / encode_ipv4(): layout, the IP header keepalived builds, and every refusal.
#include <gtest/gtest.h>

#include <vector>

#include "codec_pcap.h"
#include "vrrp/packet.h"

namespace vigil::vrrp {
namespace {

using testing::Bytes;
using testing::from_hex;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

struct Fixture {
  std::vector<IpAddress> vips = {ip("10.77.0.100")};
  AdvertFields fields;
  Fixture() {
    fields.version = Version::v3;
    fields.vrid = Vrid{55};
    fields.priority = Priority{0};
    fields.interval = Centiseconds{100};
    fields.addresses = vips;
  }
};

TEST(CodecEncode, V3PriorityZeroMatchesKeepalived) {
  // captures README: v3 priority 0 = 31 37 00 01 00 64 d8 d5 0a4d0064.
  Fixture f;
  std::array<std::uint8_t, 64> buf{};
  const auto n = encode(f.fields, ip("10.77.0.1"), ip("224.0.0.18"), {}, buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + 12), from_hex("31 37 00 01 00 64 d8 d5 0a4d0064"));
}

TEST(CodecEncode, V2PriorityZeroMatchesKeepalived) {
  // captures README: v2 priority 0 = 21 38 00 01 00 01 d4 14 0a4d0064 0000000000000000.
  Fixture f;
  f.fields.version = Version::v2;
  f.fields.vrid = Vrid{56};
  std::array<std::uint8_t, 64> buf{};
  const auto n = encode(f.fields, ip("10.77.0.1"), ip("224.0.0.18"), {}, buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 20u);
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + 20),
            from_hex("21 38 00 01 00 01 d4 14 0a4d0064 0000000000000000"));
}

TEST(CodecEncode, Ipv4HeaderAsKeepalivedBuildsIt) {
  Fixture f;
  f.fields.vrid = Vrid{54};
  f.fields.priority = Priority{150};
  Ipv4Fields h;
  h.source = ip("10.77.0.1");
  h.destination = ip("10.77.0.2");
  h.id = 1;
  std::array<std::uint8_t, 64> buf{};
  const auto n = encode_ipv4(f.fields, h, {}, buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n)),
            from_hex("45c0 0020 0001 0000 ff70 a610 0a4d0001 0a4d0002 "
                     "3136 9601 0064 189a 0a4d0064"));
}

TEST(CodecEncode, UnicastTtlAndChecksumPerDestination) {
  Fixture f;
  Ipv4Fields h;
  h.source = ip("10.77.0.1");
  h.destination = ip("10.77.0.2");
  h.ttl = 64;  // unicast_ttl
  std::array<std::uint8_t, 64> to_b{}, to_c{};
  ASSERT_TRUE(encode_ipv4(f.fields, h, {}, to_b).has_value());
  h.destination = ip("10.77.0.3");
  ASSERT_TRUE(encode_ipv4(f.fields, h, {}, to_c).has_value());
  EXPECT_EQ(to_b[8], 64);
  // The VRRP checksum (bytes 26..27) differs per peer: the pseudo-header holds the destination.
  EXPECT_NE(Bytes(to_b.begin() + 26, to_b.begin() + 28), Bytes(to_c.begin() + 26, to_c.begin() + 28));
  RxMeta meta;
  EXPECT_TRUE(decode_ipv4(std::span(to_c).first(32), meta).has_value());
  EXPECT_EQ(internet_checksum(std::span(to_c).first(20)), 0);
}

TEST(CodecEncode, MaximumIpv6Advert) {
  std::vector<IpAddress> many;
  for (int i = 0; i < 255; ++i) {
    std::array<std::uint8_t, 16> b{0xfd};
    b[15] = static_cast<std::uint8_t>(i);
    many.push_back(IpAddress::v6(b));
  }
  AdvertFields fields;
  fields.family = Family::inet6;
  fields.vrid = Vrid{1};
  fields.addresses = many;
  std::vector<std::uint8_t> buf(kMaxMessageSize);
  const IpAddress src = ip("fe80::1"), dst = ip("ff02::12");
  const auto n = encode(fields, src, dst, {}, buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, kMaxMessageSize);
  const auto a = decode(buf, Family::inet6);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->address_count(), 255u);
  EXPECT_EQ(a->address(254), many[254]);
  EXPECT_EQ(vrrp_checksum(Version::v3, a->message, src, dst, {}, dst), a->checksum);
}

TEST(CodecEncode, Refusals) {
  Fixture f;
  std::array<std::uint8_t, 64> buf{};
  const IpAddress s4 = ip("10.0.0.1"), d4 = ip("224.0.0.18");
  auto err = [&](const AdvertFields& x, std::span<std::uint8_t> out = {}) {
    if (out.empty()) out = buf;
    const auto r = encode(x, s4, d4, {}, out);
    return r.has_value() ? std::optional<EncodeError>{} : r.error();
  };
  EXPECT_EQ(err(f.fields, std::span(buf).first(11)), EncodeError::buffer_too_small);
  EXPECT_EQ(err(f.fields, std::span(buf).first(12)), std::nullopt);

  AdvertFields x = f.fields;
  x.interval = Centiseconds{0};
  EXPECT_EQ(err(x), EncodeError::bad_interval);
  x.interval = Centiseconds{4096};
  EXPECT_EQ(err(x), EncodeError::bad_interval);
  x.interval = Centiseconds{4095};
  EXPECT_EQ(err(x), std::nullopt);

  x = f.fields;
  x.version = Version::v2;
  x.interval = Centiseconds{150};  // v2 carries whole seconds
  EXPECT_EQ(err(x), EncodeError::bad_interval);
  x.interval = Centiseconds{25600};
  EXPECT_EQ(err(x), EncodeError::bad_interval);
  x.interval = Centiseconds{100};
  x.auth_type = AuthType::ah;
  EXPECT_EQ(err(x), EncodeError::unsupported);

  x = f.fields;
  x.auth_type = AuthType::pass;  // no authentication in v3
  EXPECT_EQ(err(x), EncodeError::unsupported);

  std::vector<IpAddress> mixed = {ip("10.0.0.1"), ip("fd00::1")};
  x = f.fields;
  x.addresses = mixed;
  EXPECT_EQ(err(x), EncodeError::family_mismatch);

  std::vector<IpAddress> too_many(256, ip("10.0.0.1"));
  x.addresses = too_many;
  EXPECT_EQ(err(x), EncodeError::too_many_addresses);

  x = f.fields;
  EXPECT_FALSE(encode(x, ip("fe80::1"), d4, {}, buf).has_value());
  x.family = Family::inet6;
  x.addresses = {};
  x.version = Version::v2;
  EXPECT_EQ(encode(x, ip("fe80::1"), ip("ff02::12"), {}, buf).error(), EncodeError::unsupported);

  Ipv4Fields h;
  h.source = s4;
  h.destination = d4;
  EXPECT_EQ(encode_ipv4(f.fields, h, {}, std::span(buf).first(31)).error(),
            EncodeError::buffer_too_small);
  EXPECT_EQ(*encode_ipv4(f.fields, h, {}, std::span(buf).first(32)), 32u);
  for (auto e : {EncodeError::buffer_too_small, EncodeError::too_many_addresses,
                 EncodeError::family_mismatch, EncodeError::bad_interval,
                 EncodeError::unsupported}) {
    EXPECT_FALSE(to_string(e).empty());
  }
}

}  // namespace
}  // namespace vigil::vrrp
