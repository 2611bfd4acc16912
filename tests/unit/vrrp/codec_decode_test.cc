// decode() / parse_ipv4(): truncation, Ethernet padding, versions, IP header checks.
#include <gtest/gtest.h>

#include "codec_pcap.h"
#include "vrrp/packet.h"

namespace vigil::vrrp {
namespace {

using testing::Bytes;
using testing::from_hex;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

// keepalived's first v3 unicast advert, as an IPv4 packet (v3-ipv4-unicast.pcap frame 3).
const Bytes kV3Unicast =
    from_hex("45c0 0020 0001 0000 ff70 a610 0a4d0001 0a4d0002  3136 9601 0064 189a 0a4d0064");
// keepalived's v2 advert with two VIPs (VRRP message only).
const Bytes kV2 = from_hex("21 33 96 02 00 01 33 66 0a4d0064 0a4d0065 0000000000000000");

TEST(CodecDecode, V2Fields) {
  const auto a = decode(kV2, Family::inet);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->version, Version::v2);
  EXPECT_EQ(a->type, 1);
  EXPECT_EQ(a->vrid.value, 0x33);
  EXPECT_EQ(a->priority.value, 150);
  EXPECT_EQ(a->address_count(), 2u);
  EXPECT_EQ(a->auth_type, 0);
  EXPECT_EQ(a->interval_field, 1);
  EXPECT_EQ(a->interval(), Centiseconds{100});
  EXPECT_EQ(a->checksum, 0x3366);
  EXPECT_EQ(a->address(1), ip("10.77.0.101"));
  EXPECT_EQ(a->auth_data.size(), 8u);
  EXPECT_TRUE(a->contains(ip("10.77.0.100")));
  EXPECT_FALSE(a->contains(ip("10.77.0.102")));
  EXPECT_FALSE(a->contains(ip("::")));
  // Views, not copies: the addresses point into the input buffer.
  EXPECT_EQ(a->addresses.data(), kV2.data() + 8);
}

TEST(CodecDecode, V3ReservedBitsAndTwelveBitInterval) {
  const auto msg = from_hex("31 01 64 00 af ff 00 00");  // rsvd 0xa, interval 0xfff, no VIPs
  const auto a = decode(msg, Family::inet);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->reserved, 0xa);
  EXPECT_EQ(a->interval_field, 0xfff);
  EXPECT_EQ(a->interval(), Centiseconds{4095});
  EXPECT_EQ(a->address_count(), 0u);
  EXPECT_TRUE(a->auth_data.empty());
}

TEST(CodecDecode, TruncatedMessages) {
  for (std::size_t n = 0; n < kV2.size(); ++n) {
    const auto a = decode(std::span(kV2).first(n), Family::inet);
    ASSERT_FALSE(a.has_value()) << n;
    EXPECT_EQ(a.error(), DropReason::bad_length) << n;
  }
  // A count that claims more addresses than there are.
  Bytes more = kV2;
  more[3] = 3;
  EXPECT_EQ(decode(more, Family::inet).error(), DropReason::bad_length);
  // IPv6 addresses are 16 bytes: the same bytes are too short for one.
  const auto v3 = from_hex("31 01 64 01 00 64 00 00 0a4d0064");
  EXPECT_EQ(decode(v3, Family::inet6).error(), DropReason::bad_length);
}

TEST(CodecDecode, UnknownVersions) {
  for (std::uint8_t v : {0, 1, 4, 15}) {
    Bytes m = kV2;
    m[0] = static_cast<std::uint8_t>(v << 4 | 1);
    EXPECT_EQ(decode(m, Family::inet).error(), DropReason::bad_version) << int(v);
  }
}

TEST(CodecDecode, EthernetPaddingToleratedOnlyUpTo46Bytes) {
  // v3, one IPv4 VIP: 12 bytes; with a 20-byte IP header, a 60-byte frame pads 14 bytes.
  Bytes m = from_hex("31 36 96 01 00 64 18 9a 0a4d0064");
  m.resize(46 - 20, 0);
  auto a = decode(m, Family::inet);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->message.size(), 12u);  // padding is not part of the message (or the checksum)
  m.push_back(0);
  EXPECT_EQ(decode(m, Family::inet).error(), DropReason::bad_length);
  // A message that fills more than the minimum frame can carry no padding: "too long".
  Bytes five = from_hex("31 36 96 05 00 64 00 00 0a4d0064 0a4d0065 0a4d0066 0a4d0067 0a4d0068");
  ASSERT_TRUE(decode(five, Family::inet).has_value());
  five.push_back(0);
  EXPECT_EQ(decode(five, Family::inet).error(), DropReason::bad_length);
  // IPv6 is never padded (its smallest advert is already over 46 bytes).
  Bytes v6 = from_hex("31 35 96 01 00 64 00 00 fe800000000000000000000000000053 00");
  EXPECT_EQ(decode(v6, Family::inet6).error(), DropReason::bad_length);
}

