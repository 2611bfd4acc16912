// An independent opinion on what encode() writes: tshark's VRRP dissector (which always
// verifies VRRP checksums; tshark 4.0 has no vrrp.check_checksum preference) and its IPv4
// header check must call every advert Good, and nothing Malformed. The two compatibility rules
// are checked against tshark's matching preference. Skipped when tshark is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "codec_pcap.h"
#include "vrrp/packet.h"

namespace vigil::vrrp {
namespace {

using testing::Bytes;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

Bytes ethernet(const Bytes& dst_mac, std::uint16_t ethertype, std::span<const std::uint8_t> ip_packet) {
  Bytes f = dst_mac;
  for (std::uint8_t b : {0x02, 0x77, 0x00, 0x00, 0x00, 0x01}) f.push_back(b);
  f.push_back(static_cast<std::uint8_t>(ethertype >> 8));
  f.push_back(static_cast<std::uint8_t>(ethertype & 0xFF));
  f.insert(f.end(), ip_packet.begin(), ip_packet.end());
  return f;
}

Bytes ipv4_frame(const AdvertFields& f, const IpAddress& dst, const ChecksumRule& rule) {
  Ipv4Fields h;
  h.source = ip("10.77.0.1");
  h.destination = dst;
  h.id = 1;
  std::array<std::uint8_t, 512> buf{};
  const std::size_t n = encode_ipv4(f, h, rule, buf).value();
  const Bytes mac = dst.is_multicast() ? Bytes{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12}
                                       : Bytes{0x02, 0x77, 0x00, 0x00, 0x00, 0x02};
  return ethernet(mac, 0x0800, std::span(buf).first(n));
}

Bytes ipv6_frame(const AdvertFields& f) {
  const IpAddress src = ip("fe80::77:ff:fe00:1"), dst = ip("ff02::12");
  std::array<std::uint8_t, 512> msg{};
  const std::size_t n = encode(f, src, dst, {}, msg).value();
  Bytes p = {0x6c, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(n >> 8),
             static_cast<std::uint8_t>(n & 0xFF), 112, 255};  // TC 0xc0, next header 112
  p.insert(p.end(), src.data(), src.data() + 16);
  p.insert(p.end(), dst.data(), dst.data() + 16);
  p.insert(p.end(), msg.begin(), msg.begin() + static_cast<std::ptrdiff_t>(n));
  return ethernet({0x33, 0x33, 0x00, 0x00, 0x00, 0x12}, 0x86DD, p);
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  return out;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class CodecTshark : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run("command -v tshark").empty()) GTEST_SKIP() << "tshark not installed";
    path_ = std::filesystem::temp_directory_path() /
            ("vigil-codec-tshark-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pcap");
  }
  void TearDown() override {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  // tshark -V over the frames, with the given extra options.
  std::string dissect(const std::vector<Bytes>& frames, const std::string& opts = "") {
    const Bytes file = testing::write_pcap(frames);
    FILE* f = std::fopen(path_.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    if (f == nullptr) return {};
    std::fwrite(file.data(), 1, file.size(), f);
    std::fclose(f);
    return run("tshark -n -r '" + path_.string() + "' -o ip.check_checksum:TRUE " + opts +
               " -V 2>/dev/null");
  }
  std::filesystem::path path_;
};

TEST_F(CodecTshark, EncodedAdvertsAreGood) {
  const std::vector<IpAddress> v4 = {ip("10.77.0.100"), ip("10.77.0.101"), ip("10.77.0.102")};
  const std::vector<IpAddress> v6 = {ip("fe80::53"), ip("fd77::100")};
  AdvertFields v2;
  v2.version = Version::v2;
  v2.vrid = Vrid{51};
  v2.priority = Priority{150};
  v2.addresses = v4;
  AdvertFields v2pass = v2;
  v2pass.auth_type = AuthType::pass;
  v2pass.auth_data = {'s', 'e', 'c', 'r', 'e', 't', '1', '2'};
  AdvertFields v3 = v2;
  v3.version = Version::v3;
  v3.interval = Centiseconds{50};
  AdvertFields v3zero = v3;
  v3zero.priority = Priority{0};
  AdvertFields v3six = v3;
  v3six.family = Family::inet6;
  v3six.addresses = v6;

  const IpAddress group = ip("224.0.0.18"), peer = ip("10.77.0.2");
  const std::vector<Bytes> frames = {
      ipv4_frame(v2, group, {}),     ipv4_frame(v2pass, group, {}), ipv4_frame(v3, group, {}),
      ipv4_frame(v3zero, group, {}), ipv4_frame(v3, peer, {}),      ipv6_frame(v3six),
  };
  const std::string out = dissect(frames);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(occurrences(out, "Virtual Router Redundancy Protocol"), frames.size());
  EXPECT_EQ(occurrences(out, "[Checksum Status: Good]"), frames.size()) << out;
  EXPECT_EQ(occurrences(out, "[Header checksum status: Good]"), frames.size() - 1);  // IPv4
  EXPECT_EQ(occurrences(out, "Malformed"), 0u);
  EXPECT_EQ(occurrences(out, "incorrect"), 0u);
  EXPECT_EQ(occurrences(out, "Bad"), 0u);
  EXPECT_NE(out.find("Authentication String: secret12"), std::string::npos);
}

TEST_F(CodecTshark, CompatibilityRulesMatchTsharkPreferences) {
  const std::vector<IpAddress> v4 = {ip("10.77.0.100")};
  AdvertFields v3;
  v3.vrid = Vrid{57};
  v3.priority = Priority{150};
  v3.addresses = v4;
  const IpAddress peer = ip("10.77.0.2");

  // as_v2 is what tshark's "v3 checksum as in v2" preference expects.
  const std::vector<Bytes> as_v2 = {ipv4_frame(v3, peer, {V3Checksum::as_v2, std::nullopt})};
  EXPECT_EQ(occurrences(dissect(as_v2, "-o vrrp.v3_checksum_as_in_v2:TRUE"),
                        "[Checksum Status: Good]"),
            1u);
  EXPECT_EQ(occurrences(dissect(as_v2), "[Checksum Status: Bad]"), 1u);

  // old_unicast: tshark calls it Bad, and says the standard value would be the one we compute
  // with the real destination (v3-ipv4-unicast-old-checksum.txt shows the same for keepalived).
  const std::vector<Bytes> old = {ipv4_frame(v3, peer, {V3Checksum::old_unicast, std::nullopt})};
  const std::string out = dissect(old);
  EXPECT_EQ(occurrences(out, "[Checksum Status: Bad]"), 1u);
  EXPECT_NE(out.find("Checksum: 0x42d3 incorrect, should be 0x1897"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigil::vrrp
