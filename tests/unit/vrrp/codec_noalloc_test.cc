// The receive and send paths never allocate: this binary replaces the global operator new with
// a counting one and checks the count does not move across decode / validate / count / encode.
// (Own executable, so the replacement touches nothing else.)
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "vrrp/packet.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

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

  const long before = g_allocations.load();
  const auto n = encode_ipv4(f, h, {}, buf);
  RxMeta meta;
  const auto a = n ? decode_ipv4(std::span(buf).first(*n), meta) : decode({}, Family::inet);
  Verdict v;
  if (a) {
    v = validate(*a, meta, e);
    count(counters, v, *a);
  }
  const long after = g_allocations.load();

  ASSERT_TRUE(n.has_value());
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(v.accepted());
  EXPECT_EQ(counters[RxStat::adverts_received], 1u);
  EXPECT_EQ(after - before, 0);

  // The counter itself works (so a zero above means something).
  const long probe = g_allocations.load();
  void* p = ::operator new(16);  // a call, not a new-expression: never elided
  ::operator delete(p);
  EXPECT_EQ(g_allocations.load() - probe, 1);
}

}  // namespace
}  // namespace vigil::vrrp
