// The receive and send paths never allocate: this binary replaces the global operator new with
// a counting one and checks the count does not move across decode / validate / count / encode.
// (Own executable, so the replacement touches nothing else.)
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "vrrp/packet.h"
#include "counting_new.h"

namespace vigil::vrrp {
namespace {

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

TEST(CodecNoAlloc, ReceiveAndSendPathsDoNotAllocate) {
  const std::vector<IpAddress> vips = {ip("10.77.0.100"), ip("10.77.0.101"), ip("10.77.0.102")};
  const std::vector<UnicastPeer> peers = {{ip("10.77.0.1")}};
  AdvertFields f;
  f.vrid = Vrid{52};
  f.priority = Priority{150};
  f.interval = Centiseconds{50};
  f.addresses = vips;
  Ipv4Fields h;
  h.source = ip("10.77.0.1");
  h.destination = ip("10.77.0.2");
  Expectations e;
  e.version = Version::v3;
  e.vrid = Vrid{52};
  e.advert_interval = Centiseconds{50};
  e.vips = vips;
  e.unicast = true;
  e.peers = peers;
  e.check_unicast_source = true;
  std::array<std::uint8_t, 128> buf{};
  RxCounters counters;

  const long before = vigil::testing::allocations();
  const auto n = encode_ipv4(f, h, {}, buf);
  RxMeta meta;
  const auto a = n ? decode_ipv4(std::span(buf).first(*n), meta) : decode({}, Family::inet);
  Verdict v;
  if (a) {
    v = validate(*a, meta, e);
    count(counters, v, *a);
  }
  const long after = vigil::testing::allocations();

  ASSERT_TRUE(n.has_value());
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(v.accepted());
  EXPECT_EQ(counters[RxStat::adverts_received], 1u);
  EXPECT_EQ(after - before, 0);

  // The counter itself works (so a zero above means something).
  const long probe = vigil::testing::allocations();
  void* p = ::operator new(16);  // a call, not a new-expression: never elided
  ::operator delete(p);
  EXPECT_EQ(vigil::testing::allocations() - probe, 1);
}

}  // namespace
}  // namespace vigil::vrrp
