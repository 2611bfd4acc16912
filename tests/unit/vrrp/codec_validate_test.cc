// validate(): one crafted packet per drop reason, the not-dropped notes (address list,
// v3 interval, old unicast checksum), and the counters each outcome bumps.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "vrrp/packet.h"

namespace vigil::vrrp {
namespace {

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

// A sender and a receiving instance that agree; each test changes one thing.
struct Scenario {
  std::vector<IpAddress> vips;
  std::vector<UnicastPeer> peers;
  AdvertFields fields;
  Expectations expect;
  RxMeta meta;
  ChecksumRule send_rule;
  std::array<std::uint8_t, 512> buf{};
  std::size_t len = 0;

  static Scenario v2_multicast() {
    Scenario s;
    s.vips = {ip("10.0.0.100"), ip("10.0.0.101")};
    s.fields.version = Version::v2;
    s.fields.interval = Centiseconds{100};
    s.meta = {ip("10.0.0.1"), ip("224.0.0.18"), 255, 3, true};
    s.expect.version = Version::v2;
    s.expect.advert_interval = Centiseconds{100};
    return s.finish();
  }
  static Scenario v2_pass() {
    Scenario s = v2_multicast();
    s.fields.auth_type = AuthType::pass;
    s.fields.auth_data = {'s', 'e', 'c', 'r', 'e', 't', '1', '2'};
    s.expect.auth_type = AuthType::pass;
    s.expect.auth_pass = s.fields.auth_data;
    return s.finish();
  }
  static Scenario v3_multicast() {
    Scenario s = v2_multicast();
    s.fields.version = Version::v3;
    s.expect.version = Version::v3;
    return s.finish();
  }
  static Scenario v3_unicast() {
    Scenario s = v3_multicast();
    s.meta.destination = ip("10.0.0.2");
    s.meta.destination_multicast = false;
    s.peers = {{ip("10.0.0.1")}, {ip("10.0.0.3")}};
    s.expect.unicast = true;
    s.expect.check_unicast_source = true;
    return s.finish();
  }
  static Scenario v3_ipv6() {
    Scenario s = v3_multicast();
    s.vips = {ip("fe80::53"), ip("fd77::100")};
    s.fields.family = Family::inet6;
    s.expect.family = Family::inet6;
    s.meta.source = ip("fe80::1");
    s.meta.destination = ip("ff02::12");
    return s.finish();
  }

