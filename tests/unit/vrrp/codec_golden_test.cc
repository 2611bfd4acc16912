// Golden vectors: every VRRP advert keepalived 2.2.7 sent in ../shared/captures (copied to
// data/) decodes to the fields its config implies, passes the receiving peer's validation, and
// re-encoding those fields reproduces the captured bytes exactly (IPv4: with the IP header).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec_pcap.h"
#include "vrrp/packet.h"

namespace vigil::vrrp {
namespace {

using testing::Bytes;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

struct Golden {
  const char* file;
  Version version;
  Family family;
  std::uint8_t vrid;
  const char* pass;                  // "" = no auth
  int interval_cs;
  std::vector<const char*> vips;
  bool unicast;
  V3Checksum mode;                   // what the sender used
  std::size_t adverts;               // VRRP frames in the file (README table)
  std::uint16_t first_checksum;      // README "First advert" / tshark
};

void PrintTo(const Golden& g, std::ostream* os) { *os << g.file; }

// Priorities in the captures: kc-a (.1 / fe80::...:1) is 150 and sends 0 when stopped;
// kc-b (.2) is 100.
bool priority_expected(const IpAddress& source, std::uint8_t prio) {
  const bool from_a = source == ip("10.77.0.1") || source == ip("fe80::77:ff:fe00:1");
  return from_a ? (prio == 150 || prio == 0) : prio == 100;
}

const std::vector<Golden>& goldens() {
  static const std::vector<Golden> g = {
      {"v2-ipv4-mcast.pcap", Version::v2, Family::inet, 51, "", 100,
       {"10.77.0.100", "10.77.0.101"}, false, V3Checksum::pseudo_header, 7, 0x3366},
      {"v2-ipv4-auth-pass.pcap", Version::v2, Family::inet, 51, "secret12", 100,
       {"10.77.0.100", "10.77.0.101"}, false, V3Checksum::pseudo_header, 7, 0xc4e7},
      {"v2-ipv4-auth-pass-truncated.pcap", Version::v2, Family::inet, 51, "secret12", 100,
       {"10.77.0.100", "10.77.0.101"}, false, V3Checksum::pseudo_header, 3, 0xc4e7},
      {"v2-ipv4-priority0.pcap", Version::v2, Family::inet, 56, "", 100, {"10.77.0.100"}, false,
       V3Checksum::pseudo_header, 10, 0x3e14},
      {"v3-ipv4-mcast.pcap", Version::v3, Family::inet, 52, "", 50,
       {"10.77.0.100", "10.77.0.101", "10.77.0.102"}, false, V3Checksum::pseudo_header, 14,
       0x2d9b},
      {"v3-ipv4-priority0.pcap", Version::v3, Family::inet, 55, "", 100, {"10.77.0.100"}, false,
       V3Checksum::pseudo_header, 10, 0x42d5},
      {"v3-ipv4-unicast.pcap", Version::v3, Family::inet, 54, "", 100, {"10.77.0.100"}, true,
       V3Checksum::pseudo_header, 7, 0x189a},
      {"v3-ipv4-unicast-old-checksum.pcap", Version::v3, Family::inet, 57, "", 100,
       {"10.77.0.100"}, true, V3Checksum::old_unicast, 7, 0x42d3},
      {"v3-ipv4-vmac.pcap", Version::v3, Family::inet, 58, "", 100, {"10.77.0.100"}, false,
       V3Checksum::pseudo_header, 7, 0x42d2},
      {"v3-ipv6-mcast.pcap", Version::v3, Family::inet6, 53, "", 100,
       {"fe80::53", "fd77::100"}, false, V3Checksum::pseudo_header, 7, 0x3d72},
      {"v3-ipv6-mcast-forwarding.pcap", Version::v3, Family::inet6, 53, "", 100,
       {"fe80::53", "fd77::100"}, false, V3Checksum::pseudo_header, 3, 0x3d72},
  };
  return g;
}

std::array<std::uint8_t, 8> pass_bytes(std::string_view pass) {
  std::array<std::uint8_t, 8> b{};
  for (std::size_t i = 0; i < pass.size() && i < b.size(); ++i) {
    b[i] = static_cast<std::uint8_t>(pass[i]);
  }
  return b;
}

class CodecGolden : public ::testing::TestWithParam<Golden> {};

TEST_P(CodecGolden, DecodesValidatesAndReencodesEveryAdvert) {
  const Golden& g = GetParam();
  const auto pcap = testing::parse_pcap(testing::read_file(std::string(VIGIL_CODEC_DATA_DIR) +
                                                           "/" + g.file));
  ASSERT_EQ(pcap.linktype, 1u);  // Ethernet

  std::vector<IpAddress> vips;
  for (const char* v : g.vips) vips.push_back(ip(v));
  const std::vector<UnicastPeer> peers_of_b = {{ip("10.77.0.1")}};
  const std::vector<UnicastPeer> peers_of_a = {{ip("10.77.0.2")}};

  std::size_t adverts = 0;
  for (const Bytes& frame : pcap.frames) {
    const auto f = testing::vrrp_in_frame(frame);
    if (!f) continue;
    SCOPED_TRACE(::testing::Message() << g.file << " advert #" << adverts);
    ++adverts;

    RxMeta meta;
    meta.ifindex = 2;
    Expected<Advert, DropReason> a;
    if (g.family == Family::inet) {
      a = decode_ipv4(f->ip_packet, meta);
    } else {
      meta = {f->source, f->destination, f->ttl, 2, f->destination.is_multicast()};
      a = decode(f->message, Family::inet6);
    }
    ASSERT_TRUE(a.has_value()) << to_string(a.error());
    EXPECT_EQ(meta.source, f->source);
    EXPECT_EQ(meta.destination, f->destination);
    EXPECT_EQ(meta.ttl, 255);
    EXPECT_EQ(meta.destination_multicast, !g.unicast);

    // Fields.
    EXPECT_EQ(a->version, g.version);
    EXPECT_EQ(a->type, kTypeAdvertisement);
    EXPECT_EQ(a->vrid.value, g.vrid);
    EXPECT_TRUE(priority_expected(f->source, a->priority.value)) << int(a->priority.value);
    EXPECT_EQ(a->interval(), Centiseconds{g.interval_cs});
    EXPECT_EQ(a->reserved, 0);
    ASSERT_EQ(a->address_count(), vips.size());
    for (std::size_t i = 0; i < vips.size(); ++i) EXPECT_EQ(a->address(i), vips[i]);
    if (g.version == Version::v2) {
      EXPECT_EQ(a->auth_type, *g.pass ? 1 : 0);
      const auto want = pass_bytes(g.pass);
      ASSERT_EQ(a->auth_data.size(), 8u);
      EXPECT_TRUE(std::equal(want.begin(), want.end(), a->auth_data.begin()));
    } else {
      EXPECT_TRUE(a->auth_data.empty());
    }
    EXPECT_EQ(a->message.size(), f->message.size());
    if (adverts == 1) {
      EXPECT_EQ(a->checksum, g.first_checksum);
    }

    // The receiving peer (the other node) accepts it.
    Expectations e;
    e.version = g.version;
    e.family = g.family;
    e.vrid = Vrid{g.vrid};
    e.auth_type = *g.pass ? AuthType::pass : AuthType::none;
    e.auth_pass = pass_bytes(g.pass);
    e.advert_interval = Centiseconds{g.interval_cs};
    e.vips = vips;
    e.unicast = g.unicast;
    e.peers = f->source == ip("10.77.0.1") ? peers_of_b : peers_of_a;
    e.check_unicast_source = g.unicast;
    e.checksum.mode = g.mode;
    const Verdict v = validate(*a, meta, e);
    ASSERT_TRUE(v.accepted()) << to_string(*v.drop);
    EXPECT_FALSE(v.address_list_mismatch);
    EXPECT_FALSE(v.interval_differs);
    EXPECT_FALSE(v.old_unicast_checksum);

    // Re-encode the decoded fields: byte-identical.
    AdvertFields fields;
    fields.version = a->version;
    fields.family = a->family;
    fields.vrid = a->vrid;
    fields.priority = a->priority;
    fields.interval = a->interval();
    fields.auth_type = static_cast<AuthType>(a->auth_type);
    if (g.version == Version::v2) std::copy_n(a->auth_data.begin(), 8, fields.auth_data.begin());
    fields.addresses = vips;
    const ChecksumRule rule{g.mode, std::nullopt};
    std::array<std::uint8_t, 128> buf{};
    if (g.family == Family::inet) {
      Ipv4Fields h{f->source, f->destination, 255, 0, 0xC0};
      h.id = static_cast<std::uint16_t>(f->ip_packet[4] << 8 | f->ip_packet[5]);
      const auto n = encode_ipv4(fields, h, rule, buf);
      ASSERT_TRUE(n.has_value()) << to_string(n.error());
      EXPECT_EQ(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n)),
                Bytes(f->ip_packet.begin(), f->ip_packet.end()));
    } else {
      const auto n = encode(fields, f->source, f->destination, rule, buf);
      ASSERT_TRUE(n.has_value()) << to_string(n.error());
      EXPECT_EQ(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n)),
                Bytes(f->message.begin(), f->message.end()));
    }
  }
  EXPECT_EQ(adverts, g.adverts);
}

