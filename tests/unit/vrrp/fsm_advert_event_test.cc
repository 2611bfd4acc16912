// vrrp/advert_event.h: a real encoded advert, decoded and validated by the codec, becomes the
// state machine's event with the right fields and address-list verdict.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "fsm_harness.h"
#include "vrrp/advert_event.h"
#include "vrrp/packet.h"

namespace vigil::vrrp::testing {
namespace {

struct Wire {
  std::array<std::uint8_t, 512> buf{};
  std::span<const std::uint8_t> packet;
};

Wire encode_from(const char* src, std::uint8_t prio, Version v, Centiseconds interval,
                 const std::vector<IpAddress>& vips) {
  AdvertFields f;
  f.version = v;
  f.vrid = Vrid{51};
  f.priority = Priority{prio};
  f.interval = interval;
  f.addresses = vips;
  Ipv4Fields ipf;
  ipf.source = addr(src);
  ipf.destination = IpAddress::vrrp_group(Family::inet);
  Wire w;
  auto len = encode_ipv4(f, ipf, ChecksumRule{}, w.buf);
  EXPECT_TRUE(len.has_value());
  w.packet = {w.buf.data(), len.value_or(0)};
  return w;
}

ReceivedAdvert through_codec(const Wire& w, Version v, Centiseconds interval,
                             const std::vector<IpAddress>& ours) {
  RxMeta meta;
  auto a = decode_ipv4(w.packet, meta);
  EXPECT_TRUE(a.has_value());
  Expectations e;
  e.version = v;
  e.vrid = Vrid{51};
  e.advert_interval = interval;
  e.vips = ours;
  Verdict verdict = validate(*a, meta, e);
  EXPECT_TRUE(verdict.accepted());
  return to_received_advert(*a, meta, verdict, e);
}

TEST(FsmAdvertEvent, CarriesSourcePriorityIntervalVersion) {
  const std::vector<IpAddress> vips{addr("192.168.1.100")};
  Wire w = encode_from("10.0.0.9", 150, Version::v3, Centiseconds{50}, vips);
  ReceivedAdvert r = through_codec(w, Version::v3, Centiseconds{100}, vips);
  EXPECT_EQ(r.source, addr("10.0.0.9"));
  EXPECT_EQ(r.priority, Priority{150});
  EXPECT_EQ(r.interval, Duration{500000});
  EXPECT_EQ(r.version, Version::v3);
  EXPECT_TRUE(r.addresses_match);
}

TEST(FsmAdvertEvent, CountMismatchStillCounts) {
  Wire w = encode_from("10.0.0.9", 150, Version::v2, Centiseconds{100},
                       {addr("192.168.1.100"), addr("192.168.1.101")});
  EXPECT_TRUE(through_codec(w, Version::v2, Centiseconds{100}, {addr("192.168.1.100")})
                  .addresses_match);
}

TEST(FsmAdvertEvent, MissingVipWithEqualCountDoesNotCount) {
  Wire w = encode_from("10.0.0.9", 150, Version::v2, Centiseconds{100}, {addr("192.168.1.200")});
  ReceivedAdvert r = through_codec(w, Version::v2, Centiseconds{100}, {addr("192.168.1.100")});
  EXPECT_FALSE(r.addresses_match);
  // …so a backup's down timer is left alone.
  Harness h;
  h.step(EventKind::startup, 0us);
  EXPECT_TRUE(h.rx(r, 1s).empty());
  EXPECT_EQ(h.deadline_us(Timer::master_down), 3609375);
}

}  // namespace
}  // namespace vigil::vrrp::testing