  Scenario& finish() {
    fields.vrid = Vrid{51};
    fields.priority = Priority{150};
    fields.addresses = vips;
    expect.vrid = Vrid{51};
    expect.vips = vips;
    expect.peers = peers;
    expect.family = fields.family;
    auto n = encode(fields, meta.source, meta.destination, send_rule, buf);
    EXPECT_TRUE(n.has_value());
    len = n.value_or(0);
    return *this;
  }
  // After poking at the bytes: recompute the checksum so only the poked field is wrong.
  void fix_checksum() {
    const auto v = (buf[0] >> 4) == 2 ? Version::v2 : Version::v3;
    const IpAddress group = IpAddress::vrrp_group(fields.family);
    const std::uint16_t c = vrrp_checksum(v, std::span(buf).first(len), meta.source,
                                          meta.destination, send_rule.mode, group);
    buf[6] = static_cast<std::uint8_t>(c >> 8);
    buf[7] = static_cast<std::uint8_t>(c & 0xFF);
  }
  Verdict run() {
    // The views must point at this object's storage, wherever it has been copied to.
    fields.addresses = vips;
    expect.vips = vips;
    expect.peers = peers;
    auto a = decode(std::span(buf).first(len), fields.family);
    EXPECT_TRUE(a.has_value());
    if (!a) {
      Verdict v;
      v.drop = a.error();
      return v;
    }
    return validate(*a, meta, expect);
  }
};

void expect_drop(Scenario s, DropReason want) {
  const Verdict v = s.run();
  ASSERT_FALSE(v.accepted()) << "expected " << to_string(want);
  EXPECT_EQ(*v.drop, want) << to_string(*v.drop) << " instead of " << to_string(want);
}

void expect_accept(Scenario s) {
  const Verdict v = s.run();
  ASSERT_TRUE(v.accepted()) << to_string(*v.drop);
  EXPECT_FALSE(v.address_list_mismatch);
  EXPECT_FALSE(v.interval_differs);
  EXPECT_FALSE(v.old_unicast_checksum);
}

TEST(CodecValidate, BaselinesAreAccepted) {
  expect_accept(Scenario::v2_multicast());
  expect_accept(Scenario::v2_pass());
  expect_accept(Scenario::v3_multicast());
  expect_accept(Scenario::v3_unicast());
  expect_accept(Scenario::v3_ipv6());
}

TEST(CodecValidate, FamilyMismatch) {
  Scenario s = Scenario::v3_multicast();
  s.expect.family = Family::inet6;
  expect_drop(s, DropReason::family_mismatch);
}

TEST(CodecValidate, MulticastTtlMustBe255) {
  Scenario s = Scenario::v3_multicast();
  s.meta.ttl = 254;
  expect_drop(s, DropReason::bad_ttl);
  Scenario s6 = Scenario::v3_ipv6();
  s6.meta.ttl = 1;
  expect_drop(s6, DropReason::bad_ttl);
}

TEST(CodecValidate, UnicastTtlUncheckedWithoutPeerBounds) {
  Scenario s = Scenario::v3_unicast();
  s.meta.ttl = 64;
  expect_accept(s);
}

TEST(CodecValidate, UnicastTtlOutsidePeerBounds) {
  Scenario s = Scenario::v3_unicast();
  s.peers[0].min_ttl = 250;
  s.peers[0].max_ttl = 254;
  s.meta.ttl = 255;
  expect_drop(s, DropReason::bad_ttl);
  s.meta.ttl = 249;
  expect_drop(s, DropReason::bad_ttl);
  s.meta.ttl = 250;
  expect_accept(s);
}

TEST(CodecValidate, VersionNotOurs) {
  Scenario s = Scenario::v3_multicast();
  s.expect.version = Version::v2;
  expect_drop(s, DropReason::bad_version);
}

TEST(CodecValidate, VridNotOurs) {
  Scenario s = Scenario::v3_multicast();
  s.expect.vrid = Vrid{52};
  expect_drop(s, DropReason::vrid_mismatch);
}

TEST(CodecValidate, V2AuthTypeInvalid) {
  Scenario s = Scenario::v2_multicast();
  s.buf[4] = 3;  // auth type 3 does not exist
  s.fix_checksum();
  expect_drop(s, DropReason::auth_type_invalid);
}

TEST(CodecValidate, V2AuthTypeMismatch) {
  Scenario pass_to_none = Scenario::v2_pass();
  pass_to_none.expect.auth_type = AuthType::none;
  expect_drop(pass_to_none, DropReason::auth_type_mismatch);

  Scenario none_to_pass = Scenario::v2_multicast();
  none_to_pass.expect.auth_type = AuthType::pass;
  expect_drop(none_to_pass, DropReason::auth_type_mismatch);
}

TEST(CodecValidate, V2AuthAhIsNotImplemented) {
  Scenario s = Scenario::v2_multicast();
  s.buf[4] = 2;
  s.fix_checksum();
  s.expect.auth_type = AuthType::ah;
  expect_drop(s, DropReason::auth_type_mismatch);
}

TEST(CodecValidate, V2PasswordMismatchAnywhere) {
  for (std::size_t i = 0; i < 8; ++i) {
    Scenario s = Scenario::v2_pass();
    s.expect.auth_pass[i] ^= 0x01;
    expect_drop(s, DropReason::auth_failure);
  }
}

TEST(CodecValidate, V2IntervalMismatchIsDropped) {
  Scenario s = Scenario::v2_multicast();
  s.expect.advert_interval = Centiseconds{200};
  expect_drop(s, DropReason::interval_mismatch);
}

TEST(CodecValidate, V3IntervalDifferenceIsOnlyNoted) {
  Scenario s = Scenario::v3_multicast();
  s.expect.advert_interval = Centiseconds{200};
  const Verdict v = s.run();
  ASSERT_TRUE(v.accepted());
  EXPECT_TRUE(v.interval_differs);
}

TEST(CodecValidate, V3ZeroIntervalIsInvalid) {
  Scenario s = Scenario::v3_multicast();
  s.buf[4] = 0;
  s.buf[5] = 0;
  s.fix_checksum();
  expect_drop(s, DropReason::invalid_interval);
}

TEST(CodecValidate, TypeNotAdvertisement) {
  for (std::uint8_t type : {0, 2, 15}) {
    Scenario s = Scenario::v3_multicast();
    s.buf[0] = static_cast<std::uint8_t>(0x30 | type);
    s.fix_checksum();
    expect_drop(s, DropReason::bad_type);
  }
}

TEST(CodecValidate, BadChecksum) {
  for (Scenario s : {Scenario::v2_multicast(), Scenario::v3_multicast(), Scenario::v3_unicast(),
                     Scenario::v3_ipv6()}) {
    s.buf[7] ^= 0x40;
    expect_drop(s, DropReason::bad_checksum);
  }
}

TEST(CodecValidate, BadChecksumWhenAddressesDiffer) {
  // v3 over IPv4 covers the pseudo-header: the same bytes from another source do not verify.
  Scenario s = Scenario::v3_multicast();
  s.meta.source = ip("10.0.0.9");
  expect_drop(s, DropReason::bad_checksum);
}

TEST(CodecValidate, AsV2ChecksumMode) {
  Scenario s = Scenario::v3_multicast();
  s.send_rule.mode = V3Checksum::as_v2;
  s.finish();
  expect_drop(s, DropReason::bad_checksum);  // a default instance rejects it
  s.expect.checksum.mode = V3Checksum::as_v2;
  expect_accept(s);
}

TEST(CodecValidate, OldUnicastChecksumIsDetectedOnlyForUnicast) {
  Scenario s = Scenario::v3_unicast();
  s.send_rule.mode = V3Checksum::old_unicast;
  s.finish();
  Verdict v = s.run();
  ASSERT_TRUE(v.accepted());
  EXPECT_TRUE(v.old_unicast_checksum);

  s.expect.checksum.mode = V3Checksum::old_unicast;  // switched: no longer a detection
  expect_accept(s);

  s.expect.checksum.mode = V3Checksum::pseudo_header;
  s.expect.detect_old_unicast_checksum = false;
  expect_drop(s, DropReason::bad_checksum);

  // A configured group address takes part in the old rule.
  Scenario g = Scenario::v3_unicast();
  g.send_rule = {V3Checksum::old_unicast, ip("224.0.0.19")};
  g.finish();
  expect_drop(g, DropReason::bad_checksum);
  g.expect.checksum = g.send_rule;
  expect_accept(g);
}

TEST(CodecValidate, MulticastInstanceGetsUnicast) {
  Scenario s = Scenario::v3_multicast();
  s.meta.destination = ip("10.0.0.2");
  s.meta.destination_multicast = false;
  s.finish();
  expect_drop(s, DropReason::cast_mismatch);
}

TEST(CodecValidate, UnicastInstanceGetsMulticast) {
  Scenario s = Scenario::v3_unicast();
  s.meta.destination = ip("224.0.0.18");
  s.meta.destination_multicast = true;
  s.finish();
  expect_drop(s, DropReason::cast_mismatch);
}

TEST(CodecValidate, UnicastSourceNotAPeer) {
  Scenario s = Scenario::v3_unicast();
  s.meta.source = ip("10.0.0.7");
  s.finish();
  expect_drop(s, DropReason::unicast_source);
  s.expect.check_unicast_source = false;
  expect_accept(s);
}

TEST(CodecValidate, AddressCountMismatchIsCountedNotDropped) {
  Scenario s = Scenario::v3_multicast();
  s.vips.pop_back();
  s.finish();
  s.vips.push_back(ip("10.0.0.101"));  // the instance has two, the advert carries one
  const Verdict v = s.run();
  ASSERT_TRUE(v.accepted());
  EXPECT_TRUE(v.address_list_mismatch);
  EXPECT_FALSE(v.vip_missing);  // different counts: keepalived still uses the advert
}

TEST(CodecValidate, AddressListContentMismatch) {
  Scenario s = Scenario::v3_multicast();
  s.vips[1] = ip("10.0.0.102");
  s.finish();
  s.vips[1] = ip("10.0.0.101");
  Verdict v = s.run();
  ASSERT_TRUE(v.accepted());
  EXPECT_TRUE(v.address_list_mismatch);
  EXPECT_TRUE(v.vip_missing);  // equal counts, 10.0.0.101 absent: not for the election

  s.expect.check_vips = false;  // skip_check_adv_addr, same master as last time
  v = s.run();
  ASSERT_TRUE(v.accepted());
  EXPECT_FALSE(v.address_list_mismatch);
  EXPECT_FALSE(v.vip_missing);
}

TEST(CodecValidate, UnicastSourceDropComesAfterReceivedCount) {
  // §4.2: item 12 counts the advert (and its address-list error) before item 13 drops it.
  Scenario s = Scenario::v3_unicast();
  s.vips.pop_back();
  s.meta.source = ip("10.0.0.7");
  s.finish();
  s.vips.push_back(ip("10.0.0.101"));
  const Verdict v = s.run();
  ASSERT_FALSE(v.accepted());
  EXPECT_EQ(*v.drop, DropReason::unicast_source);
  auto a = decode(std::span(s.buf).first(s.len), Family::inet);
  ASSERT_TRUE(a.has_value());
  RxCounters c;
  count(c, v, *a);
  EXPECT_EQ(c[RxStat::adverts_received], 1u);
  EXPECT_EQ(c[RxStat::address_list_errors], 1u);
  EXPECT_EQ(c[RxStat::unicast_source_errors], 1u);
}

TEST(CodecValidate, AddressOrderDoesNotMatter) {
  Scenario s = Scenario::v3_multicast();
  std::swap(s.vips[0], s.vips[1]);
  s.finish();
  std::swap(s.vips[0], s.vips[1]);
  expect_accept(s);
}

TEST(CodecCounters, CountBumpsOneStatPerOutcome) {
  RxCounters c;
  Scenario s = Scenario::v3_multicast();
  auto a = decode(std::span(s.buf).first(s.len), Family::inet);
  ASSERT_TRUE(a.has_value());

  Verdict ok;
  count(c, ok, *a);
  EXPECT_EQ(c[RxStat::adverts_received], 1u);
  EXPECT_EQ(c[RxStat::priority_zero_received], 0u);

  Verdict list;
  list.address_list_mismatch = true;
  a->priority = Priority{0};
  count(c, list, *a);
  EXPECT_EQ(c[RxStat::adverts_received], 2u);
  EXPECT_EQ(c[RxStat::address_list_errors], 1u);
  EXPECT_EQ(c[RxStat::priority_zero_received], 1u);

  Verdict ttl;
  ttl.drop = DropReason::bad_ttl;
  count(c, ttl, *a);
  EXPECT_EQ(c[RxStat::ip_ttl_errors], 1u);
  EXPECT_EQ(c[RxStat::adverts_received], 2u);
  EXPECT_EQ(c[RxStat::priority_zero_received], 1u);  // dropped packets are not "received"

  EXPECT_EQ(c.last_proto_error, ProtoErrReason::ip_ttl_error);
  c.add(DropReason::auth_failure);  // not an RFC 6527 protocol error: the last one stays
  EXPECT_EQ(c.last_proto_error, ProtoErrReason::ip_ttl_error);
  c.add(DropReason::bad_checksum);
  EXPECT_EQ(c.last_proto_error, ProtoErrReason::checksum_error);
  EXPECT_EQ(to_string(c.last_proto_error), "checksumError");

  c.clear();
  EXPECT_EQ(c[RxStat::adverts_received], 0u);
  EXPECT_EQ(c.last_proto_error, ProtoErrReason::no_error);
}

TEST(CodecCounters, EveryDropReasonHasANameAndAStat) {
  std::set<std::string_view> texts;
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    const auto r = static_cast<DropReason>(i);
    EXPECT_TRUE(texts.insert(to_string(r)).second) << to_string(r);
    EXPECT_LT(static_cast<std::size_t>(stat_of(r)), kRxStatCount);
  }
}

TEST(CodecCounters, NamesFollowRfc6527AndKeepalived) {
  std::set<std::string_view> ids;
  for (const RxStatName& n : rx_stat_names()) EXPECT_TRUE(ids.insert(n.id).second) << n.id;
  EXPECT_EQ(name_of(stat_of(DropReason::bad_type)).rfc_name,
            "vrrpv3StatisticsRcvdInvalidTypePackets");
  EXPECT_EQ(name_of(stat_of(DropReason::bad_length)).rfc_name,
            "vrrpv3StatisticsPacketLengthErrors");
  EXPECT_EQ(name_of(stat_of(DropReason::bad_ttl)).keepalived_label, "TTL");
  EXPECT_EQ(name_of(stat_of(DropReason::bad_ttl)).keepalived_json, "ip_ttl_err");
  EXPECT_EQ(name_of(stat_of(DropReason::bad_checksum)).rfc_name, "vrrpv3RouterChecksumErrors");
  EXPECT_EQ(name_of(stat_of(DropReason::vrid_mismatch)).rfc_name, "vrrpv3RouterVrIdErrors");
  EXPECT_EQ(name_of(stat_of(DropReason::auth_failure)).keepalived_json, "auth_failure");
  EXPECT_EQ(name_of(RxStat::address_list_errors).keepalived_json, "addr_list_err");
  // "Invalid Type" appears in two keepalived.stats blocks; the section tells them apart.
  EXPECT_EQ(name_of(RxStat::invalid_type).keepalived_section, "Packet Errors");
  EXPECT_EQ(name_of(RxStat::auth_invalid_type).keepalived_section, "Authentication Errors");
  EXPECT_EQ(name_of(RxStat::auth_invalid_type).keepalived_label, "Invalid Type");
  EXPECT_EQ(name_of(RxStat::priority_zero_received).rfc_name,
            "vrrpv3StatisticsRcvdPriZeroPackets");
}

}  // namespace
}  // namespace vigil::vrrp

namespace vigil::vrrp {
namespace {

// Every codec struct can be written with designated initialisers (g++ warns about members
// without default initialisers under -Wextra, so this is a compile-time check too).
TEST(CodecValidate, DesignatedInitialisers) {
  const std::vector<IpAddress> vips = {ip("10.0.0.100")};
  const AdvertFields f{.version = Version::v3, .vrid = Vrid{9}, .addresses = vips};
  const RxMeta meta{.source = ip("10.0.0.1"), .destination = ip("224.0.0.18"), .ttl = 255,
                    .destination_multicast = true};
  const Expectations e{.version = Version::v3, .vrid = Vrid{9}, .vips = vips};
  std::array<std::uint8_t, 64> buf{};
  const auto n = encode(f, meta.source, meta.destination, ChecksumRule{}, buf);
  ASSERT_TRUE(n.has_value());
  const auto a = decode(std::span(buf).first(*n), Family::inet);
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(validate(*a, meta, e).accepted());
}

}  // namespace
}  // namespace vigil::vrrp