INSTANTIATE_TEST_SUITE_P(Captures, CodecGolden, ::testing::ValuesIn(goldens()),
                         [](const ::testing::TestParamInfo<Golden>& param_info) {
                           std::string n = param_info.param.file;
                           n = n.substr(0, n.find('.'));
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

// The old-unicast capture also exercises keepalived's auto-detection (reference §4.6): an
// instance still on the standard rule accepts it and is told to switch; with detection off
// (`old_unicast_checksum never`) it is a checksum error.
TEST(CodecGoldenOldChecksum, DetectedUnlessDisabled) {
  const auto pcap = testing::parse_pcap(testing::read_file(
      std::string(VIGIL_CODEC_DATA_DIR) + "/v3-ipv4-unicast-old-checksum.pcap"));
  std::optional<testing::VrrpFrame> f;
  for (const Bytes& frame : pcap.frames) {
    if ((f = testing::vrrp_in_frame(frame))) break;
  }
  ASSERT_TRUE(f.has_value());
  RxMeta meta;
  const auto a = decode_ipv4(f->ip_packet, meta);
  ASSERT_TRUE(a.has_value());

  const std::vector<IpAddress> vips = {ip("10.77.0.100")};
  const std::vector<UnicastPeer> peers = {{ip("10.77.0.1")}};
  Expectations e;
  e.version = Version::v3;
  e.vrid = Vrid{57};
  e.vips = vips;
  e.unicast = true;
  e.peers = peers;
  const Verdict detected = validate(*a, meta, e);
  ASSERT_TRUE(detected.accepted());
  EXPECT_TRUE(detected.old_unicast_checksum);

  e.detect_old_unicast_checksum = false;
  const Verdict rejected = validate(*a, meta, e);
  ASSERT_FALSE(rejected.accepted());
  EXPECT_EQ(*rejected.drop, DropReason::bad_checksum);
}

}  // namespace
}  // namespace vigil::vrrp
