// Checksums: RFC 1071 itself, then each VRRP rule on the byte strings keepalived 2.2.7 sent
// (captures README "First advert, VRRP bytes only" and the recomputations in NAME.txt).
#include <gtest/gtest.h>

#include "codec_pcap.h"
#include "vrrp/checksum.h"

namespace vigil::vrrp {
namespace {

using testing::from_hex;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

const IpAddress kA = *IpAddress::parse("10.77.0.1");
const IpAddress kB = *IpAddress::parse("10.77.0.2");
const IpAddress kGroup4 = IpAddress::vrrp_group(Family::inet);

TEST(CodecChecksum, Rfc1071WorkedExample) {
  // RFC 1071 §3: the sum of 0001 f203 f4f5 f6f7 is ddf2, so the checksum is ~ddf2 = 220d.
  EXPECT_EQ(internet_checksum(from_hex("0001 f203 f4f5 f6f7")), 0x220d);
}

TEST(CodecChecksum, OddLengthPadsWithZero) {
  EXPECT_EQ(internet_checksum(from_hex("01")), static_cast<std::uint16_t>(~0x0100));
  EXPECT_EQ(internet_checksum(from_hex("0102 03")), static_cast<std::uint16_t>(~0x0402));
}

TEST(CodecChecksum, ValidBufferSumsToZero) {
  const auto msg = from_hex("21 33 96 02 00 01 33 66 0a4d0064 0a4d0065 0000000000000000");
  EXPECT_EQ(internet_checksum(msg), 0);
}

TEST(CodecChecksum, V2IsPlainSumOverMessageWithAuthField) {
  const auto none = from_hex("21 33 96 02 00 01 33 66 0a4d0064 0a4d0065 0000000000000000");
  EXPECT_EQ(vrrp_checksum(Version::v2, none, kA, kGroup4, V3Checksum::pseudo_header, kGroup4),
            0x3366);
  const auto pass = from_hex("21 33 96 02 01 01 c4 e7 0a4d0064 0a4d0065 7365637265743132");
  EXPECT_EQ(vrrp_checksum(Version::v2, pass, kA, kGroup4, V3Checksum::pseudo_header, kGroup4),
            0xc4e7);
  // v2 ignores the pseudo-header rule and the addresses entirely.
  EXPECT_EQ(vrrp_checksum(Version::v2, pass, kB, kA, V3Checksum::old_unicast, kGroup4), 0xc4e7);
}

TEST(CodecChecksum, V3Ipv4MulticastUsesPseudoHeader) {
  const auto msg = from_hex("31 34 96 03 00 32 2d 9b 0a4d0064 0a4d0065 0a4d0066");
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, kA, kGroup4, V3Checksum::pseudo_header, kGroup4),
            0x2d9b);
  // tshark's "as in v2" preference marks this Bad: it is not the no-pseudo-header variant.
  EXPECT_NE(vrrp_checksum(Version::v3, msg, kA, kGroup4, V3Checksum::as_v2, kGroup4), 0x2d9b);
}

TEST(CodecChecksum, V3Ipv4UnicastUsesRealDestination) {
  const auto msg = from_hex("31 36 96 01 00 64 18 9a 0a4d0064");
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, kA, kB, V3Checksum::pseudo_header, kGroup4), 0x189a);
}

TEST(CodecChecksum, V3Ipv4OldUnicastUsesGroupAsDestination) {
  // v3-ipv4-unicast-old-checksum.txt: the wire value 0x42d3 matches pseudo-header(src,
  // 224.0.0.18); pseudo-header(src,dst) would be 0x1897 and no pseudo-header 0x2db0.
  const auto msg = from_hex("31 39 96 01 00 64 42 d3 0a4d0064");
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, kA, kB, V3Checksum::old_unicast, kGroup4), 0x42d3);
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, kA, kB, V3Checksum::pseudo_header, kGroup4), 0x1897);
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, kA, kB, V3Checksum::as_v2, kGroup4), 0x2db0);
  // A configured group (vrrp_mcast_group4) replaces 224.0.0.18.
  EXPECT_NE(vrrp_checksum(Version::v3, msg, kA, kB, V3Checksum::old_unicast, ip("224.0.0.19")),
            0x42d3);
}

TEST(CodecChecksum, V3AsV2IsPlainSum) {
  const auto msg = from_hex("31 39 96 01 00 64 00 00 0a4d0064");
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, kA, kB, V3Checksum::as_v2, kGroup4),
            internet_checksum(msg));
}

TEST(CodecChecksum, V3Ipv6UsesIpv6PseudoHeader) {
  const auto msg = from_hex(
      "31 35 96 02 00 64 3d 72 fe800000000000000000000000000053 fd770000000000000000000000000100");
  const IpAddress src = ip("fe80::77:ff:fe00:1");
  const IpAddress dst = IpAddress::vrrp_group(Family::inet6);
  EXPECT_EQ(dst, ip("ff02::12"));
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, src, dst, V3Checksum::pseudo_header, dst), 0x3d72);
  // The IPv4 compatibility modes do not apply to IPv6.
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, src, dst, V3Checksum::as_v2, dst), 0x3d72);
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, src, dst, V3Checksum::old_unicast, dst), 0x3d72);
}

TEST(CodecChecksum, ChecksumFieldIsIgnoredWhenComputing) {
  auto msg = from_hex("31 36 96 01 00 64 18 9a 0a4d0064");
  msg[6] = 0xAB;
  msg[7] = 0xCD;
  EXPECT_EQ(vrrp_checksum(Version::v3, msg, kA, kB, V3Checksum::pseudo_header, kGroup4), 0x189a);
}

TEST(CodecChecksum, Ipv4Header) {
  // v3-ipv4-unicast-old-checksum.txt frame 3: header checksum 0xa610.
  const auto hdr = from_hex("45 c0 00 20 00 01 00 00 ff 70 a6 10 0a4d0001 0a4d0002");
  EXPECT_EQ(ipv4_header_checksum(hdr), 0xa610);
  EXPECT_EQ(internet_checksum(hdr), 0);
}

}  // namespace
}  // namespace vigil::vrrp