TEST(CodecDecode, MaximumAddressCount) {
  Bytes m(kMaxMessageSize, 0);
  m[0] = 0x31;
  m[3] = 255;
  const auto a = decode(m, Family::inet6);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->address_count(), 255u);
}

TEST(CodecIpv4, DecodeFillsMetaFromHeader) {
  RxMeta meta;
  meta.ifindex = 7;
  const auto a = decode_ipv4(kV3Unicast, meta);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->vrid.value, 54);
  EXPECT_EQ(meta.source, ip("10.77.0.1"));
  EXPECT_EQ(meta.destination, ip("10.77.0.2"));
  EXPECT_EQ(meta.ttl, 255);
  EXPECT_FALSE(meta.destination_multicast);
  EXPECT_EQ(meta.ifindex, 7u);
}

TEST(CodecIpv4, PaddedFrameIsTrimmedToTotalLength) {
  Bytes p = kV3Unicast;
  p.resize(46, 0);  // what a real NIC delivers for a 46-byte frame's IP part
  const auto v = parse_ipv4(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->payload.size(), 12u);
  RxMeta meta;
  EXPECT_TRUE(decode_ipv4(p, meta).has_value());
  p.push_back(0);  // 47 bytes is more than Ethernet would ever pad
  EXPECT_EQ(parse_ipv4(p).error(), DropReason::bad_ip_header);
}

TEST(CodecIpv4, MalformedHeaders) {
  auto bad = [](auto mutate) {
    Bytes p = kV3Unicast;
    mutate(p);
    const auto v = parse_ipv4(p);
    return v.has_value() ? std::optional<DropReason>{} : v.error();
  };
  EXPECT_EQ(bad([](Bytes& p) { p.resize(19); }), DropReason::bad_ip_header);
  EXPECT_EQ(bad([](Bytes& p) { p[0] = 0x65; }), DropReason::bad_ip_header);   // version 6
  EXPECT_EQ(bad([](Bytes& p) { p[0] = 0x44; }), DropReason::bad_ip_header);   // IHL 16 bytes
  EXPECT_EQ(bad([](Bytes& p) { p[3] = 0x21; }), DropReason::bad_ip_header);   // beyond buffer
  EXPECT_EQ(bad([](Bytes& p) { p[3] = 0x13; }), DropReason::bad_ip_header);   // < header
  EXPECT_EQ(bad([](Bytes& p) { p[0] = 0x4f; }), DropReason::bad_ip_header);   // options > len
  EXPECT_EQ(bad([](Bytes& p) { p[6] = 0x20; }), DropReason::bad_ip_header);   // MF: fragment
  EXPECT_EQ(bad([](Bytes& p) { p[7] = 0x01; }), DropReason::bad_ip_header);   // offset
  EXPECT_EQ(bad([](Bytes& p) { p[9] = 17; }), DropReason::bad_ip_header);     // UDP
  EXPECT_EQ(bad([](Bytes& p) { p[9] = 51; }), DropReason::auth_type_mismatch);  // AH
  EXPECT_EQ(bad([](Bytes& p) { p[6] = 0x40; }), std::nullopt);                // DF is fine
}

TEST(CodecIpv4, OptionsAreSkipped) {
  // IHL 6: a 4-byte option (NOP NOP NOP EOL) between header and payload.
  Bytes p = from_hex("46c0 0024 0001 0000 ff70 0000 0a4d0001 0a4d0002 01010100"
                     "3136 9601 0064 189a 0a4d0064");
  const auto v = parse_ipv4(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->payload.size(), 12u);
  EXPECT_EQ(v->payload[0], 0x31);
}

TEST(CodecIpv4, TotalLengthShorterThanMessageIsALengthError) {
  Bytes p = kV3Unicast;
  p[3] = 0x1e;  // cuts the last two address bytes; the frame is padded to look whole
  RxMeta meta;
  const auto a = decode_ipv4(p, meta);
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error(), DropReason::bad_length);
}

}  // namespace
}  // namespace vigil::vrrp
