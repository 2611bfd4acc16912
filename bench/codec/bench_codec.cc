// bench_codec: nanoseconds per advert for the VRRP codec's receive path (decode + validate) and
// send path (encode), on adverts shaped like keepalived 2.2.7's (captures README).
//
// Reference: keepalived's own receive path cannot be called in-process (it is GPL code woven
// into its socket handling), so the reference printed beside each figure is the floor every
// implementation pays: one RFC 1071 checksum pass over the same VRRP message. The ratio says
// how much the rest of decode + validate costs on top of that.
//
// Each figure is the median of kRuns runs, in thread CPU time. Usage: bench_codec [iters]
#include <algorithm>
#include <array>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "microbench.h"
#include "vrrp/packet.h"

namespace {

using namespace vigil::vrrp;
using vigil::bench::keep;
using vigil::bench::kRuns;
using vigil::bench::median_ns;

IpAddress ip(const char* t) { return *IpAddress::parse(t); }

struct Case {
  const char* name;
  Version version;
  Family family;
  std::vector<IpAddress> vips;
  AuthType auth = AuthType::none;
};

void run_case(const Case& c, long iters) {
  const bool v4 = c.family == Family::inet;
  const IpAddress src = v4 ? ip("10.77.0.1") : ip("fe80::77:ff:fe00:1");
  const IpAddress dst = IpAddress::vrrp_group(c.family);

  AdvertFields f;
  f.version = c.version;
  f.family = c.family;
  f.vrid = Vrid{51};
  f.priority = Priority{150};
  f.interval = Centiseconds{100};
  f.auth_type = c.auth;
  f.auth_data = {'s', 'e', 'c', 'r', 'e', 't', '1', '2'};
  f.addresses = c.vips;

  std::array<std::uint8_t, 512> pkt{};
  std::size_t len = 0;
  if (v4) {
    Ipv4Fields h;
    h.source = src;
    h.destination = dst;
    h.id = 1;
    len = encode_ipv4(f, h, {}, pkt).value();
  } else {
    len = encode(f, src, dst, {}, pkt).value();
  }
  const std::span<const std::uint8_t> packet(pkt.data(), len);
  const std::span<const std::uint8_t> message = v4 ? packet.subspan(kIpv4HeaderSize) : packet;

  Expectations e;
  e.version = c.version;
  e.family = c.family;
  e.vrid = Vrid{51};
  e.auth_type = c.auth;
  e.auth_pass = f.auth_data;
  e.advert_interval = Centiseconds{100};
  e.vips = c.vips;
  RxMeta base;
  base.source = src;
  base.destination = dst;
  base.ttl = 255;
  base.ifindex = 2;
  base.destination_multicast = true;

  RxCounters counters;
  const double rx = median_ns(iters, [&](long) {
    keep(pkt);
    RxMeta meta = base;
    const auto a = v4 ? decode_ipv4(packet, meta) : decode(packet, c.family);
    if (!a) std::abort();
    const Verdict v = validate(*a, meta, e);
    count(counters, v, *a);
    keep(v);
  });
  if (counters[RxStat::adverts_received] == 0) std::abort();  // every advert must pass

  const double floor = median_ns(iters, [&](long) {
    keep(pkt);
    keep(internet_checksum(message));
  });

  std::array<std::uint8_t, 512> out{};
  Ipv4Fields h;
  h.source = src;
  h.destination = dst;
  const double tx = median_ns(iters, [&](long) {
    const auto n = v4 ? encode_ipv4(f, h, {}, out) : encode(f, src, dst, {}, out);
    keep(out);
    keep(n);
  });

  std::printf("%-28s %4zu B  decode+validate %6.1f ns  | ref checksum-only %5.1f ns  ratio %5.2f"
              "  | encode %6.1f ns\n",
              c.name, message.size(), rx, floor, rx / floor, tx);
}

}  // namespace

int main(int argc, char** argv) {
  const long iters = argc > 1 ? std::atol(argv[1]) : 2'000'000;
  std::printf("vigil VRRP codec, median of %d runs x %ld adverts (reference: RFC 1071 pass "
              "over the same message)\n",
              kRuns, iters);
  const std::vector<Case> cases = {
      {"v2 IPv4 2 VIPs PASS", Version::v2, Family::inet,
       {ip("10.77.0.100"), ip("10.77.0.101")}, AuthType::pass},
      {"v3 IPv4 3 VIPs", Version::v3, Family::inet,
       {ip("10.77.0.100"), ip("10.77.0.101"), ip("10.77.0.102")}},
      {"v3 IPv4 1 VIP", Version::v3, Family::inet, {ip("10.77.0.100")}},
      {"v3 IPv6 2 VIPs", Version::v3, Family::inet6, {ip("fe80::53"), ip("fd77::100")}},
      {"v3 IPv4 20 VIPs", Version::v3, Family::inet, [] {
         std::vector<IpAddress> v;
         for (std::uint8_t i = 0; i < 20; ++i) v.push_back(IpAddress::v4({10, 77, 0, i}));
         return v;
       }()},
  };
  for (const Case& c : cases) run_case(c, iters);
  return 0;
}
